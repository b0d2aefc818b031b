"""The trace of one identifier through the EPCIS event store (追溯): where it came from and where it went.

Read from the trace index (`EventEpc`) alone, one query per level of a breadth-first walk (`epc = ANY(frontier)`),
plus one for the transformations' and aggregations' other sides and one for the master data of the parties:

- backward, every event that led to the root: the root's own events (as object, container, content or output),
  the inputs of the transformation that made it (recursively, up to the transformation's time), and the
  containers it travelled in (the pallet's shipping and receiving between packing and unpacking). A container
  reached from one of its contents is not opened again: the other lots on the pallet are not our history.
- forward, every event that followed: the root's events, the outputs of the transformations it went into
  (from the transformation on), the containers it was packed in (until it was taken out) and, for a container
  root, its contents from packing on.

Each identifier is read inside a time window, so the result does not depend on the order in which the events
were captured (steps are sorted by event time, never by id). The walk is bounded (`MAX_IDENTIFIERS`,
`MAX_DEPTH`), so a cycle or a huge graph ends; `Trace.truncated` says when a bound was hit.

Holders (持有方) come from the forward steps: a party received what its receiving events say (or, without any,
what was shipped to it, `destinationList`), what it produced (transformation outputs, commissioning at its
location), and shipped onwards or used up what its shipping and transformation-input events say; held is the
difference. A container's shipment counts the traced contents packed in it.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal

import psycopg
from django.db import connection

from .choices import EpcisAction, EpcisEventType, EpcRole
from .epcis import MILLI
from .identifiers import parts
from .models import DIGITAL_LINK_HOST, EventEpc, Location, Party

MAX_IDENTIFIERS = 10_000  # identifiers read in one trace: a lot of a national brand, not the whole store
MAX_DEPTH = 200  # levels of the walk (each transformation or container is one level)
CHUNK = 900  # identifiers per `IN (…)`: under SQLite's and PostgreSQL's parameter limits with room to spare

SHIPPING, RECEIVING = "shipping", "receiving"
# Steps after which the goods are no longer held by anyone downstream (CBV 2.0 business steps).
CONSUMED = frozenset({"retail_selling", "dispensing", "destroying"})
_FIELDS = ("id", "epc", "role", "event_id", "event_time", "event_type", "action", "biz_step", "biz_location",
           "source_party", "destination_party", "quantity", "uom")
_NEVER = datetime.datetime.min.replace(tzinfo=datetime.UTC)
_ALWAYS = datetime.datetime.max.replace(tzinfo=datetime.UTC)


@dataclass(frozen=True)
class TraceStep:
    """One identifier named by one event, as the trace index holds it."""

    event_id: int
    event_time: datetime.datetime
    event_type: str
    action: str
    biz_step: str
    epc: str
    role: str
    biz_location: str
    source_party: str
    destination_party: str
    quantity: Decimal | None
    uom: str


@dataclass(frozen=True)
class TraceHolder:
    """A party downstream of the root with what it received, shipped onwards (or used up) and so holds."""

    party: str
    quantity_received: Decimal
    quantity_shipped: Decimal
    quantity_held: Decimal
    uom: str
    last_location: str
    last_seen_at: datetime.datetime | None


@dataclass(frozen=True)
class Trace:
    root: str
    backward: list[TraceStep] = field(default_factory=list)
    forward: list[TraceStep] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    suppliers: list[str] = field(default_factory=list)
    holders: list[TraceHolder] = field(default_factory=list)
    truncated: bool = False  # a bound (MAX_IDENTIFIERS, MAX_DEPTH) was hit: the trace is incomplete

    @property
    def identifiers(self) -> list[str]:
        """Every identifier the trace went through, backward then forward, each once."""
        seen: dict[str, None] = {self.root: None}
        for step in (*self.backward, *self.forward):
            seen.setdefault(step.epc, None)
        return list(seen)


@dataclass
class _Visit:
    """An identifier to read within [since, until]; a container reached from its contents is not opened."""

    since: datetime.datetime
    until: datetime.datetime
    opened: bool

    def covers(self, other: _Visit) -> bool:
        return self.since <= other.since and other.until <= self.until and (self.opened or not other.opened)

    def widen(self, other: _Visit) -> _Visit:
        return _Visit(min(self.since, other.since), max(self.until, other.until), self.opened or other.opened)


def _step(row: EventEpc) -> TraceStep:
    return TraceStep(event_id=row.event_id, event_time=row.event_time, event_type=row.event_type, action=row.action,
                     biz_step=row.biz_step, epc=row.epc, role=row.role, biz_location=row.biz_location,
                     source_party=row.source_party, destination_party=row.destination_party, quantity=row.quantity,
                     uom=row.uom)


_STEP_COLUMNS = tuple(f.name for f in fields(TraceStep))  # the trace index's columns of the same names


def _rows(column: str, values: list) -> list[TraceStep]:
    """The trace-index rows whose `column` (epc or event_id) is one of `values`, oldest first.

    Written in SQL, not with the ORM: compiling the ORM's query took longer than running it (about half a
    millisecond for each of a trace's queries). On PostgreSQL one `= ANY(array)` statement serves any number of
    values, prepared once per connection: planning it over the index's sixteen partitions took longer than
    running it. SQLite reads chunks of `IN` lists."""
    select = f"SELECT {', '.join(_STEP_COLUMNS)} FROM {EventEpc._meta.db_table} WHERE {column}"
    order = " ORDER BY event_time, event_id, id"
    if connection.vendor == "postgresql":
        sql = f"{select} = ANY(%s){order}"
        connection.ensure_connection()
        connection.validate_no_broken_transaction()
        started = time.monotonic()
        # a cursor binding on the server (Django's binds on the client, which cannot prepare)
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, [values], prepare=True)
            rows = cursor.fetchall()
        if connection.queries_logged:  # counted and shown as Django's own queries are (tests, debug toolbar)
            connection.queries_log.append({"sql": f"{sql} -- {len(values)} values",
                                           "time": f"{time.monotonic() - started:.3f}"})
        return [TraceStep(*row) for row in rows]
    with connection.cursor() as cursor:
        rows: list[TraceStep] = []
        for start in range(0, len(values), CHUNK):
            chunk = values[start:start + CHUNK]
            cursor.execute(f"{select} IN ({', '.join(['%s'] * len(chunk))}){order}", chunk)
            rows += [_sqlite_step(row) for row in cursor.fetchall()]
    if len(values) > CHUNK:
        rows.sort(key=lambda step: (step.event_time, step.event_id))
    return rows


def _sqlite_step(row: tuple) -> TraceStep:
    """A row read from SQLite as the ORM would give it: the event time aware (UTC), the quantity a Decimal."""
    step = TraceStep(*row)
    quantity = step.quantity
    return replace(step, event_time=step.event_time.replace(tzinfo=datetime.UTC),
                   quantity=None if quantity is None else Decimal(str(quantity)).quantize(MILLI))


def _rows_of_events(event_ids: set[int]) -> dict[int, list[TraceStep]]:
    """The other identifiers of these events (a transformation's inputs and outputs, an aggregation's parent
    and children), by event."""
    by_event: dict[int, list[TraceStep]] = defaultdict(list)
    for row in _rows("event_id", sorted(event_ids)):
        by_event[row.event_id].append(row)
    return by_event


class _Walk:
    """One direction of the walk; `backward` decides which links are followed."""

    def __init__(self, root: str, *, backward: bool):
        self.backward = backward
        self.visits: dict[str, _Visit] = {root: _Visit(_NEVER, _ALWAYS, opened=True)}
        self.steps: dict[tuple[int, str, str], TraceStep] = {}
        self.upstream: set[str] = set()  # identifiers with something further back (an input, a container's content)
        self.contents: dict[str, dict[tuple[int, str], tuple[Decimal, str]]] = defaultdict(dict)
        self.truncated = False
        self._run([root])

    def _reach(self, epc: str, visit: _Visit, frontier: dict[str, None]) -> None:
        known = self.visits.get(epc)
        if known is not None and known.covers(visit):
            return
        if known is None and len(self.visits) >= MAX_IDENTIFIERS:
            self.truncated = True
            return
        self.visits[epc] = visit if known is None else known.widen(visit)
        frontier[epc] = None

    def _run(self, frontier: list[str]) -> None:
        depth = 0
        while frontier:
            if depth >= MAX_DEPTH:
                self.truncated = True
                return
            depth += 1
            rows = [row for row in _rows("epc", frontier) if self._inside(row)]
            linked = {row.event_id for row in rows if self._links(row) or self._empties(row)}
            others = _rows_of_events(linked) if linked else {}
            rows = self._until_emptied(rows, others)
            ends = self._removals(rows)
            following: dict[str, None] = {}
            for row in rows:
                if self.backward and row.role == EpcRole.INPUT:
                    continue  # being used up is where the root's history ends, not part of it
                self.steps.setdefault((row.event_id, row.epc, row.role), row)
                if row.event_id in others and self._links(row):
                    self._follow(row, others[row.event_id], ends, following)
            frontier = list(following)

    def _inside(self, row: TraceStep) -> bool:
        visit = self.visits[row.epc]
        return visit.since <= row.event_time <= visit.until

    def _links(self, row: TraceStep) -> bool:
        """Does this row lead to other identifiers of its event?"""
        visit = self.visits[row.epc]
        if row.event_type == EpcisEventType.TRANSFORMATION:
            return row.role == (EpcRole.OUTPUT if self.backward else EpcRole.INPUT)
        if row.event_type == EpcisEventType.AGGREGATION and row.action == EpcisAction.ADD:
            return row.role == EpcRole.CHILD or (row.role == EpcRole.PARENT and visit.opened)
        return False

    def _empties(self, row: TraceStep) -> bool:
        """Might this row empty a container we followed from its contents (a DELETE naming no children)?"""
        return (row.role == EpcRole.PARENT and row.event_type == EpcisEventType.AGGREGATION
                and row.action == EpcisAction.DELETE and not self.visits[row.epc].opened)

    def _until_emptied(self, rows: list[TraceStep], others: dict[int, list[TraceStep]]) -> list[TraceStep]:
        """Drop a followed container's rows after it was emptied whole (an aggregation DELETE without children):
        a pallet used again afterwards carries other goods."""
        emptied: dict[str, datetime.datetime] = {}
        for row in rows:
            if self._empties(row) and not any(o.role == EpcRole.CHILD for o in others.get(row.event_id, ())):
                if row.event_time > self.visits[row.epc].since and row.epc not in emptied:
                    emptied[row.epc] = row.event_time  # rows come oldest first: the first emptying counts
        if not emptied:
            return rows
        return [row for row in rows if row.event_time <= emptied.get(row.epc, _ALWAYS)]

    @staticmethod
    def _removals(rows: list[TraceStep]) -> dict[str, list[datetime.datetime]]:
        """When each identifier was taken out of a container (an aggregation DELETE naming it as a child)."""
        ends: dict[str, list[datetime.datetime]] = defaultdict(list)
        for row in rows:
            if (row.event_type == EpcisEventType.AGGREGATION and row.action == EpcisAction.DELETE
                    and row.role == EpcRole.CHILD):
                ends[row.epc].append(row.event_time)
        return ends

    def _follow(self, row: TraceStep, others: list[TraceStep], ends, following: dict[str, None]) -> None:
        visit = self.visits[row.epc]
        at = row.event_time
        if row.event_type == EpcisEventType.TRANSFORMATION:
            wanted = EpcRole.INPUT if self.backward else EpcRole.OUTPUT
            window = _Visit(_NEVER, at, opened=True) if self.backward else _Visit(at, _ALWAYS, opened=True)
            for other in others:
                if other.role == wanted and other.epc != row.epc:
                    if self.backward:
                        self.upstream.add(row.epc)
                    self._reach(other.epc, window, following)
            return
        if row.role == EpcRole.CHILD:  # packed into a container: follow the container while it holds us
            taken_out = min((t for t in ends.get(row.epc, ()) if t > at), default=_ALWAYS)
            until = min(taken_out, visit.until)
            quantity = row.quantity if row.quantity is not None else Decimal(1)
            for other in others:
                if other.role == EpcRole.PARENT and other.epc != row.epc:
                    self.contents[other.epc][(row.event_id, row.epc)] = (quantity, row.uom)
                    self._reach(other.epc, _Visit(at, until, opened=False), following)
            return
        # a container opened: its contents' history before packing (backward), their travels after it (forward)
        window = _Visit(_NEVER, at, opened=True) if self.backward else _Visit(at, _ALWAYS, opened=True)
        for other in others:
            if other.role == EpcRole.CHILD and other.epc != row.epc:
                if self.backward:
                    self.upstream.add(row.epc)
                self._reach(other.epc, window, following)

    def ordered_steps(self) -> list[TraceStep]:
        return sorted(self.steps.values(), key=lambda s: (s.event_time, s.event_id, s.epc, s.role))

    def container_quantity(self, epc: str) -> tuple[Decimal, str] | None:
        packed = self.contents.get(epc)
        if not packed:
            return None
        uoms = {uom for _quantity, uom in packed.values()}
        return sum((quantity for quantity, _uom in packed.values()), Decimal(0)), uoms.pop() if len(uoms) == 1 else ""


# --- parties --------------------------------------------------------------------------------------

def party_uri(gln: str) -> str:
    return f"{DIGITAL_LINK_HOST}/417/{gln}"


class _Parties:
    """Who a location or party URI belongs to, from the master data in two queries (a location unknown to it
    is taken to belong to the party of the same GLN, as GS1 numbers them)."""

    def __init__(self, uris: set[str]):
        glns = {p.get("414") or p.get("417") for p in map(parts, uris)} - {None}
        self.locations = {location.uri: location for location in
                          Location.objects.filter(gln__in=glns).select_related("party")} if glns else {}

    def party_of(self, uri: str) -> str:
        if not uri:
            return ""
        location = self.locations.get(uri)
        if location is not None:
            return location.party.uri
        identifiers = parts(uri)
        gln = identifiers.get("417") or identifiers.get("414")
        return party_uri(gln) if gln else uri


def names(uris) -> dict[str, str]:
    """Names of party, location and product URIs from the master data (batched), for pages and exports."""
    found: dict[str, str] = {}
    split = {uri: parts(uri) for uri in set(uris) if uri}
    party_glns = {p["417"] for p in split.values() if "417" in p}
    location_glns = {p["414"] for p in split.values() if "414" in p}
    if party_glns:
        found.update({party.uri: party.name for party in Party.objects.filter(gln__in=party_glns)})
    if location_glns:
        found.update({location.uri: location.name for location in Location.objects.filter(gln__in=location_glns)})
    return {uri: found[uri] for uri in split if uri in found}


# --- holders --------------------------------------------------------------------------------------

@dataclass
class _Tally:
    received: Decimal = Decimal(0)
    delivered: Decimal = Decimal(0)  # shipped to it by others, counted only when it recorded no receiving
    produced: Decimal = Decimal(0)
    shipped: Decimal = Decimal(0)
    receiving_seen: bool = False
    last_location: str = ""
    last_seen_at: datetime.datetime | None = None

    def seen(self, step: TraceStep, location: str) -> None:
        if self.last_seen_at is None or step.event_time >= self.last_seen_at:
            self.last_seen_at = step.event_time
            self.last_location = location or self.last_location


def _holders(walk: _Walk, steps: list[TraceStep], parties: _Parties) -> list[TraceHolder]:
    tallies: dict[tuple[str, str], _Tally] = {}

    def tally(party: str, uom: str) -> _Tally:
        return tallies.setdefault((party, uom), _Tally())

    for step in steps:
        quantity, uom = step.quantity, step.uom
        if quantity is None:
            quantity, uom = walk.container_quantity(step.epc) or (Decimal(1), "")
        here = parties.party_of(step.biz_location)
        if step.biz_step == RECEIVING:
            receiver = parties.party_of(step.destination_party) or here
            if receiver:
                entry = tally(receiver, uom)
                entry.received += quantity
                entry.receiving_seen = True
                entry.seen(step, step.biz_location if here == receiver else "")
        elif step.biz_step == SHIPPING:
            sender = parties.party_of(step.source_party) or here
            if sender:
                entry = tally(sender, uom)
                entry.shipped += quantity
                entry.seen(step, step.biz_location if here == sender else "")
            receiver = parties.party_of(step.destination_party)
            if receiver:
                entry = tally(receiver, uom)
                entry.delivered += quantity
                entry.seen(step, "")
        elif here and step.biz_step in CONSUMED:
            entry = tally(here, uom)
            entry.shipped += quantity  # sold to consumers, dispensed or destroyed: no longer held
            entry.seen(step, step.biz_location)
        elif here and (step.role == EpcRole.OUTPUT or (step.event_type == EpcisEventType.OBJECT
                                                        and step.action == EpcisAction.ADD)):
            entry = tally(here, uom)
            entry.produced += quantity
            entry.seen(step, step.biz_location)
        elif here and step.role == EpcRole.INPUT:
            entry = tally(here, uom)
            entry.shipped += quantity  # used up in a transformation
            entry.seen(step, step.biz_location)
        elif here:
            entry = tallies.get((here, uom))
            if entry is not None:
                entry.seen(step, step.biz_location)

    holders = []
    for (party, uom), entry in tallies.items():
        received = entry.produced + (entry.received if entry.receiving_seen else entry.delivered)
        if received == 0 and entry.shipped == 0:
            continue
        held = max(received - entry.shipped, Decimal(0))
        holders.append(TraceHolder(party=party, quantity_received=received.quantize(MILLI),
                                   quantity_shipped=entry.shipped.quantize(MILLI), quantity_held=held.quantize(MILLI),
                                   uom=uom,
                                   last_location=entry.last_location, last_seen_at=entry.last_seen_at))
    return sorted(holders, key=lambda h: (h.last_seen_at or _NEVER, h.party, h.uom))


# --- the trace ------------------------------------------------------------------------------------

def _suppliers(root: str, backward: list[TraceStep], origins: list[str], parties: _Parties) -> list[str]:
    """Party URIs upstream: the sources of the shipments and receipts of what the root was made from, and the
    owners of the places where the origins were commissioned (the farm), in order of first appearance. What
    moved after the root's first record (its making) is not supply: it leads from its maker downstream."""
    origin_set = set(origins)
    made = min((s.event_time for s in backward if s.epc == root), default=None)  # the root's first record
    found: dict[str, None] = {}
    for step in backward:
        supply = made is None or step.event_time < made
        if step.source_party and step.biz_step in (SHIPPING, RECEIVING) and supply:
            found.setdefault(parties.party_of(step.source_party), None)
        elif step.epc in origin_set and step.biz_location and step.action == EpcisAction.ADD:
            found.setdefault(parties.party_of(step.biz_location), None)
    return [party for party in found if party]


def trace(*, epc: str) -> Trace:
    """The backward and forward trace of one canonical identifier (a lot: `identifiers.lot_uri(gtin, lot)`)."""
    back = _Walk(epc, backward=True)
    forth = _Walk(epc, backward=False)
    backward, forward = back.ordered_steps(), forth.ordered_steps()
    origins = sorted(x for x, visit in back.visits.items() if visit.opened and x not in back.upstream)
    parties = _Parties({uri for s in (*backward, *forward) for uri in (s.biz_location, s.source_party,
                                                                      s.destination_party)})
    return Trace(root=epc, backward=backward, forward=forward, origins=origins,
                 suppliers=_suppliers(epc, backward, origins, parties), holders=_holders(forth, forward, parties),
                 truncated=back.truncated or forth.truncated)


# --- a party's own trail --------------------------------------------------------------------------

@dataclass(frozen=True)
class PartyTrace:
    """What one party received and shipped (its 进货/出货 ledger from the event store)."""

    party: str
    received: list[TraceStep]
    shipped: list[TraceStep]
    truncated: bool = False


PARTY_TRACE_LIMIT = 5_000


def party_trace(*, gln: str) -> PartyTrace:
    """The receiving and shipping steps of a party: named as source or destination, or at one of its
    locations (newest `PARTY_TRACE_LIMIT` of each)."""
    uri = party_uri(gln)
    places = [location.uri for location in Location.objects.filter(party__gln=gln)]
    received = list(reversed(_rows_limited(biz_step=RECEIVING, party_field="destination_party", uri=uri,
                                           places=places)))
    shipped = list(reversed(_rows_limited(biz_step=SHIPPING, party_field="source_party", uri=uri, places=places)))
    return PartyTrace(party=uri, received=[_step(r) for r in received], shipped=[_step(r) for r in shipped],
                      truncated=PARTY_TRACE_LIMIT in (len(received), len(shipped)))


def _rows_limited(*, biz_step: str, party_field: str, uri: str, places: list[str]) -> list[EventEpc]:
    # two indexed lookups rather than one OR: by party, and by the party's locations
    base = EventEpc.objects.filter(biz_step=biz_step).only(*_FIELDS).order_by("-event_time", "-event_id", "-id")
    rows = {row.id: row for row in base.filter(**{party_field: uri})[:PARTY_TRACE_LIMIT]}
    if places:
        rows.update({row.id: row for row in base.filter(biz_location__in=places)[:PARTY_TRACE_LIMIT]})
    ordered = sorted(rows.values(), key=lambda r: (r.event_time, r.event_id, r.id), reverse=True)
    return ordered[:PARTY_TRACE_LIMIT]
