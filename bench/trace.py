"""Trace benchmark: EPCIS capture throughput and the time to trace one lot, side by side with QU4RTET.

    .venv/bin/python bench/trace.py                                   # 20,000 events, SQLite; QU4RTET on 2,000
    .venv/bin/python bench/trace.py --database-url postgres://postgres@127.0.0.1:5432/qcity_bench_trace \
        --quartet-database-url postgres://postgres@127.0.0.1:5432/qcity_bench_trace_quartet
    .venv/bin/python bench/trace.py --events 10000000 --skip-quartet --prehashed --database-url postgres://…
    .venv/bin/python bench/trace.py --events 10000000 --skip-quartet --reuse --database-url postgres://…
    .venv/bin/python bench/trace.py --events 5000 --skip-quartet --profile 40   # where capture's time goes

In one run:
1. a deterministic food supply chain (`--seed`): each production run has two farms commissioning a raw lot
   (kg), shipping it to a plant that receives it, the plant transforming both into a product lot,
   commissioning three SSCC pallets and packing the lot onto them (aggregation with child quantities), each
   pallet shipped to a distributor, received, shipped on to a shop, received there, and part of it sold
   (retail_selling): 28 events a run, 30 s apart from 2026-09-01. GTINs, GLNs and SSCCs carry valid GS1 check
   digits. The events are rendered as EPCIS 2.0 JSON documents of `--document-size` events for qcity
   (streamed, never all in memory), and the first `--quartet-events` as the same events in EPCIS 1.2 XML
   (valid against the 1.2 XSD; the transformation in the event list's `<extension>`) for QU4RTET, written
   under var/bench/trace/xml-<pid>/ and removed at the end;
2. QU4RTET (quartet-epcis 4.1.x from the package registry) in its own throwaway virtualenv,
   var/bench/quartet-venv (python3.11 -m venv, created on first use, with `haikunator` and `quartet_capture`,
   which it needs but does not declare; psycopg for a PostgreSQL database), runs bench/trace_quartet/run.py as
   a subprocess: migrate a fresh database (`--quartet-database-url`, default a SQLite file), parse the XML
   documents with its `BusinessEPCISParser` (the one that keeps the parent/child hierarchy) timing events/s,
   then trace the lots of the production runs complete among its events, with its query API and ORM (QU4RTET
   has no lot trace of its own; see run.py), and print JSON back;
3. qcity on a fresh database (`--database-url`, default a SQLite file under var/bench/; a PostgreSQL database
   is dropped and created anew unless --reuse), migrated and seeded: every JSON document through
   `trace.services.capture.epcis_capture` as a market officer (schema validation and the GS1 event hash on;
   documents above the inline limit go through the capture job, run eagerly in this process), events/s over
   the capture calls alone; checks: captured == stored == generated, a resend of a document captures 0 new
   events; then `trace.tracing.trace` of `--lots` product lots (p50 / p95), each checked (the backward trace
   reaches the generator's two raw lots, the forward trace reaches the shops the generator sent the pallets
   to), the same lots QU4RTET traced, and `/api/traces/?gtin=&lot=` through the Django test client as a
   logged-in officer.

Prints the table figure | qcity | QU4RTET | ratio, then the targets (capture ≥ 20,000 events/s in bulk on
PostgreSQL and ≥ 50× QU4RTET; lot trace p95 ≤ 50 ms at 10 million events and ≥ 20× QU4RTET) and the checks.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import hashlib
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stdnum import ean  # noqa: E402

from bench.foundation import drop_database, prepare_database, run_qcity  # noqa: E402
from bench.reporting import _width, percentile  # noqa: E402

WORK = ROOT / "var" / "bench" / "trace"
QUARTET_VENV = ROOT / "var" / "bench" / "quartet-venv"
QUARTET_DIR = ROOT / "bench" / "trace_quartet"
QUARTET_REQUIREMENTS = ("quartet-epcis>=4.1,<4.2", "quartet_capture", "haikunator")
DEFAULT_SQLITE = ROOT / "var" / "bench" / "trace.sqlite3"
DL = "https://id.gs1.org"
CAPTURE_TARGET = 20_000  # events/s, bulk documents, PostgreSQL
TRACE_TARGET_MS = 50.0  # p95, 10 million events stored
SCAN_TARGET_MS = 100.0  # p95 of the public scan page
CAPTURE_RATIO_TARGET = 50
TRACE_RATIO_TARGET = 20

# --- identifiers (GS1 company prefixes of 7 digits; references padded so every key has its full length) -------

FARM_PREFIX, PLANT_PREFIX, DISTRIBUTOR_PREFIX, SHOP_PREFIX = "6931001", "6931002", "6931003", "6931004"
FARMS, PLANTS, DISTRIBUTORS, SHOPS = 50, 5, 10, 200
RAW_ITEMS, PRODUCT_ITEMS = 8, 20
PALLETS = 3  # per production run
EVENTS_PER_RUN = 2 * 3 + 1 + PALLETS * 7
BASE_TIME = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)
RUN_SPACING = datetime.timedelta(seconds=30)


def _check(body: str) -> str:
    return body + ean.calc_check_digit(body)


@dataclass(frozen=True)
class Place:
    """A party and its site, the same GLN (a farm, a plant, a distributor, a shop)."""

    prefix: str
    ref: int

    @property
    def gln(self) -> str:
        return _check(f"{self.prefix}{self.ref:05d}")

    def location(self, xml: bool) -> str:
        return f"urn:epc:id:sgln:{self.prefix}.{self.ref:05d}.0" if xml else f"{DL}/414/{self.gln}"

    def party(self, xml: bool) -> str:
        return f"urn:epc:id:pgln:{self.prefix}.{self.ref:05d}" if xml else f"{DL}/417/{self.gln}"


@dataclass(frozen=True)
class LotRef:
    prefix: str
    item: int
    lot: str

    @property
    def gtin(self) -> str:
        return _check(f"0{self.prefix}{self.item:05d}")

    def uri(self, xml: bool) -> str:
        return f"urn:epc:class:lgtin:{self.prefix}.0{self.item:05d}.{self.lot}" if xml else \
            f"{DL}/01/{self.gtin}/10/{self.lot}"


@dataclass(frozen=True)
class Pallet:
    prefix: str
    serial: int

    def uri(self, xml: bool) -> str:
        return f"urn:epc:id:sscc:{self.prefix}.0{self.serial:09d}" if xml else \
            f"{DL}/00/{_check(f'0{self.prefix}{self.serial:09d}')}"


@dataclass
class GenEvent:
    """One event, neutral: rendered as EPCIS 2.0 JSON (qcity) and EPCIS 1.2 XML (QU4RTET)."""

    kind: str  # ObjectEvent | AggregationEvent | TransformationEvent
    when: datetime.datetime
    event_id: str
    biz_step: str
    location: Place
    action: str = "OBSERVE"
    disposition: str = ""
    epcs: list[Pallet] = field(default_factory=list)
    quantities: list[tuple[LotRef, int, str]] = field(default_factory=list)
    parent: Pallet | None = None
    inputs: list[tuple[LotRef, int, str]] = field(default_factory=list)
    outputs: list[tuple[LotRef, int, str]] = field(default_factory=list)
    source: Place | None = None
    destination: Place | None = None


@dataclass(frozen=True)
class Run:
    """What the generator did with one production run: what a trace of its product lot must find."""

    index: int
    product: LotRef
    raw: tuple[LotRef, ...]
    shops: tuple[Place, ...]
    first_event: int  # position of the run's first event in the stream
    last_event: int


def production_run(index: int, seed: int, event_ids: uuid.UUID) -> tuple[Run, list[GenEvent]]:
    rng = random.Random(seed * 1_000_003 + index)
    t0 = BASE_TIME + index * RUN_SPACING
    hour = datetime.timedelta(hours=1)
    plant = Place(PLANT_PREFIX, rng.randrange(PLANTS) + 1)
    distributor = Place(DISTRIBUTOR_PREFIX, rng.randrange(DISTRIBUTORS) + 1)
    farms = [Place(FARM_PREFIX, ref + 1) for ref in rng.sample(range(FARMS), 2)]
    shops = [Place(SHOP_PREFIX, ref + 1) for ref in rng.sample(range(SHOPS), PALLETS)]
    product = LotRef(PLANT_PREFIX, rng.randrange(PRODUCT_ITEMS) + 1, f"P{index:07d}")
    per_pallet = rng.randrange(200, 1000)
    events: list[GenEvent] = []
    counter = iter(range(1000))

    def add(**kw) -> None:
        events.append(GenEvent(event_id=f"urn:uuid:{uuid.uuid5(event_ids, f'{index}.{next(counter)}')}", **kw))

    raws: list[tuple[LotRef, int, str]] = []
    for k, farm in enumerate(farms):
        raw = LotRef(FARM_PREFIX, rng.randrange(RAW_ITEMS) + 1, f"R{index:07d}{k}")
        quantity = [(raw, rng.randrange(500, 2000), "KGM")]
        raws += quantity
        start = t0 + k * datetime.timedelta(minutes=7)
        add(kind="ObjectEvent", when=start, action="ADD", biz_step="commissioning", disposition="active",
            location=farm, quantities=quantity)
        add(kind="ObjectEvent", when=start + 2 * hour, biz_step="shipping", disposition="in_transit",
            location=farm, quantities=quantity, source=farm, destination=plant)
        add(kind="ObjectEvent", when=start + 5 * hour, biz_step="receiving", disposition="in_progress",
            location=plant, quantities=quantity, source=farm, destination=plant)
    made = t0 + 24 * hour
    add(kind="TransformationEvent", when=made, biz_step="commissioning", disposition="in_progress",
        location=plant, inputs=raws, outputs=[(product, per_pallet * PALLETS, "")])
    for p, shop in enumerate(shops):
        pallet = Pallet(PLANT_PREFIX, index * PALLETS + p)
        packed = made + hour + p * datetime.timedelta(minutes=3)
        add(kind="ObjectEvent", when=packed, action="ADD", biz_step="commissioning", disposition="active",
            location=plant, epcs=[pallet])
        add(kind="AggregationEvent", when=packed + datetime.timedelta(minutes=1), action="ADD", biz_step="packing",
            disposition="in_progress", location=plant, parent=pallet, quantities=[(product, per_pallet, "")])
        shipped = made + 24 * hour + p * datetime.timedelta(minutes=5)
        add(kind="ObjectEvent", when=shipped, biz_step="shipping", disposition="in_transit", location=plant,
            epcs=[pallet], source=plant, destination=distributor)
        add(kind="ObjectEvent", when=shipped + 4 * hour, biz_step="receiving", disposition="in_progress",
            location=distributor, epcs=[pallet], source=plant, destination=distributor)
        onward = made + 48 * hour + p * hour
        add(kind="ObjectEvent", when=onward, biz_step="shipping", disposition="in_transit", location=distributor,
            epcs=[pallet], source=distributor, destination=shop)
        add(kind="ObjectEvent", when=onward + 5 * hour, biz_step="receiving", disposition="sellable_accessible",
            location=shop, epcs=[pallet], source=distributor, destination=shop)
        add(kind="ObjectEvent", when=onward + 30 * hour, biz_step="retail_selling", disposition="retail_sold",
            location=shop, quantities=[(product, rng.randrange(1, per_pallet), "")])
    assert len(events) == EVENTS_PER_RUN
    return Run(index, product, tuple(raw for raw, _q, _u in raws), tuple(shops), 0, 0), events


def supply_chain(n_events: int, seed: int):
    """Yield (run, events) until n_events events (the last run cut short)."""
    event_ids = uuid.uuid5(uuid.NAMESPACE_URL, f"https://qcity.bench/trace/{seed}")
    position, index = 0, 0
    while position < n_events:
        run, events = production_run(index, seed, event_ids)
        events = events[: n_events - position]
        yield Run(run.index, run.product, run.raw, run.shops, position, position + len(events) - 1), events
        position += len(events)
        index += 1


# --- EPCIS 2.0 JSON --------------------------------------------------------------------------------------


def _json_time(when: datetime.datetime) -> dict:
    local = when.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    return {"eventTime": local.isoformat(timespec="milliseconds"), "eventTimeZoneOffset": "+08:00"}


def _json_quantities(items) -> list[dict]:
    out = []
    for lot, quantity, uom in items:
        element = {"epcClass": lot.uri(False), "quantity": quantity}
        if uom:
            element["uom"] = uom
        out.append(element)
    return out


def event_json(e: GenEvent, prehashed: bool = False) -> dict:
    """`prehashed`: the eventID is an ni:///sha-256 URI (a digest of the generator's id, not the GS1 canonical
    hash), which capture takes as the event hash instead of computing it."""
    event_id = f"ni:///sha-256;{hashlib.sha256(e.event_id.encode()).hexdigest()}?ver=CBV2.0" if prehashed \
        else e.event_id
    doc: dict = {"type": e.kind, **_json_time(e.when), "eventID": event_id}
    if e.kind != "TransformationEvent":
        doc["action"] = e.action
    if e.kind == "ObjectEvent":
        doc["epcList"] = [p.uri(False) for p in e.epcs]
        if e.quantities:
            doc["quantityList"] = _json_quantities(e.quantities)
    elif e.kind == "AggregationEvent":
        doc["parentID"] = e.parent.uri(False)
        doc["childEPCs"] = []
        doc["childQuantityList"] = _json_quantities(e.quantities)
    else:
        doc["inputQuantityList"] = _json_quantities(e.inputs)
        doc["outputQuantityList"] = _json_quantities(e.outputs)
    doc["bizStep"] = e.biz_step
    if e.disposition:
        doc["disposition"] = e.disposition
    doc["bizLocation"] = {"id": e.location.location(False)}
    if e.source:
        doc["sourceList"] = [{"type": "owning_party", "source": e.source.party(False)}]
    if e.destination:
        doc["destinationList"] = [{"type": "owning_party", "destination": e.destination.party(False)}]
    return doc


def document_json(events: list[GenEvent], created: datetime.datetime, prehashed: bool = False) -> bytes:
    doc = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
           "schemaVersion": "2.0", "creationDate": _json_time(created)["eventTime"],
           "epcisBody": {"eventList": [event_json(e, prehashed) for e in events]}}
    return json.dumps(doc, separators=(",", ":")).encode()


# --- EPCIS 1.2 XML (QU4RTET) -----------------------------------------------------------------------------

CBV = "urn:epcglobal:cbv"


def _xml_quantities(tag: str, items) -> str:
    parts = [f"<{tag}>"]
    for lot, quantity, uom in items:
        parts.append(f"<quantityElement><epcClass>{lot.uri(True)}</epcClass><quantity>{quantity}</quantity>"
                     + (f"<uom>{uom}</uom>" if uom else "") + "</quantityElement>")
    parts.append(f"</{tag}>")
    return "".join(parts)


def _xml_parties(e: GenEvent) -> str:
    out = ""
    if e.source:
        out += (f'<sourceList><source type="{CBV}:sdt:owning_party">{e.source.party(True)}</source>'
                "</sourceList>")
    if e.destination:
        out += (f'<destinationList><destination type="{CBV}:sdt:owning_party">{e.destination.party(True)}'
                "</destination></destinationList>")
    return out


def event_xml(e: GenEvent) -> str:
    head = (f"<eventTime>{e.when.isoformat(timespec='milliseconds').replace('+00:00', 'Z')}</eventTime>"
            f"<eventTimeZoneOffset>+08:00</eventTimeZoneOffset>"
            f"<baseExtension><eventID>{escape(e.event_id)}</eventID></baseExtension>")
    what = f"<bizStep>{CBV}:bizstep:{e.biz_step}</bizStep>"
    if e.disposition:
        what += f"<disposition>{CBV}:disp:{e.disposition}</disposition>"
    what += f"<bizLocation><id>{e.location.location(True)}</id></bizLocation>"
    if e.kind == "ObjectEvent":
        epcs = "".join(f"<epc>{p.uri(True)}</epc>" for p in e.epcs)
        extension = (_xml_quantities("quantityList", e.quantities) if e.quantities else "") + _xml_parties(e)
        return (f"<ObjectEvent>{head}<epcList>{epcs}</epcList><action>{e.action}</action>{what}"
                + (f"<extension>{extension}</extension>" if extension else "") + "</ObjectEvent>")
    if e.kind == "AggregationEvent":
        extension = _xml_quantities("childQuantityList", e.quantities) + _xml_parties(e)
        return (f"<AggregationEvent>{head}<parentID>{e.parent.uri(True)}</parentID><childEPCs/>"
                f"<action>{e.action}</action>{what}<extension>{extension}</extension></AggregationEvent>")
    return (f"<extension><TransformationEvent>{head}{_xml_quantities('inputQuantityList', e.inputs)}"
            f"{_xml_quantities('outputQuantityList', e.outputs)}{what}{_xml_parties(e)}"
            "</TransformationEvent></extension>")


def document_xml(events: list[GenEvent], created: datetime.datetime) -> bytes:
    stamp = created.isoformat(timespec="seconds").replace("+00:00", "Z")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2" '
            f'creationDate="{stamp}"><EPCISBody><EventList>'
            + "".join(event_xml(e) for e in events)
            + "</EventList></EPCISBody></epcis:EPCISDocument>\n").encode()


def documents(n_events: int, size: int, seed: int, render, runs: list[Run] | None = None):
    """Yield (document bytes, events) of `size` events each, the same events in the same order whatever the
    rendering; `runs` (if given) receives every production run as it is generated."""
    pending: list[GenEvent] = []
    for run, events in supply_chain(n_events, seed):
        if runs is not None:
            runs.append(run)
        for event in events:
            pending.append(event)
            if len(pending) == size:
                yield render(pending, BASE_TIME), len(pending)
                pending = []
    if pending:
        yield render(pending, BASE_TIME), len(pending)


def write_xml(n_events: int, size: int, seed: int) -> list[tuple[Path, int]]:
    """The first n_events as EPCIS 1.2 XML files under WORK/xml-<pid> (anew; another run may be going on)."""
    folder = WORK / f"xml-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = []
    for number, (body, n) in enumerate(documents(n_events, size, seed, document_xml), 1):
        path = folder / f"{number:06d}.xml"
        path.write_bytes(body)
        files.append((path, n))
    return files


def complete_runs(runs: list[Run], within: int) -> list[Run]:
    """The runs whose every event is among the first `within` events."""
    return [r for r in runs if r.last_event - r.first_event + 1 == EVENTS_PER_RUN and r.last_event < within]


def sample_runs(runs: list[Run], n: int, seed: int) -> list[Run]:
    rng = random.Random(f"trace-lots:{seed}")
    return rng.sample(runs, n) if len(runs) >= n else [rng.choice(runs) for _ in range(n)]


# --- QU4RTET ------------------------------------------------------------------------------------------------


def quartet_python() -> Path:
    """The throwaway virtualenv's python, created (python3.11 -m venv) and filled on first use."""
    python = QUARTET_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([shutil.which("python3.11") or sys.executable, "-m", "venv", str(QUARTET_VENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import quartet_epcis, quartet_capture, haikunator"],
                           capture_output=True)
    if probe.returncode:
        subprocess.run([str(python), "-m", "pip", "install", "-q", *QUARTET_REQUIREMENTS], check=True)
    return python


def quartet_version(python: Path) -> str:
    out = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('quartet-epcis'), "
                                             "m.version('django'))"], capture_output=True, text=True)
    return out.stdout.strip().replace(" ", ", Django ") or "?"


def run_quartet(python: Path, xml_files: list[tuple[Path, int]], runs: list[Run], *, database_url: str,
                samples: int, budget: float) -> dict:
    if database_url.startswith("postgres"):
        probe = subprocess.run([str(python), "-c", "import psycopg"], capture_output=True)
        if probe.returncode:
            subprocess.run([str(python), "-m", "pip", "install", "-q", "psycopg[binary]"], check=True)
        drop_database(database_url)
        prepare_database(database_url, reuse=False)
    else:
        prepare_database(database_url, reuse=False)
    lots = [{"lot": r.product.uri(True), "raw": [x.uri(True) for x in r.raw],
             "shops": [s.party(True) for s in r.shops]} for r in runs]
    request = WORK / f"quartet-request-{os.getpid()}.json"
    request.write_text(json.dumps({"xml": [str(p) for p, _n in xml_files], "lots": lots, "samples": samples,
                                   "budget_seconds": budget}))
    env = {**os.environ, "QUARTET_DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "settings",
           "PYTHONPATH": str(QUARTET_DIR)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([str(python), str(QUARTET_DIR / "run.py"), str(request)], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    request.unlink()
    if done.returncode:
        raise RuntimeError(f"QU4RTET run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- qcity --------------------------------------------------------------------------------------------------


def qcity_setup(url: str, *, reuse: bool) -> None:
    if url.startswith("postgres") and not reuse:
        drop_database(url)
    prepare_database(url, reuse=reuse)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "qcity.settings.dev",
           "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)  # the capture job runs eagerly, in this process, as its time counts
    env["CELERY_TASK_ALWAYS_EAGER"] = "1"
    run_qcity(env, "migrate", "--noinput", "-v", "0")
    run_qcity(env, "seed", "--skip-checks")  # the org units (the officer's city), roles
    os.environ.update(env)
    import django

    django.setup()
    from qcity.core.startup import server_ready

    server_ready()  # as a gunicorn worker does once loaded (qcity/wsgi.py)


def qcity_officer():
    import secrets

    from qcity.core.choices import Role
    from qcity.core.models import OrgUnit, User
    from qcity.core.services import role_grant, user_create

    city = OrgUnit.objects.get(parent__isnull=True)
    user = User.objects.filter(username="bench-trace").first()
    if user is None:
        user = user_create(username="bench-trace", password=secrets.token_urlsafe(24), full_name="追溯压测",
                           org_unit=city, by=None, must_change_password=False)
        role_grant(user=user, role=Role.LEADERSHIP_OFFICE, org_unit=city, by=None)
    return user


def qcity_capture(n_events: int, size: int, seed: int, runs: list[Run], user, render=document_json) -> dict:
    """Every JSON document through epcis_capture; the time of the calls only (documents rendered beforehand)."""
    from qcity.trace.choices import CaptureJobStatus
    from qcity.trace.models import Event
    from qcity.trace.services.capture import epcis_capture

    before = Event.objects.count()
    seconds, captured, documents_done, per_doc = 0.0, 0, 0, []
    for body, n in documents(n_events, size, seed, render, runs):
        started = time.perf_counter()
        job = epcis_capture(body=body, media_type="application/json", by=user)
        job.refresh_from_db()  # a big document ran as the (eager) capture job
        elapsed = time.perf_counter() - started
        seconds += elapsed
        per_doc.append(n / elapsed)
        if job.status != CaptureJobStatus.SUCCESS:
            raise RuntimeError(f"capture of document {documents_done + 1} ended {job.status}: {job.errors[:3]}")
        captured += job.captured_count
        documents_done += 1
        if documents_done % 20 == 0:
            print(f"  {sum(r.last_event - r.first_event + 1 for r in runs):,} events generated, "
                  f"{captured:,} captured, {captured / seconds:,.0f} events/s", flush=True)
    stored = Event.objects.count() - before
    # a resend of the first document: every event a duplicate, nothing written
    body, n = next(documents(n_events, size, seed, render))
    job = epcis_capture(body=body, media_type="application/json", by=user)
    job.refresh_from_db()
    resend = {"status": job.status, "captured": job.captured_count, "duplicates": job.duplicate_count, "events": n}
    return {"events": n_events, "seconds": seconds, "events_per_s": n_events / seconds, "captured": captured,
            "stored": stored, "resend": resend, "stored_after_resend": Event.objects.count() - before,
            "per_doc_min": min(per_doc), "per_doc_max": max(per_doc), "documents": documents_done}


def qcity_capture_parallel(n_events: int, size: int, seed: int, runs: list[Run], user, render, workers: int) -> dict:
    """The documents captured by `workers` processes at once, as the deployment's Celery workers (one per core)
    capture documents that suppliers post together: events/s over the wall time from the start of all to the end
    of the last. The documents are rendered first, in memory (for --events in the hundreds of thousands)."""
    import multiprocessing

    from django.db import connections

    from qcity.trace.models import Event

    before = Event.objects.count()
    bodies = list(documents(n_events, size, seed, render, runs))
    connections.close_all()  # each worker opens its own connection
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(workers + 1), context.Queue()
    processes = [context.Process(target=_capture_worker, args=(bodies[index::workers], user, barrier, results))
                 for index in range(workers)]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    outcomes = [results.get() for _ in processes]
    seconds = time.perf_counter() - started
    for process in processes:
        process.join()
    failed = [outcome for outcome in outcomes if isinstance(outcome, str)]
    if failed:
        raise RuntimeError(f"a capture worker failed: {failed[0]}")
    captured = sum(outcomes)
    stored = Event.objects.count() - before
    body, n = bodies[0]
    from qcity.trace.services.capture import epcis_capture

    job = epcis_capture(body=body, media_type="application/json", by=user)
    job.refresh_from_db()
    resend = {"status": job.status, "captured": job.captured_count, "duplicates": job.duplicate_count, "events": n}
    per_worker = n_events / workers / seconds
    return {"events": n_events, "seconds": seconds, "events_per_s": n_events / seconds, "captured": captured,
            "stored": stored, "resend": resend, "stored_after_resend": Event.objects.count() - before,
            "per_doc_min": per_worker, "per_doc_max": per_worker, "documents": len(bodies), "workers": workers}


def _capture_worker(bodies: list[tuple[bytes, int]], user, barrier, results) -> None:
    from qcity.trace.choices import CaptureJobStatus
    from qcity.trace.services.capture import epcis_capture

    try:
        barrier.wait()
        captured = 0
        for body, _n in bodies:
            job = epcis_capture(body=body, media_type="application/json", by=user)
            job.refresh_from_db()
            if job.status != CaptureJobStatus.SUCCESS:
                raise RuntimeError(f"capture ended {job.status}: {job.errors[:3]}")
            captured += job.captured_count
        results.put(captured)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the run
        results.put(f"{type(exc).__name__}: {exc}"[:500])


def qcity_capture_xml(xml_files: list[tuple[Path, int]], user) -> dict:
    """QU4RTET's own 1.2 XML documents through epcis_capture, after the JSON ones: the same events, so the GS1
    event hash (format-independent) must find every one a duplicate."""
    from qcity.trace.models import Event
    from qcity.trace.services.capture import epcis_capture

    before = Event.objects.count()
    seconds, events, captured, duplicates, failed = 0.0, 0, 0, 0, []
    for path, n in xml_files:
        body = path.read_bytes()
        started = time.perf_counter()
        job = epcis_capture(body=body, media_type="application/xml", by=user)
        job.refresh_from_db()
        seconds += time.perf_counter() - started
        events += n
        captured += job.captured_count
        duplicates += job.duplicate_count
        if job.status != "success":
            failed.append(f"{path.name}: {job.status} {job.errors[:2]}")
    return {"events": events, "seconds": seconds, "events_per_s": events / seconds if seconds else 0.0,
            "captured": captured, "duplicates": duplicates, "failed": failed,
            "stored": Event.objects.count() - before}


def _trace_check(result, run: Run) -> list[str]:
    """What the generator did that the trace must show."""
    problems = []
    shops = {s.party(False) for s in run.shops}
    reached = {step.destination_party for step in result.forward if step.destination_party}
    reached |= {h.party for h in result.holders}
    if not shops <= reached:
        problems.append(f"{run.product.lot}: forward misses shops {sorted(shops - reached)}")
    raw = {r.uri(False) for r in run.raw}
    seen = {step.epc for step in result.backward} | set(result.origins)
    if not raw <= seen:
        problems.append(f"{run.product.lot}: backward misses raw lots {sorted(raw - seen)}")
    if result.truncated:
        problems.append(f"{run.product.lot}: truncated")
    return problems


def qcity_trace(runs: list[Run]) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qcity.trace.tracing import trace

    for run in runs[:10]:  # warm: imports, the connection, the statement path
        trace(epc=run.product.uri(False))
    times, problems, steps = [], [], []
    for run in runs:
        started = time.perf_counter()
        result = trace(epc=run.product.uri(False))
        times.append((time.perf_counter() - started) * 1000)
        problems += _trace_check(result, run)
        steps.append(len(result.backward) + len(result.forward))
    with CaptureQueriesContext(connection) as queries:
        trace(epc=runs[0].product.uri(False))
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "max": max(times), "n": len(times),
            "problems": problems, "steps": sum(steps) / len(steps), "queries": len(queries)}


def qcity_api(runs: list[Run], user) -> dict | str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    first = runs[0].product
    response = client.get("/api/traces/", {"gtin": first.gtin, "lot": first.lot})
    if response.status_code == 404:
        return "pending: /api/traces/ does not answer yet (404)"
    if response.status_code != 200:
        return f"error: /api/traces/ answered {response.status_code}: {response.content[:200]!r}"
    for run in runs[:10]:
        client.get("/api/traces/", {"gtin": run.product.gtin, "lot": run.product.lot})
    times, problems = [], []
    for run in runs:
        started = time.perf_counter()
        response = client.get("/api/traces/", {"gtin": run.product.gtin, "lot": run.product.lot})
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            problems.append(f"{run.product.lot}: {response.status_code}")
        elif not all(s.gln in response.content.decode() for s in run.shops):
            problems.append(f"{run.product.lot}: a shop GLN missing from the answer")
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "max": max(times), "n": len(times),
            "problems": problems}


def qcity_scan(runs: list[Run]) -> dict:
    """The public scan page of each lot, opened without a login as a phone opens the QR code, and checked: 200,
    the lot number and its chain on the page. The products are registered first (the page is a product's)."""
    from django.test import Client

    from qcity.trace.models import Product

    Product.objects.bulk_create([Product(gtin=run.product.gtin, name=f"压测产品 {run.product.gtin}") for run in runs],
                                ignore_conflicts=True)
    client = Client()

    def get(run: Run):
        return client.get(f"/01/{run.product.gtin}/10/{run.product.lot}")

    for run in runs[:10]:
        get(run)
    times, problems = [], []
    for run in runs:
        started = time.perf_counter()
        response = get(run)
        times.append((time.perf_counter() - started) * 1000)
        text = response.content.decode()
        if response.status_code != 200 or run.product.lot not in text or 'id="scan-chain"' not in text:
            problems.append(f"{run.product.lot}: {response.status_code}, lot or chain missing")
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "max": max(times), "n": len(times),
            "problems": problems}


# --- report ----------------------------------------------------------------------------------------------------


def print_table(rows: list[tuple[str, ...]], title: str, headings: tuple[str, ...]) -> None:
    """bench.reporting.print_report with other column headings."""
    widths = [max(_width(h), *(_width(r[i]) for r in rows)) for i, h in enumerate(headings)]
    print(f"\n{title}")
    for row in [headings, tuple("-" * w for w in widths), *rows]:
        print("  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths, strict=True)))


def _ratio(ours: float | None, theirs: float | None, *, higher_is_better: bool) -> str:
    if not ours or not theirs:
        return "-"
    return f"{(ours / theirs if higher_is_better else theirs / ours):.1f}×"


def _ms(d: dict | None) -> str:
    return f"p95 {d['p95']:.1f} ms (p50 {d['p50']:.1f}, n={d['n']})" if isinstance(d, dict) else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="events generated and captured by qcity")
    parser.add_argument("--quartet-events", type=int, default=2_000, help="the first M of them for QU4RTET")
    parser.add_argument("--document-size", type=int, default=5_000, help="events per EPCIS document")
    parser.add_argument("--lots", type=int, default=200, help="lots traced by qcity")
    parser.add_argument("--quartet-samples", type=int, default=200, help="lot traces timed in QU4RTET")
    parser.add_argument("--quartet-budget", type=float, default=120.0,
                        help="seconds QU4RTET may spend tracing (fewer samples if it is slow)")
    parser.add_argument("--database-url", default="", help=f"qcity's database (default sqlite:///{DEFAULT_SQLITE}; "
                                                           "dropped and created anew unless --reuse)")
    parser.add_argument("--quartet-database-url", default="",
                        help="QU4RTET's database (default a SQLite file under var/bench/; dropped and created anew)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep qcity's database; if it holds exactly --events events, skip their capture "
                             "(for the trace figure at millions of events, captured once)")
    parser.add_argument("--prehashed", action="store_true",
                        help="events carry an ni:///sha-256 eventID, so capture does not compute the GS1 hash: "
                             "to load millions of events for the trace figure; not the capture target's setting")
    parser.add_argument("--workers", type=int, default=1,
                        help="capture with N processes at once (as N Celery workers would); 1: one after another")
    parser.add_argument("--skip-quartet", action="store_true")
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile qcity's capture (cProfile) and print its N top functions")
    args = parser.parse_args()
    quartet_events = 0 if args.skip_quartet else min(args.quartet_events, args.events)
    url = args.database_url or f"sqlite:///{DEFAULT_SQLITE}"
    quartet_url = args.quartet_database_url or f"sqlite:///{ROOT / 'var' / 'bench' / 'trace-quartet.sqlite3'}"

    shared = complete_runs([run for run, _events in supply_chain(quartet_events, args.seed)], quartet_events)
    shared_sample = sample_runs(shared, min(args.quartet_samples, len(shared)), args.seed) if shared else []
    quartet: dict = {}
    version = "-"
    xml_files: list[tuple[Path, int]] = []
    if quartet_events:
        xml_files = write_xml(quartet_events, args.document_size, args.seed)
        python = quartet_python()
        version = quartet_version(python)
        print(f"QU4RTET {version}: capturing {quartet_events:,} events ({len(xml_files)} EPCIS 1.2 XML "
              f"documents) …", flush=True)
        quartet = run_quartet(python, xml_files, shared_sample, database_url=quartet_url,
                              samples=args.quartet_samples, budget=args.quartet_budget)
        print(f"QU4RTET: {quartet['capture']['events_per_s']:.0f} events/s, trace {_ms(quartet.get('trace'))}",
              flush=True)

    qcity_setup(url, reuse=args.reuse)
    from django.db import connection

    from qcity.trace.models import Event

    user = qcity_officer()
    runs: list[Run] = []
    if args.reuse and Event.objects.count() == args.events:
        print(f"qcity ({connection.vendor}): reusing the {args.events:,} events stored", flush=True)
        runs = [run for run, _events in supply_chain(args.events, args.seed)]
        capture = None
    else:
        print(f"qcity ({connection.vendor}): capturing {args.events:,} events …", flush=True)
        render = functools.partial(document_json, prehashed=args.prehashed)
        call = (qcity_capture, args.events, args.document_size, args.seed, runs, user, render)
        if args.workers > 1:
            call = (qcity_capture_parallel, *call[1:], args.workers)
        if args.profile:
            import cProfile  # lazy: --profile only
            import pstats  # lazy: --profile only

            profiler = cProfile.Profile()
            capture = profiler.runcall(*call)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
        else:
            capture = call[0](*call[1:])
    xml_capture = None
    if capture and xml_files and not args.prehashed:
        try:
            xml_capture = qcity_capture_xml(xml_files, user)
        except Exception as exc:  # noqa: BLE001 - reported as a failed check, the rest of the figures still count
            xml_capture = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    lots = sample_runs(complete_runs(runs, args.events), args.lots, args.seed)
    traced = qcity_trace(lots)
    traced_shared = qcity_trace(shared_sample) if shared_sample else None
    api = "skipped" if args.skip_api else qcity_api(lots, user)
    scan = "skipped" if args.skip_api else qcity_scan(lots)
    if xml_files:
        shutil.rmtree(xml_files[0][0].parent, ignore_errors=True)
    report(args, quartet_events, version, connection.vendor, capture, quartet, traced, traced_shared,
           len(shared_sample), api, len(xml_files), xml_capture, scan)


def report(args, quartet_events: int, version: str, vendor: str, capture: dict | None, quartet: dict,
           traced: dict, traced_shared: dict | None, shared_lots: int, api, xml_documents: int,
           xml_capture: dict | None, scan) -> None:
    q_capture = quartet.get("capture", {})
    q_trace = quartet.get("trace")
    ours = capture["events_per_s"] if capture else None
    checks = []
    if capture:
        resend = capture["resend"]
        checks += [
            ("captured == generated", capture["captured"] == args.events == capture["stored"],
             f"{capture['captured']:,} captured, {capture['stored']:,} stored, {args.events:,} generated"),
            ("resend captures 0 new events", resend["captured"] == 0 and resend["duplicates"] == resend["events"]
             and capture["stored_after_resend"] == capture["stored"],
             f"{resend['status']}: {resend['captured']} new, {resend['duplicates']} duplicates of {resend['events']}"),
        ]
    if xml_capture and "error" in xml_capture:
        checks.append(("QU4RTET's 1.2 XML documents, captured again: all duplicates", False, xml_capture["error"]))
    elif xml_capture:
        checks.append(("QU4RTET's 1.2 XML documents, captured again: all duplicates",
                       not xml_capture["failed"] and xml_capture["captured"] == 0 == xml_capture["stored"]
                       and xml_capture["duplicates"] == xml_capture["events"],
                       "; ".join(xml_capture["failed"][:2]) or f"{xml_capture['captured']} new, "
                       f"{xml_capture['duplicates']} duplicates of {xml_capture['events']}"))
    checks.append(("traces reach the shops and the raw lots", not traced["problems"],
                   "; ".join(traced["problems"][:3]) or f"{traced['n']} lots, {traced['steps']:.0f} steps each"))
    if isinstance(api, dict):
        checks.append(("API answers name the shops", not api["problems"], "; ".join(api["problems"][:3]) or "ok"))
    if isinstance(scan, dict):
        checks.append(("scan pages show the lot and its chain", not scan["problems"],
                       "; ".join(scan["problems"][:3]) or "ok"))
    if quartet:
        checks.append(("QU4RTET captured == sent", q_capture.get("events") == quartet_events,
                       f"{q_capture.get('events')} of {quartet_events}"))
        checks.append(("QU4RTET traces reach the shops and the raw lots", not quartet.get("problems"),
                       "; ".join(quartet.get("problems", [])[:3]) or f"{shared_lots} lots"))
    shared_p95 = traced_shared["p95"] if traced_shared else None
    theirs_p95 = q_trace["p95"] if q_trace else None
    rows = [
        (f"capture, events/s{' (PREHASHED: no hashing)' if args.prehashed else ''} (documents of "
         f"{args.document_size:,}; qcity {args.events:,} events on {vendor}"
         f"{f', {args.workers} workers at once' if args.workers > 1 else ', one after another'}, "
         f"QU4RTET {quartet_events:,} on {q_capture.get('vendor', '-')})",
         f"{ours:,.0f}" if ours else "reused (not measured)",
         f"{q_capture['events_per_s']:,.0f}" if q_capture else "-",
         _ratio(ours, q_capture.get("events_per_s"), higher_is_better=True)),
        ("  the same 1.2 XML documents as QU4RTET (qcity: all duplicates by then, nothing written)",
         f"{xml_capture['events_per_s']:,.0f}" if xml_capture and "events_per_s" in xml_capture else "-",
         f"{q_capture['events_per_s']:,.0f}" if q_capture else "-",
         _ratio(xml_capture.get("events_per_s") if xml_capture else None, q_capture.get("events_per_s"),
                higher_is_better=True)),
        (f"lot trace, the same {shared_lots} lots (qcity {args.events:,} events stored, QU4RTET {quartet_events:,})",
         _ms(traced_shared), _ms(q_trace), _ratio(shared_p95, theirs_p95, higher_is_better=False)),
        ("  SQL queries per lot trace", str(traced_shared["queries"]) if traced_shared else "-",
         str(quartet.get("trace_queries") or "-"), "-"),
        (f"lot trace, {traced['n']} lots (qcity {args.events:,} events stored)", _ms(traced), "-", "-"),
        (f"GET /api/traces/?gtin=&lot= ({traced['n']} lots, officer, test client)",
         _ms(api) if isinstance(api, dict) else str(api), "-", "-"),
        (f"public scan page /01/<gtin>/10/<lot> ({traced['n']} lots, no login, test client)",
         _ms(scan) if isinstance(scan, dict) else str(scan), "-", "-"),
    ]
    print_table(rows, f"trace benchmark — qcity on {vendor}, QU4RTET {version}, {os.cpu_count()} CPUs, "
                      f"Python {platform.python_version()}, seed {args.seed}", ("figure", "qcity", "QU4RTET", "ratio"))
    target_rows = [
        (f"capture ≥ {CAPTURE_TARGET:,} events/s (bulk, PostgreSQL)", f"{ours:,.0f}" if ours else "-",
         ("SKIPPED" if not ours or args.prehashed else "PASS" if ours >= CAPTURE_TARGET else "FAIL")
         + ("" if vendor == "postgresql" else " (not PostgreSQL)")),
        (f"capture ≥ {CAPTURE_RATIO_TARGET}× QU4RTET", _ratio(ours, q_capture.get("events_per_s"), higher_is_better=True),
         ("PASS" if ours >= CAPTURE_RATIO_TARGET * q_capture["events_per_s"] else "FAIL")
         if q_capture and ours else "SKIPPED"),
        (f"lot trace p95 ≤ {TRACE_TARGET_MS:.0f} ms (target at 10 M events; here {args.events:,})",
         f"{traced['p95']:.1f} ms", "PASS" if traced["p95"] <= TRACE_TARGET_MS else "FAIL"),
        (f"public scan page p95 ≤ {SCAN_TARGET_MS:.0f} ms", _ms(scan) if isinstance(scan, dict) else str(scan),
         ("PASS" if scan["p95"] <= SCAN_TARGET_MS and not scan["problems"] else "FAIL")
         if isinstance(scan, dict) else "SKIPPED"),
        (f"lot trace ≥ {TRACE_RATIO_TARGET}× QU4RTET (p95, same lots)",
         _ratio(shared_p95, theirs_p95, higher_is_better=False),
         ("PASS" if theirs_p95 >= TRACE_RATIO_TARGET * shared_p95 else "FAIL") if shared_p95 and theirs_p95
         else "SKIPPED"),
        *[(f"check: {name}", detail, "PASS" if ok else "FAIL") for name, ok, detail in checks],
    ]
    print_table(target_rows, "targets and checks", ("figure", "measured", "result"))
    if capture:
        print(f"\nqcity capture: {capture['seconds']:.1f} s over {capture['documents']} documents "
              f"({capture['per_doc_min']:,.0f}–{capture['per_doc_max']:,.0f} events/s per document)")
    if quartet:
        print(f"QU4RTET capture: {q_capture['seconds']:.1f} s over {xml_documents} documents; "
              f"trace: {quartet.get('trace_note', '')}")


if __name__ == "__main__":
    main()
