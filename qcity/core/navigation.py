"""The back-office menu: each entry names a page; who sees it is what that page declares.

An entry is shown to a user holding one of the roles its view declares with `role_required` (or
`required_roles`); a `login_page` or `public_page` is shown to every user holding any role. So the
menu can never offer a page its user is refused (test_permission_rules checks this for every role).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from django.core.exceptions import ImproperlyConfigured
from django.urls import get_script_prefix, get_urlconf, resolve, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from . import access
from .roles import EVERYONE


@dataclass(frozen=True)
class MenuItem:
    label: str = field(compare=False)  # a lazy translation: hashed and compared by its page alone
    url_name: str

    @property
    def url(self) -> str:
        return _url(self.url_name, get_script_prefix(), get_urlconf())

    @property
    def roles(self) -> frozenset[str]:
        return view_roles(self.url_name)


@cache
def _url(url_name: str, script_prefix: str, urlconf) -> str:
    """The entry's address, reversed once per prefix and URLconf: every page draws the whole menu."""
    return reverse(url_name, urlconf=urlconf)


def _page_at(path: str, script_prefix: str, urlconf) -> str | None:
    """The url_name of the menu entry at `path`, if one is."""
    return _menu_pages(script_prefix, urlconf).get(path)


@cache
def _menu_pages(script_prefix: str, urlconf) -> dict[str, str]:
    return {_url(item.url_name, script_prefix, urlconf): item.url_name for item in MENU}


@cache
def view_roles(url_name: str) -> frozenset[str]:
    """The roles the page behind `url_name` admits: its declared `required_roles`, or every role when it
    only asks for a login (or is public)."""
    view = resolve(reverse(url_name)).func
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    declared = getattr(view, "required_roles", None) or getattr(view_class, "required_roles", None)
    if isinstance(declared, frozenset | set | tuple | list):
        return frozenset(declared)
    if getattr(view, "login_only", False) or getattr(view, "is_public", False):
        return EVERYONE
    raise ImproperlyConfigured(f"menu entry {url_name!r}: its view declares no fixed roles")


MENU = [
    MenuItem(_("首页"), "home"),
    MenuItem(_("消息"), "core:notifications"),
    MenuItem(_("驾驶舱"), "reports:cockpit"),
    MenuItem(_("规划与指标"), "indicators:plan-list"),
    MenuItem(_("目标进展"), "indicators:status"),
    MenuItem(_("指标分解"), "indicators:decomposition-table"),
    MenuItem(_("指标填报"), "indicators:value-list"),
    MenuItem(_("任务督办"), "workplan:plan-task-list"),
    MenuItem(_("考核"), "assessment:scheme-list"),
    MenuItem(_("大质量指数"), "assessment:quality-index"),
    MenuItem(_("报告"), "reports:report-list"),
    MenuItem(_("市场主体"), "enterprises:list"),
    MenuItem(_("企业账号"), "enterprises:account-list"),
    MenuItem(_("本企业账号"), "enterprises:account-mine"),
    # Each market-supervision module has its own tabs (lists, queues, pools, pass rates…) on its pages.
    MenuItem(_("信用监管"), "credit:file-search"),
    MenuItem(_("双随机抽查"), "inspections:inspection-plan-list"),
    MenuItem(_("我的检查任务"), "inspections:my-assignments"),
    MenuItem(_("案件线索"), "inspections:case-lead-list"),
    MenuItem(_("监督抽检"), "sampling:sample-list"),
    MenuItem(_("投诉举报"), "complaints:complaint-list"),
    MenuItem(_("登记投诉举报"), "complaints:complaint-create"),
    MenuItem(_("举报奖励"), "complaints:reward-list"),
    MenuItem(_("在线纠纷解决"), "complaints:settlement-list"),
    MenuItem(_("在线纠纷解决企业"), "complaints:direct-settlement-members"),
    MenuItem(_("地名库"), "complaints:gazetteer-list"),
    MenuItem(_("投诉举报分类"), "complaints:category-list"),
    MenuItem(_("追溯查询"), "trace:trace"),
    MenuItem(_("召回"), "trace:recall-list"),
    MenuItem(_("追溯产品"), "trace:product-list"),
    MenuItem(_("追溯码"), "trace:code-list"),
    MenuItem(_("追溯目录"), "trace:category-list"),
    MenuItem(_("行政区划"), "core:org-units"),
    MenuItem(_("成员单位"), "core:departments"),
    MenuItem(_("法定期限"), "core:legal-durations"),
    MenuItem(_("节假日安排"), "core:holiday-calendar"),
    MenuItem(_("期限变动"), "core:deadline-changes"),
    MenuItem(_("用户与角色"), "core:users"),
    MenuItem(_("登录锁定"), "core:login-lockouts"),
    MenuItem(_("审计日志"), "core:audit-log"),
    MenuItem(_("接口令牌"), "api-token-list"),
    MenuItem(_("服务账号"), "core:service-accounts"),
]


def menu_for(user) -> list[MenuItem]:
    roles = access.roles_of(user)
    return [item for item in MENU if roles & item.roles]


# The menu and the header's badges are drawn by every back-office page, so their markup is built here with
# format_html rather than by a template including one badge partial per entry: that took 2–3 ms of a page's
# 10 ms budget (bench/search.py). The counts come after the page loaded (`core:todo-badges`), except on the
# home page, which counts anyway.


def todo_badge_html(item: MenuItem, count: int | None, oob: bool = False) -> SafeString:
    """An entry's to-do badge: the count, or an empty placeholder that the badges' request fills in later
    (`core:todo-badges` answers with these, `oob` set, as out-of-band swaps)."""
    swap = mark_safe(' hx-swap-oob="true"') if oob else ""
    if not count:
        return format_html('<span id="todo-badge-{}"{}></span>', slugify(item.url_name), swap)
    return format_html('<span id="todo-badge-{}"{} class="badge rounded-pill text-bg-danger ms-auto qc-todo-badge"'
                       ' data-todo-count="{}">{}<span class="visually-hidden">{}</span></span>',
                       slugify(item.url_name), swap, item.url_name, count, gettext("项待办"))


def notification_badge_html(count: int | None, oob: bool = False) -> SafeString:
    """The header's unread-message count beside "消息"; None leaves the place empty for the badges' request."""
    swap = mark_safe(' hx-swap-oob="true"') if oob else ""
    if not count:
        return format_html('<span id="notification-badge"{}></span>', swap)
    return format_html('<span id="notification-badge"{}> <span class="badge rounded-pill text-bg-danger"'
                       ' id="notification-unread-count">{}<span class="visually-hidden">{}</span></span></span>',
                       swap, count, gettext("条未读"))


def menu_html(badges: Iterable[tuple[MenuItem, int | None]], path: str) -> SafeString:
    """The menu's entries (`nav_badges` of the context processor), the one at `path` marked active."""
    prefix, urlconf = get_script_prefix(), get_urlconf()
    return _menu_markup(get_language(), prefix, tuple(badges), _page_at(path, prefix, urlconf))


@lru_cache(maxsize=512)
def _menu_markup(language: str, script_prefix: str, entries: tuple, active: str | None) -> SafeString:
    """Kept per language, entries (with their counts) and active entry: a role set's menu is the same on
    every page but one entry."""
    return format_html_join(
        "", '<li class="nav-item"><a class="nav-link d-flex align-items-center{}" href="{}">{}{}</a></li>',
        ((" active" if item.url_name == active else "", item.url, item.label, todo_badge_html(item, count))
         for item, count in entries))
