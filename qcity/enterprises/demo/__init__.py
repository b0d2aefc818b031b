"""Synthetic market entities for the demo city: valid credit codes, Chinese names, real road names.

`city` scale is 1.5 million enterprises and must generate and load in under three minutes on SQLite and
on PostgreSQL. Split by concern: `vocabulary` (the words and shares, as data in
../data/demo_vocabulary.json), `generator` (the rows, pure and deterministic for a seed and a last day,
from precomputed tables), `writer` (bulk writes without the ORM). `generate` and `reset` below load and
delete them; EnterprisesConfig.ready() registers them with the demo command.
"""

from __future__ import annotations

import datetime
import os
from functools import partial
from typing import Any

from django.db import connection, transaction

from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction, OrgUnitKind
from qcity.core.demo import made_in_helper
from qcity.core.models import AuditEvent, OrgUnit
from qcity.core.selectors import org_leaves

from .. import search
from ..models import Enterprise
from .generator import (
    CHUNK,
    ENTERPRISE_FIELDS,
    Chunk,
    Unit,
    _certificate_number,
    _licence_number,
    _parts,
    _valid_period,
    enterprise_rows,
    generate_chunk,
    organisation_check_char,
    units_from_reference_data,
)
from .vocabulary import CERT_ISSUERS, ISSUED_BY, LICENCE_YEARS, OTHER_CITIES
from .writer import _bool, _timestamp, _Writer, indexes_build

__all__ = [
    "CHUNK", "DEMO_MARKER", "ENTERPRISE_FIELDS", "OTHER_CITIES", "Chunk", "Unit", "demo_id_ranges",
    "enterprise_rows", "generate", "generate_chunk", "organisation_check_char", "reset",
    "units_from_reference_data",
]

DEMO_MARKER = "demo enterprises"  # object_repr of the audit event that records each generated id range


def _units() -> list[Unit]:
    """The units enterprises register in (the leaves of the org tree), each with its city."""
    leaves = org_leaves()
    cities = {c.pk: c for c in OrgUnit.objects.filter(kind=OrgUnitKind.CITY)}
    units = []
    for u in leaves:
        ancestors = [int(pk) for pk in u.path.strip("/").split("/")]
        city = next(cities[pk] for pk in reversed(ancestors) if pk in cities)  # the nearest, itself included
        units.append(Unit(u.pk, u.name, u.short_name, u.division_code, u.kind, city.name, city.short_name,
                          city.division_code))
    return units


def generate(ctx) -> dict[str, Any]:
    """Generate ctx.enterprise_count enterprises with licences, certifications and quality officers, all
    registered, issued and appointed before ctx.today."""
    count = ctx.enterprise_count
    last_day = ctx.today - datetime.timedelta(days=1)
    units = _units()
    if not units:
        raise RuntimeError("no units to register enterprises in: load the reference data first (qcity seed)")
    tables = ["enterprises_enterprise", "enterprises_licence", "enterprises_certification",
              "enterprises_chiefqualityofficer"]
    vendor = connection.vendor
    now = _timestamp(vendor)
    # One extra process makes rows while this one writes; only worth it for big runs on 2+ cores.
    helper = count > 4 * CHUNK and (os.cpu_count() or 1) > 1
    licences: list[tuple] = []
    certifications: list[tuple] = []
    officers: list[tuple] = []
    picks: list[int] = []
    with transaction.atomic():
        writer = _Writer(connection, ctx.progress)
        first_id = writer.reserve_ids("enterprises_enterprise", count)
        writer.before_load(tables)
        made = ", rows made by a helper process" if helper else ""
        ctx.progress(f"writing {count:,} enterprises (ids from {first_id}{made})")
        p = _parts(units, last_day)

        def rows():
            numbers = range((count + CHUNK - 1) // CHUNK)
            for chunk in made_in_helper(generate_chunk, [(ctx.seed, n, count, tuple(units), last_day)
                                                         for n in numbers], helper=helper):
                licences.extend(chunk.licences)
                certifications.extend(chunk.certifications)
                officers.extend(chunk.officers)
                if chunk.pick is not None:
                    picks.append(chunk.pick)
                for row in chunk.enterprises:
                    yield (first_id + row[0], *row[1:], now, now)
                if chunk.enterprises and (chunk.enterprises[-1][0] + 1) % (10 * CHUNK) == 0:
                    ctx.progress(f"  {chunk.enterprises[-1][0] + 1:,} enterprises")

        written = writer.write("enterprises_enterprise", ("id", *ENTERPRISE_FIELDS, "created_at", "updated_at"),
                               rows())
        ctx.progress(f"wrote {written:,} enterprises; writing licences, certifications, officers")
        seq: dict[str, int] = {}
        licence_rows = []
        for i, kind, day, division, place, fraction in licences:
            n = seq[kind] = seq.get(kind, -1) + 1
            valid_from, valid_to = _valid_period(p, day, fraction, LICENCE_YEARS[kind])
            licence_rows.append((first_id + i, kind, _licence_number(kind, n, division, int(valid_from[:4])),
                                 ISSUED_BY[kind].format(unit=place), valid_from, valid_to))
        writer.write("enterprises_licence", ("enterprise_id", "kind", "number", "issued_by", "valid_from",
                                             "valid_to"), licence_rows)
        cert_rows = []
        for n, (i, kind, day, fraction) in enumerate(certifications):
            valid_from, valid_to = _valid_period(p, day, fraction, 3)
            issuers = CERT_ISSUERS[kind]
            cert_rows.append((first_id + i, kind, _certificate_number(kind, n, int(valid_from[:4])),
                              issuers[n % len(issuers)], valid_from, valid_to))
        writer.write("enterprises_certification", ("enterprise_id", "kind", "certificate_number", "issuer",
                                                   "valid_from", "valid_to"), cert_rows)
        officer_rows = []
        for i, name, title, phone, year, trained in officers:
            appointed = min(datetime.date(min(year + 1, last_day.year), 1 + i % 12, 1 + i % 28), last_day).isoformat()
            officer_rows.append((first_id + i, name, title, phone, appointed, _bool(vendor, trained)))
        writer.write("enterprises_chiefqualityofficer", ("enterprise_id", "name", "title", "phone",
                                                         "appointed_on", "trained"), officer_rows)
        writer.after_load()
        last_id = first_id + count - 1
        audit_record(
            action=AuditAction.IMPORT, by=None, object_type="enterprises.enterprise", object_repr=DEMO_MARKER,
            message=f"demo data: {count} enterprises, scale {ctx.scale}, seed {ctx.seed}",
            after={"first_id": first_id, "last_id": last_id, "seed": ctx.seed, "scale": ctx.scale,
                   "licences": len(licence_rows), "certifications": len(cert_rows),
                   "chief_quality_officers": len(officer_rows)},
        )
    if vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
    else:
        ctx.in_background(partial(indexes_build, ctx.progress))
    pick = picks[0] if picks else 0
    ctx.results["demo_enterprise"] = Enterprise.objects.select_related("org_unit").get(pk=first_id + pick)
    ctx.results["enterprise_ids"] = (first_id, last_id)
    return {"enterprises": count, "licences": len(licence_rows), "certifications": len(cert_rows),
            "chief_quality_officers": len(officer_rows)}


def demo_id_ranges() -> list[tuple[int, int]]:
    """Id ranges of the enterprises earlier demo runs generated (recorded in the audit log)."""
    events = AuditEvent.objects.filter(object_type="enterprises.enterprise", object_repr=DEMO_MARKER)
    return [(e.after["first_id"], e.after["last_id"]) for e in events if e.after and "first_id" in e.after]


def reset(ctx) -> dict[str, Any]:
    """Delete the enterprises (with their licences, certifications, officers) earlier demo runs made."""
    deleted = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for statement in search.SQLITE_FTS_DROP_TRIGGERS:
                    cursor.execute(statement)
            for first, last in demo_id_ranges():
                # Plain DELETEs: the ORM's cascade collector would load 1.5 M objects first.
                for table in ("enterprises_licence", "enterprises_certification",
                              "enterprises_chiefqualityofficer"):
                    cursor.execute(f"DELETE FROM {table} WHERE enterprise_id BETWEEN %s AND %s", [first, last])
                cursor.execute("DELETE FROM enterprises_enterprise WHERE id BETWEEN %s AND %s", [first, last])
                deleted += cursor.rowcount
            if connection.vendor == "sqlite":
                search.rebuild_index()
                for statement in search.SQLITE_FTS_SQL:
                    cursor.execute(statement)
        audit_record(action=AuditAction.DELETE, by=None, object_type="enterprises.enterprise",
                     object_repr="demo enterprises reset", message=f"demo data reset: {deleted} enterprises deleted")
    return {"enterprises_deleted": deleted}
