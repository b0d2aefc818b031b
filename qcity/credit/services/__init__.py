"""Writes of the credit module, split by concept: events, classification, lists, repairs, objections."""

from .classification import (
    ReclassifyOutcome,
    credit_reclassify_all,
    enterprise_reclassify,
    scoring_model_in_force,
    scoring_model_save,
)
from .events import (
    credit_event_publish,
    credit_event_publish_item,
    credit_event_record,
    credit_event_withdraw,
    credit_event_withdraw_item,
    credit_events_load,
)
from .lists import (
    abnormal_list_enter,
    abnormal_list_escalate,
    credit_lists_maintain,
    list_entry_publish,
    list_entry_remove,
    red_list_enter,
    red_list_remove,
    serious_list_enter,
)
from .objections import credit_objection_decide, credit_objection_file
from .repairs import credit_repair_accept, credit_repair_apply, credit_repair_decide

__all__ = [
    "ReclassifyOutcome",
    "abnormal_list_enter",
    "abnormal_list_escalate",
    "credit_event_publish",
    "credit_event_publish_item",
    "credit_event_record",
    "credit_event_withdraw",
    "credit_event_withdraw_item",
    "credit_events_load",
    "credit_lists_maintain",
    "credit_reclassify_all",
    "enterprise_reclassify",
    "list_entry_publish",
    "list_entry_remove",
    "credit_objection_decide",
    "credit_objection_file",
    "red_list_enter",
    "red_list_remove",
    "credit_repair_accept",
    "credit_repair_apply",
    "credit_repair_decide",
    "scoring_model_in_force",
    "scoring_model_save",
    "serious_list_enter",
]
