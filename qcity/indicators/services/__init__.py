"""Writes of the indicators module, split by concept: plans and their catalogue, reported values."""

from .plans import plan_create_from_import, plan_import_create, plans_load_builtin
from .values import (
    computed_indicators_refresh,
    computed_values_refresh,
    reported_value_approve,
    reported_value_evidence_attach,
    reported_value_reopen,
    reported_value_report,
    reported_value_return,
    reported_value_review,
    reported_value_submit,
    reported_values_import,
    reported_values_import_report,
)

__all__ = [
    "computed_indicators_refresh",
    "computed_values_refresh",
    "plan_create_from_import",
    "plan_import_create",
    "plans_load_builtin",
    "reported_value_approve",
    "reported_value_evidence_attach",
    "reported_value_reopen",
    "reported_value_report",
    "reported_value_return",
    "reported_value_review",
    "reported_value_submit",
    "reported_values_import",
    "reported_values_import_report",
]
