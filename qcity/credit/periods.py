"""End dates of credit periods (publication periods, list durations) from the legal-duration table.

A period measured in months or years is not a deadline for an act, so it is not moved off a holiday
(and it can end years ahead, beyond the published holiday calendars). Working-day periods go through
`qcity.core.deadlines.deadline`.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qcity.core.choices import DurationUnit
from qcity.core.deadlines import DurationNotDefined, deadline, legal_duration_in_force


@contextlib.contextmanager
def rule_in_force(field: str, day: datetime.date | None) -> Iterator[None]:
    """A date before the rule that times it came into force (no legal-duration row in force on it) is a
    400 naming the field that holds the date, never an unhandled error."""
    try:
        yield
    except DurationNotDefined as error:
        raise ValidationError({field: [
            _("%(day)s 没有适用的法定期限规定，无法计算期限，请核对日期") % {"day": day}]}) from error


def period_end(code: str, start: datetime.date) -> datetime.date:
    row = legal_duration_in_force(code, start)
    if row.unit == DurationUnit.MONTHS:
        return start + relativedelta(months=row.value)
    if row.unit == DurationUnit.YEARS:
        return start + relativedelta(years=row.value)
    if row.unit == DurationUnit.NATURAL_DAYS:
        return start + datetime.timedelta(days=row.value)
    return deadline(code, start).on
