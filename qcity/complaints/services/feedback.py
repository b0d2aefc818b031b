"""What a finished complaint sends to the other modules: a credit event when it was substantiated, and the
complaint indicators of the year it was finished.

A complaint or report found to be true (查证属实) is a negative item of the respondent's credit file
(DOMAIN §1, credit event kind `substantiated_complaint`). The event names no person: its summary is the
category, the problem type and the tracking number, and the complainant's name is handed to the credit
module as a known person, so its personal-data check catches it should it ever appear in published text.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qcity.core.models import User
from qcity.credit.choices import CreditEventKind
from qcity.credit.models import CreditEvent
from qcity.credit.services import credit_event_record
from qcity.indicators.services import computed_indicators_refresh

from ..choices import ComplaintKind
from ..indicators import INDICATORS
from ..models import Complaint


def source_ref(complaint: Complaint) -> str:
    return f"complaint:{complaint.pk}"


def _summary(complaint: Complaint) -> str:
    what = "、".join(str(x) for x in (complaint.category, complaint.problem_type) if x is not None)
    kind = "投诉" if complaint.kind == ComplaintKind.COMPLAINT else "举报"  # i18n-ignore: credit record text, stored in Chinese
    return f"{what + '方面的' if what else ''}{kind}经查证属实（查询编号 {complaint.tracking_number}）"  # i18n-ignore: credit record text, stored in Chinese


def complaint_feedback_record(*, complaint: Complaint, by: User | None) -> CreditEvent | None:
    """Record the credit event of a substantiated complaint or report, once (the source_ref names the
    complaint; a second call returns the event already recorded). Nothing when the respondent is not in the
    enterprise registry or the complaint was not substantiated."""
    if complaint.respondent_id is None or not complaint.substantiated:
        return None
    existing = CreditEvent.objects.filter(source_ref=source_ref(complaint)).first()
    if existing is not None:
        return existing
    occurred_on = complaint.closed_on or complaint.tip_decided_on
    if occurred_on is None:
        raise ValidationError({"closed_on": [_("办结后才能记入信用档案")]})
    unit = complaint.org_unit
    authority = f"{unit.name}市场监督管理局" if unit else "市场监督管理局"  # i18n-ignore: public credit record text
    with transaction.atomic():
        return credit_event_record(
            enterprise=complaint.respondent, kind=CreditEventKind.SUBSTANTIATED_COMPLAINT, occurred_on=occurred_on,
            source_authority=authority[:100], summary=_summary(complaint), source_ref=source_ref(complaint),
            known_persons=[complaint.person_name] if complaint.person_name else [], by=by)


def complaint_indicators_refresh_on_commit(*, year: int) -> None:
    """Rewrite the complaint indicators of `year` once the caller's transaction commits (a closure, a
    rating): the indicator values are approved values, read by status boards and the assessment."""

    def refresh():
        for key in INDICATORS:
            computed_indicators_refresh(key=key, year=year)

    transaction.on_commit(refresh)
