"""The workplan's stored deadlines, registered with `core.deadlines` (see credit/deadlines.py)."""

from django.urls import reverse

from qcity.core import deadlines

from .models import Supervision
from .services import supervisions


def register() -> None:
    # The answer period starts on a datetime (opened or escalated), so no start field narrows the query.
    deadlines.register(Supervision, "respond_by", compute=supervisions.respond_by, org_unit="task__org_unit",
                       url=lambda s: reverse("workplan:plan-task-detail", args=[s.task_id]),
                       select_related=("task__org_unit",))
