"""QU4RTET's side of bench/trace.py, run with the throwaway virtualenv's python (var/bench/quartet-venv):

    QUARTET_DATABASE_URL=sqlite:///… DJANGO_SETTINGS_MODULE=settings PYTHONPATH=bench/trace_quartet \\
        var/bench/quartet-venv/bin/python bench/trace_quartet/run.py var/bench/trace/quartet-request.json

The request (written by bench/trace.py) names the EPCIS 1.2 XML documents and the lots to trace. This script
migrates the (fresh) database, parses every document with `BusinessEPCISParser` (QU4RTET's parser that
enforces the aggregation rules and keeps the parent/child hierarchy of entries), timing events/s, then traces
each lot as many times as `samples` asks or the time budget allows, and prints one line of JSON on stdout.

QU4RTET has no lot trace: it tracks serialised entries (EPCs) and keeps class-level quantities
(`QuantityElement`, no index on `epc_class`) only as event details. The trace here is composed from what it
offers, as an integrator would write it:
- backward: the events naming the lot class (QuantityElement), and for a transformation that output it, the
  input classes' events, recursively;
- forward: the events naming the lot class; for an aggregation ADD packing it, the parent entry
  (`EPCISDBProxy.get_parent_epc`) and all the parent's events (`get_events_by_entry_identifer`); for a
  transformation that consumed it, the output classes, recursively; the destinations of the shipping
  events (`get_destination_list`).
"""

from __future__ import annotations

import io
import json
import math
import sys
import time
import warnings
from pathlib import Path

import django

# QU4RTET sets Event.record_time from a naive datetime.now(): one warning per event otherwise.
warnings.filterwarnings("ignore", message=r"DateTimeField .* received a naive datetime")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from quartet_epcis.db_api.queries import EPCISDBProxy  # noqa: E402
from quartet_epcis.models import events as db_events  # noqa: E402
from quartet_epcis.models.choices import EventTypeChoicesEnum  # noqa: E402
from quartet_epcis.parsing.business_parser import BusinessEPCISParser  # noqa: E402

TF = EventTypeChoicesEnum.TRANSFORMATION.value
AG = EventTypeChoicesEnum.AGGREGATION.value
proxy = EPCISDBProxy()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def capture(files: list[str]) -> dict:
    seconds = 0.0
    for name in files:
        data = Path(name).read_bytes()
        started = time.perf_counter()
        BusinessEPCISParser(io.BytesIO(data)).parse()
        seconds += time.perf_counter() - started
    count = db_events.Event.objects.count()
    return {"events": count, "seconds": seconds, "events_per_s": count / seconds if seconds else 0.0,
            "vendor": connection.vendor}


def lot_trace(lot: str) -> dict:
    backward: dict[str, db_events.Event] = {}
    frontier, seen = [lot], {lot}
    while frontier:
        cls = frontier.pop()
        for qe in db_events.QuantityElement.objects.filter(epc_class=cls).select_related("event"):
            backward[str(qe.event.id)] = qe.event
            if qe.event.type == TF and qe.is_output:
                for other in db_events.QuantityElement.objects.filter(event=qe.event, is_output=False):
                    if other.epc_class not in seen:
                        seen.add(other.epc_class)
                        frontier.append(other.epc_class)
    forward: dict[str, db_events.Event] = {}
    frontier, seen = [lot], {lot}
    while frontier:
        cls = frontier.pop()
        for qe in db_events.QuantityElement.objects.filter(epc_class=cls).select_related("event"):
            event = qe.event
            forward[str(event.id)] = event
            if event.type == AG and event.action == "ADD":
                parent = proxy.get_parent_epc(event)
                if parent:
                    for entry_event in proxy.get_events_by_entry_identifer(parent):
                        forward[str(entry_event.event.id)] = entry_event.event
            elif event.type == TF and not qe.is_output:
                for other in db_events.QuantityElement.objects.filter(event=event, is_output=True):
                    if other.epc_class not in seen:
                        seen.add(other.epc_class)
                        frontier.append(other.epc_class)
    destinations = set()
    for event in forward.values():
        if (event.biz_step or "").endswith("shipping"):
            destinations |= {d.destination for d in proxy.get_destination_list(event)}
    classes = {qe.epc_class for qe in db_events.QuantityElement.objects.filter(event__in=list(backward.values()))}
    return {"backward": len(backward), "forward": len(forward), "destinations": sorted(destinations),
            "classes": sorted(classes)}


def trace_all(lots: list[dict], samples: int, budget: float) -> tuple[dict | None, list[str], str]:
    if not lots:
        return None, [], "no complete production run among QU4RTET's events"
    problems = []
    for lot in lots:  # one pass to check (and warm)
        result = lot_trace(lot["lot"])
        if not set(lot["shops"]) <= set(result["destinations"]):
            problems.append(f"{lot['lot']}: forward misses {sorted(set(lot['shops']) - set(result['destinations']))}")
        if not set(lot["raw"]) <= set(result["classes"]):
            problems.append(f"{lot['lot']}: backward misses {sorted(set(lot['raw']) - set(result['classes']))}")
    times: list[float] = []
    deadline = time.perf_counter() + budget
    while len(times) < samples and time.perf_counter() < deadline:
        lot = lots[len(times) % len(lots)]["lot"]
        started = time.perf_counter()
        lot_trace(lot)
        times.append((time.perf_counter() - started) * 1000)
    note = f"{len(times)} of {samples} samples" + (" (time budget)" if len(times) < samples else "")
    with CaptureQueriesContext(connection) as queries:
        lot_trace(lots[0]["lot"])
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "max": max(times), "n": len(times),
            "queries": len(queries)}, problems, note


def main() -> None:
    request = json.loads(Path(sys.argv[1]).read_text())
    call_command("migrate", verbosity=0, interactive=False)
    captured = capture(request["xml"])
    traced, problems, note = trace_all(request["lots"], request["samples"], request["budget_seconds"])
    print(json.dumps({"capture": captured, "trace": traced, "problems": problems, "trace_note": note,
                      "trace_queries": traced["queries"] if traced else None}))


if __name__ == "__main__":
    main()
