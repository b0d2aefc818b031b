"""Writes of supervision sampling; every business rule of DOMAIN §6 lives in these functions."""

from .catalogue import product_categories_load, sampling_plan_create
from .followups import (
    followup_announce,
    followup_order,
    followup_reinspect,
    followup_report,
    followup_transfer,
)
from .retests import retest_conclude, sampling_objection_apply
from .samples import (
    sample_conclude,
    sample_create,
    sample_publish,
    sample_serve,
    test_item_delete,
    test_results_enter,
    test_results_record,
)

__all__ = [
    "followup_announce",
    "followup_order",
    "followup_reinspect",
    "followup_report",
    "followup_transfer",
    "sampling_objection_apply",
    "sampling_plan_create",
    "product_categories_load",
    "retest_conclude",
    "sample_conclude",
    "sample_create",
    "sample_publish",
    "sample_serve",
    "test_item_delete",
    "test_results_enter",
    "test_results_record",
]
