"""The gazetteer (地名库): the roads, areas, towns and landmarks that place an address naming no district.

It ships with the platform (data/gazetteer_zhengzhou.json) and is kept by the city: the office and the
city-level complaint handlers add and edit entries; a shipped entry an officer edited is never overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qcity.core.access import require_scope
from qcity.core.audit import audit_record, snapshot
from qcity.core.choices import AuditAction
from qcity.core.models import OrgUnit, User
from qcity.core.roles import COMPLAINT_HANDLERS

from .. import routing
from ..choices import GazetteerKind
from ..models import GazetteerEntry

GAZETTEER_CITY = "410100"  # the GB/T 2260 code of the city DATA_FILE describes
DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "gazetteer_zhengzhou.json"
FIELDS = ("name", "kind", "org_unit_id", "note", "active")
_memo: ContextVar[dict | None] = ContextVar("complaints_city_map", default=None)


def gazetteer_load(*, using: str = "default") -> int:
    """Create the shipped entries whose name is missing (by name: an entry an officer moved to another unit
    or switched off stays as it is). Entries whose unit does not exist yet are skipped: the org units are
    loaded by `qcity seed` after the first migrate, which then loads them (`reference_data_loaded`).
    Conflict-safe: concurrent first requests may load at once (`city_map`); a row another process inserted
    meanwhile is skipped by the unique constraint instead of failing the request."""
    rows = json.loads(DATA_FILE.read_text("utf-8"))
    units = {u.name: u for u in OrgUnit.objects.using(using).filter(parent__isnull=False)}
    existing = _names(using)
    new = [GazetteerEntry(name=row["name"], kind=row["kind"], org_unit=units[row["unit"]], note=row.get("note", ""))
           for row in rows if row["name"] not in existing and row["unit"] in units]
    GazetteerEntry.objects.using(using).bulk_create(new, ignore_conflicts=True)
    return len(new)


def _names(using: str) -> set[str]:
    """The names present now; another process may add some before this one inserts (hence ignore_conflicts)."""
    return set(GazetteerEntry.objects.using(using).values_list("name", flat=True))


def _city() -> OrgUnit:
    """The city the gazetteer covers (its data file is Zhengzhou's): the root, or one city of a province."""
    return OrgUnit.objects.get(division_code=GAZETTEER_CITY)


def _check(*, name: str, kind: str, org_unit: OrgUnit, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("请填写地名")]
    elif GazetteerEntry.objects.filter(name=name).exclude(pk=exclude_pk).exists():
        errors["name"] = [_("地名库已有同名条目")]
    if kind not in GazetteerKind.values:
        errors["kind"] = [_("类别无效")]
    if org_unit is None or org_unit.parent_id is None:
        errors["org_unit"] = [_("请选择区县或开发区")]
    if errors:
        raise ValidationError(errors)
    return name


def gazetteer_entry_create(*, name: str, kind: str, org_unit: OrgUnit, note: str = "", active: bool = True,
                           by: User | None) -> GazetteerEntry:
    """City level only: an entry places addresses in any unit, so a district may not add one for another."""
    require_scope(by, _city(), roles=COMPLAINT_HANDLERS, action="create gazetteer entry")
    name = _check(name=name, kind=kind, org_unit=org_unit)
    with transaction.atomic():
        entry = GazetteerEntry.objects.create(name=name, kind=kind, org_unit=org_unit, note=note.strip(),
                                              active=active)
        audit_record(action=AuditAction.CREATE, by=by, obj=entry, after=snapshot(entry, FIELDS))
    return entry


def gazetteer_entry_update(*, entry: GazetteerEntry, name: str, kind: str, org_unit: OrgUnit, note: str = "",
                           active: bool = True, by: User | None) -> GazetteerEntry:
    require_scope(by, _city(), roles=COMPLAINT_HANDLERS, action="edit gazetteer entry", obj=entry)
    name = _check(name=name, kind=kind, org_unit=org_unit, exclude_pk=entry.pk)
    with transaction.atomic():
        before = snapshot(entry, FIELDS)
        entry.name, entry.kind, entry.org_unit, entry.note, entry.active = name, kind, org_unit, note.strip(), active
        entry.save()
        audit_record(action=AuditAction.UPDATE, by=by, obj=entry, before=before, after=snapshot(entry, FIELDS))
    return entry


@contextmanager
def city_map_memoized() -> Iterator[None]:
    """Within the block `city_map()` is read from the database once (an intake routes every row of a batch
    with the same map; four queries a row otherwise)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def city_map() -> routing.CityMap:
    """The city as the pure routing rule sees it: its districts by GB/T 2260 code and the active gazetteer.
    An empty gazetteer is loaded on first use: a fresh installation migrates before `qcity seed` brings the
    org units, so the post_migrate load found none of them."""
    memo = _memo.get()
    if memo is None:
        return _city_map_read()
    if "map" not in memo:
        memo["map"] = _city_map_read()
    return memo["map"]


def _city_map_read() -> routing.CityMap:
    city = _city()
    if not GazetteerEntry.objects.exists():
        gazetteer_load()
    districts = list(OrgUnit.objects.filter(parent=city, division_code__isnull=False))
    return routing.CityMap(
        division_code=city.division_code or "",
        district_units={u.division_code: u.pk for u in districts},
        district_names={u.division_code: u.name for u in districts},
        aliases={u.short_name: u.name for u in districts if u.short_name},
        gazetteer=list(GazetteerEntry.objects.filter(active=True).values_list("name", "org_unit_id")))
