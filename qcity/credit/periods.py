"""End dates of credit periods (publication periods, list durations) from the legal-duration table.

A period measured in months or years is not a deadline for an act, so it is not moved off a holiday
(and it can end years ahead, beyond the published holiday calendars). Working-day periods go through
`qcity.core.deadlines.deadline`.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta

from qcity.core.choices import DurationUnit
from qcity.core.deadlines import deadline, legal_duration_in_force


def period_end(code: str, start: datetime.date) -> datetime.date:
    row = legal_duration_in_force(code, start)
    if row.unit == DurationUnit.MONTHS:
        return start + relativedelta(months=row.value)
    if row.unit == DurationUnit.YEARS:
        return start + relativedelta(years=row.value)
    if row.unit == DurationUnit.NATURAL_DAYS:
        return start + datetime.timedelta(days=row.value)
    return deadline(code, start).on
