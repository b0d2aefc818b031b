"""The back-office menu: each module adds its entries here with the roles that see them."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access
from .access import BUSINESS_ROLES
from .choices import Role
from .selectors import DEADLINE_CHANGE_ROLES


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset

    @property
    def url(self) -> str:
        return reverse(self.url_name)


# The roles that run the programme: the office, the member departments and the districts.
PROGRAMME_ROLES = frozenset({Role.LEADERSHIP_OFFICE, Role.DEPARTMENT_REPORTER, Role.DISTRICT_OFFICER})
# Market-regulation officers: credit, inspections and sampling (districts in their unit, the office city-wide).
MARKET_OFFICER_ROLES = frozenset({Role.LEADERSHIP_OFFICE, Role.DISTRICT_OFFICER, Role.INSPECTOR})

MENU = [
    MenuItem(_("首页"), "home", frozenset(Role)),
    MenuItem(_("驾驶舱"), "reports:cockpit", PROGRAMME_ROLES),
    MenuItem(_("规划与指标"), "indicators:plan-list", BUSINESS_ROLES - {Role.ENTERPRISE_USER}),
    MenuItem(_("目标进展"), "indicators:status", BUSINESS_ROLES - {Role.ENTERPRISE_USER}),
    MenuItem(_("指标填报"), "indicators:value-list", PROGRAMME_ROLES),
    MenuItem(_("任务督办"), "workplan:task-list", PROGRAMME_ROLES),
    MenuItem(_("考核"), "assessment:scheme-list", PROGRAMME_ROLES),
    MenuItem(_("大质量指数"), "assessment:quality-index", PROGRAMME_ROLES),
    MenuItem(_("报告"), "reports:report-list", frozenset({Role.LEADERSHIP_OFFICE})),
    MenuItem(_("市场主体"), "enterprises:list", BUSINESS_ROLES - {Role.ENTERPRISE_USER}),
    # Each market-supervision module has its own tabs (lists, queues, pools, pass rates…) on its pages.
    MenuItem(_("信用监管"), "credit:file-search", MARKET_OFFICER_ROLES | {Role.ENTERPRISE_USER}),
    MenuItem(_("双随机抽查"), "inspections:plan-list", MARKET_OFFICER_ROLES),
    MenuItem(_("我的检查任务"), "inspections:my-assignments", frozenset({Role.INSPECTOR})),
    MenuItem(_("监督抽检"), "sampling:sample-list", MARKET_OFFICER_ROLES | {Role.ENTERPRISE_USER}),
    MenuItem(_("行政区划"), "core:org-units", frozenset(Role)),
    MenuItem(_("成员单位"), "core:departments", frozenset(Role)),
    MenuItem(_("法定期限"), "core:legal-durations", frozenset(Role)),
    MenuItem(_("节假日安排"), "core:holiday-calendar", frozenset(Role)),
    MenuItem(_("期限变动"), "core:deadline-changes", DEADLINE_CHANGE_ROLES),
    MenuItem(_("用户与角色"), "core:users", frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})),
    MenuItem(_("登录锁定"), "core:login-lockouts", frozenset({Role.SECURITY_ADMIN})),
    MenuItem(_("审计日志"), "core:audit-log", frozenset({Role.AUDIT_ADMIN})),
]


def menu_for(user) -> list[MenuItem]:
    roles = access.roles_of(user)
    return [item for item in MENU if roles & item.roles]
