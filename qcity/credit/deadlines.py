"""The credit module's stored deadlines, registered with `core.deadlines` so that entering an official
holiday schedule recomputes them (each from its own start date and legal-duration row)."""

from django.urls import reverse

from qcity.core import deadlines

from .models import CreditEvent, CreditListEntry, CreditObjection, CreditRepair
from .services import events, lists, objections, repairs


def _file_url(obj) -> str:
    return reverse("credit:file", args=[obj.enterprise_id])


def _describe(obj) -> str:
    """The enterprise and what the item is: 郑州某某有限公司 · 信用异议（待处理）."""
    what = f"{obj._meta.verbose_name}（{obj.get_status_display()}）" if isinstance(obj, CreditObjection) else str(obj)
    return f"{obj.enterprise.name} · {what}"


def register() -> None:
    common = {"org_unit": "enterprise__org_unit", "url": _file_url, "describe": _describe,
              "select_related": ("enterprise__org_unit",)}
    deadlines.register(CreditEvent, "publication_due_on", start="occurred_on",
                       compute=lambda e: events.publication_due_on(e.kind, e.occurred_on), **common)
    deadlines.register(CreditListEntry, "publication_due_on", start="decided_on", compute=lists.publication_due_on,
                       **common)
    deadlines.register(CreditRepair, "acceptance_due_on", start="submitted_on",
                       compute=repairs.acceptance_due_on, **common)
    deadlines.register(CreditRepair, "decision_due_on", start="accepted_on", compute=repairs.decision_due_on,
                       **common)
    deadlines.register(CreditObjection, "reply_due_on", start="submitted_on", compute=objections.reply_due_on, **common)
