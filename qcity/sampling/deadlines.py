"""The sampling module's stored deadlines, registered with `core.deadlines` (see credit/deadlines.py)."""

from django.urls import reverse

from qcity.core import deadlines

from .models import Sample
from .services import samples


def register() -> None:
    deadlines.register(Sample, "retest_deadline", start="served_on", compute=samples.retest_deadline,
                       org_unit="org_unit", url=lambda s: reverse("sampling:sample-detail", args=[s.pk]),
                       select_related=("org_unit",))
