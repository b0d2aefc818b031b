"""The inspections module's stored deadlines, registered with `core.deadlines` (see credit/deadlines.py)."""

from django.urls import reverse

from qcity.core import deadlines

from .models import InspectionResult
from .services import results


def register() -> None:
    deadlines.register(InspectionResult, "publish_by", start="inspected_on", compute=results.publish_by,
                       org_unit="target__enterprise__org_unit",
                       url=lambda r: reverse("inspections:target-detail", args=[r.target_id]),
                       select_related=("target__enterprise__org_unit", "item"))
