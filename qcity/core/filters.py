"""The one FilterSet base of the platform: every app's `filters.py` subclasses `StyledFilterSet`.

A FilterSet is shared by a list page and its API list (`filterset_class` on the DRF view, through
DjangoFilterBackend): on bad input the API answers 400 naming the parameter, while the page shows its
form's errors and no rows, or (`for_page`) ignores the bad parameter. Both get the same bounded fields
(`qcity.core.fields`), so a year 0 or an id past BIGINT_MAX never reaches SQL. A view that computes
rather than lists (a status board, an index, the cockpit) validates its parameters through a FilterSet
too: `for_page` on the page, `query_parameters` on the API.
"""

import django_filters
from axes.models import AccessAttempt
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.utils import translate_validation

from .choices import AuditAction, DeliveryStatus, NotificationChannel, NotificationKind, OrgUnitKind, Role
from .fields import BoundedDateFilter, BoundedIntegerFilter, IdFilter
from .forms import style_widgets
from .models import (
    ApiToken,
    AuditEvent,
    DeadlineChange,
    Department,
    LegalDuration,
    Notification,
    NotificationDelivery,
    OrgUnit,
    RoleAssignment,
    ServiceAccount,
    User,
)
from .selectors import org_unit_options, unit_label

YES_NO = (("yes", _("是")), ("no", _("否")))


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap-styled widgets, bounded number/date filters for generated fields, short org-unit names."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.IntegerField: {"filter_class": BoundedIntegerFilter},
        models.PositiveIntegerField: {"filter_class": BoundedIntegerFilter},
        models.PositiveSmallIntegerField: {"filter_class": BoundedIntegerFilter},
        models.SmallIntegerField: {"filter_class": BoundedIntegerFilter},
        models.AutoField: {"filter_class": IdFilter},
        models.BigAutoField: {"filter_class": IdFilter},
        models.DateField: {"filter_class": BoundedDateFilter},
    }

    # Filters applied after all others: a text search whose probe and estimate must see the other filters.
    applied_last: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.form)
        field = self.form.fields.get("org_unit")
        if field is not None and getattr(field, "queryset", None) is not None and field.queryset.model is OrgUnit:
            field.label_from_instance = lambda unit: unit_label(unit.short_name, unit.name)

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        for name in [*(n for n in data if n not in self.applied_last), *self.applied_last]:
            queryset = self.filters[name].filter(queryset, data.get(name))
        return queryset

    @classmethod
    def for_page(cls, params, *, defaults: dict | None = None, **kwargs):
        """The FilterSet of a page that ignores bad input: an absent parameter takes its default (an empty
        one too, unless the filter offers an empty "all" choice), and one that does not validate is treated
        as absent. The API, through DjangoFilterBackend, answers 400 naming the parameter instead."""
        data = params.copy()
        for name, value in (defaults or {}).items():
            if name not in data or (data[name] == "" and not cls._offers_empty(name)):
                data[name] = value
        filterset = cls(data, **kwargs)
        if filterset.is_bound and not filterset.is_valid():
            for name in filterset.errors:
                if name in (defaults or {}):
                    data[name] = defaults[name]
                else:
                    data.pop(name, None)
            filterset = cls(data, **kwargs)
        filterset.is_valid()  # so that form.cleaned_data is there for the page's own defaults
        return filterset

    def parameter(self, queryset, name, value):
        """`method="parameter"`: a validated parameter handed to a computation (a year, the unit whose
        trend is drawn), read from `form.cleaned_data`, not a condition on the rows."""
        return queryset

    @classmethod
    def _offers_empty(cls, name: str) -> bool:
        declared = cls.base_filters.get(name)
        return not isinstance(declared, django_filters.ChoiceFilter) or declared.extra.get("empty_label", "") is not None


def query_parameters(filterset_class, params, **kwargs) -> dict:
    """The cleaned parameters of an API view that computes rather than lists (a report, an index) through
    its FilterSet, as DjangoFilterBackend does for lists: a 400 naming each bad parameter."""
    filterset = filterset_class(params, **kwargs)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.form.cleaned_data


def in_org_unit(queryset, unit: OrgUnit, field: str = "org_unit"):
    """Rows of `unit` and every unit below it; the city (no parent) means everything."""
    if unit.parent_id is None:
        return queryset
    ids = OrgUnit.objects.filter(path__startswith=unit.path).values_list("id", flat=True)
    return queryset.filter(**{f"{field}_id__in": list(ids)})


class _UnitChoices(django_filters.fields.ModelChoiceIterator):
    """The options as (key, label) pairs: all units in tree order from the list this process keeps
    (`selectors.org_unit_options`), a narrower queryset from one `values_list` read. Made as model instances,
    a province's 180 units took 2.6 ms of every list page's unit select. The chosen value is still cleaned to
    the unit by its field."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield "", self.field.empty_label
        if self.field.null_label is not None:
            yield self.field.null_value, self.field.null_label
        query = self.queryset.query
        if not query.where and self.field.to_field_name in (None, "pk", "id") and (
                tuple(query.order_by) in ((), ("path",), ("path", "sort_order"))):
            yield from org_unit_options()
            return
        key = self.field.to_field_name or "pk"
        for value, short_name, name in self.queryset.values_list(key, "short_name", "name"):
            yield value, unit_label(short_name, name)


class _UnitChoiceField(django_filters.fields.ModelChoiceField):
    iterator = _UnitChoices


class UnitFilter(django_filters.ModelChoiceFilter):
    """The org-unit filter of a list: the rows of the chosen unit and every unit below it (`in_org_unit`) on
    `field_name` (default `org_unit`, e.g. `enterprise__org_unit`); the city means everything."""

    field_class = _UnitChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", OrgUnit.objects.order_by("path"))
        kwargs.setdefault("empty_label", _("全部"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return in_org_unit(qs, value, field=self.field_name)


class AuditEventFilter(StyledFilterSet):
    actor = django_filters.CharFilter(label=_("操作人"), field_name="actor_name", lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("动作"), choices=AuditAction.choices)
    object_type = django_filters.CharFilter(label=_("对象类型"), lookup_expr="icontains")
    object_id = django_filters.CharFilter(label=_("对象标识"))
    since = BoundedDateFilter(label=_("起始日期"), field_name="at", lookup_expr="date__gte")
    until = BoundedDateFilter(label=_("截止日期"), field_name="at", lookup_expr="date__lte")
    org_unit = UnitFilter(label=_("行政单元"))

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "object_type", "object_id", "since", "until", "org_unit"]



class NotificationFilter(StyledFilterSet):
    """The message centre (page and API `notifications/`): unread only, one kind."""

    unread = django_filters.ChoiceFilter(label=_("未读"), choices=YES_NO, method="filter_unread",
                                         empty_label=_("全部"))
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=NotificationKind.choices, empty_label=_("全部"))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "yes")


class NotificationDeliveryFilter(StyledFilterSet):
    """The system administrator's list of failed and long-pending deliveries."""

    status = django_filters.ChoiceFilter(label=_("状态"), empty_label=_("全部"),
                                         choices=[(DeliveryStatus.FAILED, DeliveryStatus.FAILED.label),
                                                  (DeliveryStatus.PENDING, DeliveryStatus.PENDING.label)])
    channel = django_filters.ChoiceFilter(label=_("渠道"), empty_label=_("全部"),
                                          choices=[c for c in NotificationChannel.choices
                                                   if c[0] != NotificationChannel.IN_APP])
    # the error text, not the recipient, address or message: the page shows no more than these (masked)
    q = django_filters.CharFilter(label=_("最后错误"), field_name="last_error", lookup_expr="icontains")

    class Meta:
        model = NotificationDelivery
        fields = ["status", "channel", "q"]


# --- API tokens, service accounts


class ApiTokenFilter(StyledFilterSet):
    """A user's own tokens, by name."""

    q = django_filters.CharFilter(label=_("名称"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = ApiToken
        fields = ["q"]


class ServiceAccountFilter(StyledFilterSet):
    """The system administrator's service accounts: account name, name or purpose; the account's unit."""

    q = django_filters.CharFilter(label=_("账号名/名称/用途"), method="filter_q")
    org_unit = UnitFilter(label=_("所属行政单元"), queryset=OrgUnit.objects.all(), field_name="user__org_unit")

    class Meta:
        model = ServiceAccount
        fields = ["q", "org_unit"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(models.Q(user__username__icontains=value) | models.Q(user__full_name__icontains=value)
                               | models.Q(purpose__icontains=value))



# --- back-office lists (core/views/__init__.py)


def contains_any(queryset, value: str, *fields: str):
    """The rows where one of `fields` contains `value`; a blank value keeps every row."""
    value = value.strip()
    if not value:
        return queryset
    condition = models.Q()
    for field in fields:
        condition |= models.Q(**{f"{field}__icontains": value})
    return queryset.filter(condition)


class OrgUnitFilter(StyledFilterSet):
    """The org-unit page and GET /api/org-units/."""

    q = django_filters.CharFilter(label=_("名称/代码"), method="filter_q", max_length=100)
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=OrgUnitKind.choices, empty_label=_("全部"))

    class Meta:
        model = OrgUnit
        fields = ["q", "kind"]

    def filter_q(self, queryset, name, value):
        return contains_any(queryset, value, "name", "short_name", "division_code")


class DepartmentFilter(StyledFilterSet):
    """The member-unit page and GET /api/departments/; `org_unit` takes the unit and the units below it."""

    q = django_filters.CharFilter(label=_("名称/代码"), method="filter_q", max_length=100)
    org_unit = UnitFilter(label=_("所属行政单元"))

    class Meta:
        model = Department
        fields = ["q", "org_unit"]

    def filter_q(self, queryset, name, value):
        return contains_any(queryset, value, "name", "short_name", "code")



class LegalDurationFilter(StyledFilterSet):
    """The legal-durations page and GET /api/legal-durations/."""

    q = django_filters.CharFilter(label=_("名称/代码"), method="filter_q", max_length=100)
    confirmed = django_filters.ChoiceFilter(label=_("已核实"), choices=YES_NO, empty_label=_("全部"),
                                            method="filter_confirmed")

    class Meta:
        model = LegalDuration
        fields = ["q", "confirmed"]

    def filter_q(self, queryset, name, value):
        return contains_any(queryset, value, "name", "code", "legal_source")

    def filter_confirmed(self, queryset, name, value):
        return queryset.filter(confirmed=value == "yes")


class DeadlineChangeFilter(StyledFilterSet):
    """The deadline-changes page and GET /api/deadline-changes/: the object (or the deadline's name) and the
    holder's unit with the units below it."""

    q = django_filters.CharFilter(label=_("事项"), method="filter_q", max_length=100)
    org_unit = UnitFilter(label=_("行政单元"))

    class Meta:
        model = DeadlineChange
        fields = ["q", "org_unit"]

    def filter_q(self, queryset, name, value):
        return contains_any(queryset, value, "object_repr", "field_label")



class UserFilter(StyledFilterSet):
    """The user page: user name or name, a role held (over any unit), the user's own unit and those below."""

    q = django_filters.CharFilter(label=_("用户名/姓名"), method="filter_q", max_length=150)
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices, empty_label=_("全部"),
                                       method="filter_role")
    org_unit = UnitFilter(label=_("所属行政单元"))

    class Meta:
        model = User
        fields = ["q", "role", "org_unit"]

    def filter_q(self, queryset, name, value):
        return contains_any(queryset, value, "username", "full_name")

    def filter_role(self, queryset, name, value):
        return queryset.filter(pk__in=RoleAssignment.objects.filter(role=value).values("user_id"))



class LoginLockoutFilter(StyledFilterSet):
    """The login-lockouts page. The locks are computed from axes' attempts (`selectors.login_lockout_list`),
    not rows of a table, so the validated user name narrows the computed rows (`rows`)."""

    username = django_filters.CharFilter(label=_("用户名"), method="parameter", max_length=150)

    class Meta:
        model = AccessAttempt
        fields = ["username"]

    def rows(self, lockouts: list[dict]) -> list[dict]:
        value = (self.form.cleaned_data.get("username") or "").strip().casefold()
        return [row for row in lockouts if value in row["username"].casefold()]
