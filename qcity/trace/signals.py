"""Trace gaps (追溯断链信号): a risk signal for the risk module, which reads it without this module knowing it
(the same one-way shape as `qcity.complaints.signals.complaint_spikes`).

`trace_gaps(on=D)` looks at the window of `window_days` ending on D (D included) and returns two kinds of gap,
categories first, then chains, each oldest first:

    TraceGap(
        kind="category",              # a catalogue entry in force on D none of whose products was named by an
                                      # event in the window: nothing of it can be traced for that time
        key="12",                     # the TraceCategory id
        label="食品类 · 乳制品",
        epc="", source_party="", receiving_party="",
        count=3,                      # its registered products (0: no product of it is registered at all)
        first_at=None,
        last_at=datetime(...) | None,  # the last event naming one of its products before the window (None: never)
        event_ids=(),
    )
    TraceGap(
        kind="chain",                 # goods received from a party that never recorded shipping them
        key="<epc> <source party> <receiving party>",
        label="https://id.gs1.org/01/06901234567892/10/L1",
        epc="https://id.gs1.org/01/06901234567892/10/L1",
        source_party="https://id.gs1.org/417/6901234000011",  # the sourceList party (type owning_party)
        receiving_party="https://id.gs1.org/417/6901234000028",  # the destination, else the receiving location
        count=2,                      # receiving events of that identifier from that source in the window
        first_at=datetime(...), last_at=datetime(...),
        event_ids=(41, 57),           # up to SAMPLE_IDS Event ids, oldest first
    )

A chain gap: a receiving event (bizStep receiving) in the window names a source party X and an identifier
that no shipping event (bizStep shipping) with source X ever named, before or after: the hand-over is
recorded on one side only, so a trace backwards stops there. Counted in SQL, six queries at most: the
entries in force, their products, the GTINs seen in the window, the last events of the silent ones; the chain
gaps (a NOT EXISTS on the trace index) and their sample ids.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef
from django.db.models.functions import Substr

from .indicators import GTIN_PREFIX, gtins_with_events, period_bounds
from .models import EventEpc, Product, TraceCategory
from .services.master import in_force

SAMPLE_IDS = 10


@dataclass(frozen=True)
class TraceGap:
    kind: str  # "category" | "chain"
    key: str
    label: str
    epc: str
    source_party: str
    receiving_party: str
    count: int
    first_at: datetime.datetime | None
    last_at: datetime.datetime | None
    event_ids: tuple[int, ...]


def _category_gaps(on: datetime.date, start: datetime.datetime, end: datetime.datetime) -> list[TraceGap]:
    categories = list(TraceCategory.objects.filter(in_force(on)).order_by("group", "name"))
    if not categories:
        return []
    gtins: dict[int, list[str]] = {c.pk: [] for c in categories}
    for category_id, gtin in Product.objects.filter(category__in=categories).values_list("category_id", "gtin"):
        gtins[category_id].append(gtin)
    seen = gtins_with_events(start, end)
    silent = [c for c in categories if not any(g in seen for g in gtins[c.pk])]
    wanted = {g for c in silent for g in gtins[c.pk]}
    last: dict[str, datetime.datetime] = {}
    if wanted:
        last = dict(EventEpc.objects.filter(event_time__lt=start, epc__startswith=GTIN_PREFIX).order_by()
                    .annotate(gtin=Substr("epc", len(GTIN_PREFIX) + 1, 14)).filter(gtin__in=sorted(wanted))
                    .values("gtin").annotate(last=Max("event_time")).values_list("gtin", "last"))
    gaps = []
    for category in silent:
        times = [last[g] for g in gtins[category.pk] if g in last]
        gaps.append(TraceGap(kind="category", key=str(category.pk), label=str(category), epc="", source_party="",
                             receiving_party="", count=len(gtins[category.pk]), first_at=None,
                             last_at=max(times) if times else None, event_ids=()))
    return gaps


def _chain_gaps(start: datetime.datetime, end: datetime.datetime) -> list[TraceGap]:
    shipped = EventEpc.objects.filter(epc=OuterRef("epc"), source_party=OuterRef("source_party"),
                                      biz_step="shipping")
    received = (EventEpc.objects.filter(event_time__gte=start, event_time__lt=end, biz_step="receiving")
                .exclude(source_party="").order_by().filter(~Exists(shipped)))
    rows = list(received.values("epc", "source_party", "destination_party", "biz_location")
                .annotate(n=Count("event_id"), first=Min("event_time"), last=Max("event_time"))
                .order_by("first", "epc"))
    if not rows:
        return []
    samples: dict[tuple[str, str], list[int]] = {}
    for epc, source, event_id in received.order_by("event_time", "event_id").values_list(
            "epc", "source_party", "event_id"):
        ids = samples.setdefault((epc, source), [])
        if len(ids) < SAMPLE_IDS and event_id not in ids:
            ids.append(event_id)
    return [TraceGap(kind="chain", key=" ".join((row["epc"], row["source_party"], row["destination_party"] or row["biz_location"])), label=row["epc"], epc=row["epc"],
                     source_party=row["source_party"],
                     receiving_party=row["destination_party"] or row["biz_location"], count=row["n"],
                     first_at=row["first"], last_at=row["last"],
                     event_ids=tuple(samples.get((row["epc"], row["source_party"]), ())))
            for row in rows]


def trace_gaps(*, on: datetime.date, window_days: int = 30) -> list[TraceGap]:
    """The gaps of the window ending on `on` (see the module docstring for the shape and the rule)."""
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    start, end = period_bounds(on - datetime.timedelta(days=window_days - 1), on)
    return _category_gaps(on, start, end) + _chain_gaps(start, end)
