"""The office's grading parameters of the target status (`StatusRule`, one row; the rule is `indicators.status`).

The office tunes how strict the board is, not the rule itself: a tolerance inside which a value behind
the line is still on track and a share of the whole way up to which it is at risk. Every change is
audited with its before/after, since it moves every status, ranking and score that reads them.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qcity.core import access
from qcity.core.audit import audit_record, changed, snapshot
from qcity.core.choices import AuditAction
from qcity.core.models import User
from qcity.core.roles import OFFICE

from ..models import StatusRule

FIELDS = ("on_track_tolerance", "at_risk_share")
PLACES = Decimal("0.0001")


def status_rule_validate(*, on_track_tolerance: Decimal, at_risk_share: Decimal) -> None:
    """0 ≤ tolerance ≤ at-risk share ≤ 1 (both are shares of the way to the target); errors name the field."""
    errors = {}
    if not Decimal(0) <= on_track_tolerance <= Decimal(1):
        errors["on_track_tolerance"] = [_("容差须在 0 到 1 之间")]
    if not Decimal(0) <= at_risk_share <= Decimal(1):
        errors["at_risk_share"] = [_("存在风险界限须在 0 到 1 之间")]
    elif not errors and at_risk_share < on_track_tolerance:
        errors["at_risk_share"] = [_("存在风险界限不能小于进度正常容差")]
    if errors:
        raise ValidationError(errors)


def status_rule_update(*, on_track_tolerance: Decimal, at_risk_share: Decimal, by: User | None) -> StatusRule:
    """Set the parameters (creating the one row on first use), audited with before and after."""
    access.require_role(by, *OFFICE, action="update the target status rule")
    status_rule_validate(on_track_tolerance=on_track_tolerance, at_risk_share=at_risk_share)
    with transaction.atomic():
        # the one row has pk 1: two first saves at once meet on its primary key instead of making two rows
        rule, created = StatusRule.objects.select_for_update().get_or_create(pk=1)
        old = snapshot(StatusRule(), FIELDS) if created else snapshot(rule, FIELDS)
        # stored with the column's four places, so that an unchanged value compares equal in the audit
        rule.on_track_tolerance = on_track_tolerance.quantize(PLACES)
        rule.at_risk_share = at_risk_share.quantize(PLACES)
        rule.updated_by = by if by is not None and by.pk else None
        rule.save()
        before, after = changed(old, snapshot(rule, FIELDS))
        audit_record(action=AuditAction.CREATE if created else AuditAction.UPDATE, by=by, obj=rule,
                     before=before or None, after=after or None,
                     message=f"target status rule set: tolerance {on_track_tolerance:g}, at risk {at_risk_share:g}")
    return rule
