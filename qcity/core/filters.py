"""The one FilterSet base of the platform: every app's `filters.py` subclasses `StyledFilterSet`.

A FilterSet is shared by a list page and its API list (`filterset_class` on the DRF view, through
DjangoFilterBackend): on bad input the API answers 400 naming the parameter, while the page shows its
form's errors and no rows, or (`for_page`) ignores the bad parameter. Both get the same bounded fields
(`qcity.core.fields`), so a year 0 or an id past BIGINT_MAX never reaches SQL. A view that computes
rather than lists (a status board, an index, the cockpit) validates its parameters through a FilterSet
too: `for_page` on the page, `query_parameters` on the API.
"""

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.utils import translate_validation

from .choices import AuditAction, DeliveryStatus, NotificationChannel, NotificationKind
from .fields import BoundedDateFilter, BoundedIntegerFilter, IdFilter
from .forms import style_widgets
from .models import AuditEvent, Notification, NotificationDelivery, OrgUnit

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.form)
        field = self.form.fields.get("org_unit")
        if field is not None and getattr(field, "queryset", None) is not None and field.queryset.model is OrgUnit:
            field.label_from_instance = lambda unit: unit.short_name or unit.name

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


class AuditEventFilter(StyledFilterSet):
    actor = django_filters.CharFilter(label=_("操作人"), field_name="actor_name", lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("动作"), choices=AuditAction.choices)
    object_type = django_filters.CharFilter(label=_("对象类型"), lookup_expr="icontains")
    object_id = django_filters.CharFilter(label=_("对象标识"))
    since = BoundedDateFilter(label=_("起始日期"), field_name="at", lookup_expr="date__gte")
    until = BoundedDateFilter(label=_("截止日期"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "object_type", "object_id", "since", "until"]


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

    class Meta:
        model = NotificationDelivery
        fields = ["status", "channel"]
