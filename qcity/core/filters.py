import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction
from .models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(label=_("操作人"), field_name="actor_name", lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("动作"), choices=AuditAction.choices)
    object_type = django_filters.CharFilter(label=_("对象类型"), lookup_expr="icontains")
    object_id = django_filters.CharFilter(label=_("对象标识"))
    since = django_filters.DateFilter(label=_("起始日期"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("截止日期"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "object_type", "object_id", "since", "until"]
