"""Writes of the inspections module, split by concept: the list and the directories, plans and the
draw, results and publication."""

from .case_leads import case_lead_close, case_lead_create
from .directories import (
    conflict_declare,
    conflict_withdraw,
    inspector_create,
    inspector_update,
    item_create,
    item_publish,
    item_update,
    pool_create,
    pool_enterprises,
    pool_snapshot_build,
)
from .plans import (
    MIN_INSPECTORS,
    DrawPreview,
    draw_preview,
    draw_publish,
    draw_run,
    inspection_plan_create,
    plan_sample_sizes,
)
from .results import (
    PUBLICATION_DURATION,
    plan_results_publish,
    result_enter,
    result_mark_case_lead,
    result_publish,
)

__all__ = [
    "MIN_INSPECTORS",
    "DrawPreview",
    "PUBLICATION_DURATION",
    "case_lead_close",
    "case_lead_create",
    "conflict_declare",
    "conflict_withdraw",
    "draw_preview",
    "draw_publish",
    "draw_run",
    "inspector_create",
    "inspector_update",
    "item_create",
    "item_publish",
    "item_update",
    "inspection_plan_create",
    "plan_results_publish",
    "plan_sample_sizes",
    "pool_create",
    "pool_enterprises",
    "pool_snapshot_build",
    "result_enter",
    "result_mark_case_lead",
    "result_publish",
]
