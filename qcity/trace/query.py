"""The EPCIS 2.0 SimpleEventQuery (EPCIS 2.0 §8.2.7.1) over the event store, as the REST binding's
`GET /events` asks it: the common parameters, keyset pages with an opaque signed `nextPageToken`, and the
answer as an EPCIS query document.

- Identifier parameters (MATCH_*) and locations (EQ_bizLocation, EQ_readPoint) take URNs or Digital Links,
  comma-separated, and compare their canonical form (`identifiers.canonical`), as capture stored them.
  Patterns (`urn:epc:idpat:…`) are not supported.
- Business steps and dispositions compare as capture stored them: the bare CBV word for CBV values.
- EQ_bizTransaction_<type> compares the first business transaction of each event (the one kept in its own
  column); on PostgreSQL any transaction of the event with that type matches.
- A parameter this module does not know, or a value it cannot read, is refused naming the parameter: a
  client must not get all events when it asked for some.
- Pages are ordered by (event time, id) and continue after the last event of the previous page; the token
  carries that position and a fingerprint of the query, signed, so a changed or forged token is refused.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.core import signing
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core import access
from qcity.core.models import User
from qcity.core.roles import MARKET_OFFICERS

from .choices import EpcisAction, EpcisEventType, EpcRole
from .epcis import cbv_word
from .identifiers import canonical
from .models import Event, EventEpc

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
PER_PAGE_DEFAULT = 100
PER_PAGE_MAX = 1000
MAX_VALUES = 500  # values of one list parameter
TOKEN_SALT = "qcity.trace.query.next-page"
TOKEN_PARAMETER = "nextPageToken"
PER_PAGE_PARAMETER = "perPage"
BIZ_TRANSACTION_PREFIX = "EQ_bizTransaction_"

# MATCH_* parameter -> the roles of the trace index it looks at (EPCIS 2.0 §8.2.7.1)
MATCH_EPC_ROLE: dict[str, tuple[str, ...]] = {
    "MATCH_epc": (EpcRole.EPC, EpcRole.CHILD),
    "MATCH_parentID": (EpcRole.PARENT,),
    "MATCH_inputEPC": (EpcRole.INPUT,),
    "MATCH_outputEPC": (EpcRole.OUTPUT,),
    "MATCH_epcClass": (EpcRole.EPC, EpcRole.CHILD, EpcRole.INPUT, EpcRole.OUTPUT),
    "MATCH_anyEPC": tuple(EpcRole.values),
}
TIME_PARAMETERS = {"GE_eventTime": "event_time__gte", "LT_eventTime": "event_time__lt",
                   "GE_recordTime": "record_time__gte", "LT_recordTime": "record_time__lt"}
EQ_FIELDS = {"EQ_bizStep": ("biz_step", cbv_word), "EQ_disposition": ("disposition", cbv_word),
             "EQ_bizLocation": ("biz_location", canonical), "EQ_readPoint": ("read_point", canonical),
             "EQ_eventID": ("epcis_event_id", str.strip)}
PARAMETERS = frozenset({"eventType", "EQ_action", *MATCH_EPC_ROLE, *TIME_PARAMETERS, *EQ_FIELDS, PER_PAGE_PARAMETER,
                        TOKEN_PARAMETER})
# "+08:00" arrives as " 08:00" when a client forgets to encode the plus sign
_SPACE_OFFSET = re.compile(r" (\d{2}(:?\d{2})?)$")


class QueryError(ValueError):
    """A parameter the query cannot take (HTTP 400); `parameter` names it."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class EventPage:
    events: list[Event]
    next_token: str | None


def _values(params: Mapping, name: str) -> list[str]:
    raw = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
    values = [value.strip() for item in raw for value in str(item).split(",") if value.strip()]
    if not values:
        raise QueryError(name, _("参数 %(name)s 为空") % {"name": name})
    if len(values) > MAX_VALUES:
        raise QueryError(name, _("参数 %(name)s 最多 %(max)s 个值") % {"name": name, "max": MAX_VALUES})
    return values


def _moment(name: str, value: str) -> datetime.datetime:
    text = _SPACE_OFFSET.sub(r"+\1", value.strip())
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise QueryError(name, _("参数 %(name)s 不是有效的时间：%(value)s") % {"name": name, "value": value}) from None
    return moment if moment.tzinfo else timezone.make_aware(moment)


def _one(params: Mapping, name: str) -> str:
    values = _values(params, name)
    if len(values) > 1:
        raise QueryError(name, _("参数 %(name)s 只能有一个值") % {"name": name})
    return values[0]


def _transaction_condition(name: str, values: list[str]) -> Q:
    kind = name[len(BIZ_TRANSACTION_PREFIX):]
    if not kind:
        raise QueryError(name, _("未知的查询参数：%(name)s") % {"name": name})
    if connection.vendor != "postgresql":
        return Q(biz_transaction__in=values)
    word = cbv_word(kind)
    kinds = {kind, word, f"urn:epcglobal:cbv:btt:{word}", f"https://ref.gs1.org/cbv/BTT-{word}"}
    condition = Q(pk__in=[])
    for value in values:
        for form in kinds:
            condition |= Q(document__bizTransactionList__contains=[{"type": form, "bizTransaction": value}])
    return condition


def query_conditions(params: Mapping) -> list[Q]:
    """The conditions of the query's parameters (page parameters aside), or QueryError naming the first bad
    parameter."""
    conditions: list[Q] = []
    for name in sorted(params):
        if name in (PER_PAGE_PARAMETER, TOKEN_PARAMETER):
            continue
        if name.startswith(BIZ_TRANSACTION_PREFIX):
            conditions.append(_transaction_condition(name, _values(params, name)))
        elif name not in PARAMETERS:
            raise QueryError(name, _("未知的查询参数：%(name)s") % {"name": name})
        elif name == "eventType":
            values = _values(params, name)
            unknown = [v for v in values if v not in EpcisEventType.values]
            if unknown:
                raise QueryError(name, _("未知的事件类型：%(value)s") % {"value": ", ".join(unknown)})
            conditions.append(Q(event_type__in=values))
        elif name == "EQ_action":
            values = _values(params, name)
            unknown = [v for v in values if v not in EpcisAction.values]
            if unknown:
                raise QueryError(name, _("未知的动作：%(value)s") % {"value": ", ".join(unknown)})
            conditions.append(Q(action__in=values))
        elif name in TIME_PARAMETERS:
            conditions.append(Q(**{TIME_PARAMETERS[name]: _moment(name, _one(params, name))}))
        elif name in MATCH_EPC_ROLE:
            epcs = sorted({canonical(v) for v in _values(params, name)})
            conditions.append(Q(id__in=EventEpc.objects.filter(epc__in=epcs, role__in=MATCH_EPC_ROLE[name])
                                .values("event_id")))
        else:
            field, clean = EQ_FIELDS[name]
            conditions.append(Q(**{f"{field}__in": sorted({clean(v) for v in _values(params, name)})}))
    return conditions


def per_page(params: Mapping) -> int:
    if PER_PAGE_PARAMETER not in params:
        return PER_PAGE_DEFAULT
    value = _one(params, PER_PAGE_PARAMETER)
    if not value.isdigit() or not 1 <= int(value) <= PER_PAGE_MAX:
        raise QueryError(PER_PAGE_PARAMETER, _("参数 perPage 须为 1 至 %(max)s 的整数") % {"max": PER_PAGE_MAX})
    return int(value)


def query_fingerprint(params: Mapping) -> str:
    """What the query asks, whatever the order of its parameters (page parameters aside)."""
    items = sorted((name, sorted(params.getlist(name) if hasattr(params, "getlist") else [params[name]]))
                   for name in params if name not in (PER_PAGE_PARAMETER, TOKEN_PARAMETER))
    return hashlib.sha256(json.dumps(items, ensure_ascii=False).encode()).hexdigest()[:32]


def next_page_token(params: Mapping, last: Event) -> str:
    return signing.dumps({"q": query_fingerprint(params), "t": last.event_time.isoformat(), "i": last.pk},
                         salt=TOKEN_SALT, compress=True)


def _position(params: Mapping) -> tuple[datetime.datetime, int] | None:
    if TOKEN_PARAMETER not in params:
        return None
    try:
        data = signing.loads(_one(params, TOKEN_PARAMETER), salt=TOKEN_SALT)
        if data["q"] != query_fingerprint(params):
            raise ValueError("another query")
        return datetime.datetime.fromisoformat(data["t"]), int(data["i"])
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        raise QueryError(TOKEN_PARAMETER, _("nextPageToken 无效，或不属于这个查询")) from None


def event_list(*, user: User | None) -> QuerySet[Event]:
    """The events a user may query: market officers all of them, an enterprise user those its enterprise
    captured, others none."""
    events = Event.objects.all()
    if user is None or access.has_role(user, *MARKET_OFFICERS):
        return events
    if user.enterprise_id:
        return events.filter(enterprise_id=user.enterprise_id)
    return events.none()


def event_page(*, params: Mapping, user: User | None) -> EventPage:
    """One page of the query's events, oldest first, and the token of the next page (None on the last)."""
    conditions = query_conditions(params)
    size = per_page(params)
    events = event_list(user=user).filter(*conditions)
    position = _position(params)
    if position is not None:
        moment, pk = position
        events = events.filter(Q(event_time__gt=moment) | Q(event_time=moment, id__gt=pk))
    rows = list(events.order_by("event_time", "id")[:size + 1])
    if len(rows) <= size:
        return EventPage(events=rows, next_token=None)
    rows = rows[:size]
    return EventPage(events=rows, next_token=next_page_token(params, rows[-1]))


def query_document(events: list[Event], *, query_name: str = "SimpleEventQuery") -> dict:
    """The EPCIS 2.0 query document answering a query with these events, as captured."""
    return {
        "@context": [CONTEXT],
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().isoformat(timespec="milliseconds"),
        "epcisBody": {"queryResults": {"queryName": query_name,
                                       "resultsBody": {"eventList": [event.document for event in events]}}},
    }
