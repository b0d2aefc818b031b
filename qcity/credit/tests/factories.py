import datetime

from qcity.credit.services import credit_event_record
from qcity.enterprises.tests.factories import enterprise_factory  # noqa: F401  (re-exported for tests)

TODAY = datetime.date(2025, 11, 28)  # a Friday, a working day


def event_factory(enterprise, *, kind="administrative_penalty", occurred_on=None, by=None, **kw):
    kw.setdefault("source_authority", "郑州市市场监督管理局")
    kw.setdefault("summary", "测试信用事项")
    kw.setdefault("today", TODAY)
    return credit_event_record(enterprise=enterprise, kind=kind, occurred_on=occurred_on or TODAY - datetime.timedelta(days=10),
                               by=by, **kw)
