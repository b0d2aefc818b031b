"""Writes of the indicators module, split by concept: plans and their catalogue, reported values."""

from .decomposition import (
    indicator_decomposition_set,
    target_decomposition_confirm,
    target_decomposition_save,
    target_decompositions_import,
)
from .plans import plan_create_from_import, plan_import_create, plans_load_builtin
from .status_rule import status_rule_update
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
    "indicator_decomposition_set",
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
    "status_rule_update",
    "target_decomposition_confirm",
    "target_decomposition_save",
    "target_decompositions_import",
]
