"""Master data of traceability: the dynamic catalogue of products that must be traceable (重要产品追溯动态目录)
and the GS1 parties, locations, products and lots the events name.

The catalogue ships with the platform from the airport zone plan's 专栏8 (`data/catalogue.json`, loaded after
every migrate, missing entries only) and is kept by the market managers over the city: the plan asks for a
*dynamic* catalogue (动态目录管理), so entries are added and retired with dates, never deleted, and the
catalogue of any past year can still be counted.

Parties, locations and products are registered by the market officers or by an enterprise for itself. A
registration is idempotent on its GS1 key (GLN, GLN + extension, GTIN): sending it again returns the row already
there, so a client's retry and the demo's reruns never make two of one thing.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core.access import has_role, require_role, require_scope
from qcity.core.audit import audit_record, snapshot
from qcity.core.choices import AuditAction, Role
from qcity.core.models import OrgUnit, User
from qcity.core.roles import MARKET_MANAGERS, MARKET_OFFICERS
from qcity.core.selectors import org_root
from qcity.enterprises.models import Enterprise

from ..identifiers import IdentifierError, gln_clean, gtin_clean
from ..models import Location, Lot, Party, Product, TraceCategory

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"
TRACE_CATEGORY_FIELDS = ("group", "name", "keywords", "effective_from", "effective_to", "source")


# --- the catalogue ------------------------------------------------------------------------------------------


def trace_catalogue_load(*, using: str = "default") -> int:
    """Create the shipped catalogue entries whose group and name are missing (after every migrate). An entry
    the office edited or retired is never added again. Returns the number created."""
    data = json.loads(CATALOGUE_FILE.read_text("utf-8"))
    effective_from = datetime.date.fromisoformat(data["effective_from"])
    existing = set(TraceCategory.objects.using(using).values_list("group", "name"))
    new = [TraceCategory(group=row["group"], name=row["name"], keywords=row["keywords"],
                         effective_from=effective_from, source=data["source"])
           for row in data["categories"] if (row["group"], row["name"]) not in existing]
    TraceCategory.objects.using(using).bulk_create(new)
    return len(new)


def in_force(on: datetime.date) -> Q:
    """The catalogue entries in force on a day (listed on or before it, not yet retired)."""
    return Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gt=on))


def in_force_during(start: datetime.date, end: datetime.date) -> Q:
    """The entries in force on any day of [start, end]."""
    return Q(effective_from__lte=end) & (Q(effective_to__isnull=True) | Q(effective_to__gt=start))


def category_match(name: str, categories: Iterable[TraceCategory]) -> TraceCategory | None:
    """The catalogue entry a product name belongs to: the entry with the longest keyword found in the name
    ("婴幼儿配方奶粉" is infant formula, not 乳制品's 奶粉); on a tie the earlier entry."""
    best, best_length = None, 0
    for category in categories:
        for keyword in category.keywords.split():
            if len(keyword) > best_length and keyword in name:
                best, best_length = category, len(keyword)
    return best


def _category_errors(*, group: str, name: str, effective_from: datetime.date | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (group or "").strip():
        errors["group"] = [_("请填写类别")]
    if not (name or "").strip():
        errors["name"] = [_("请填写产品类别")]
    if effective_from is None:
        errors["effective_from"] = [_("请填写列入日期")]
    return errors


def trace_category_create(*, group: str, name: str, keywords: str = "", effective_from: datetime.date,
                          source: str = "", by: User | None) -> TraceCategory:
    """List a product category in the catalogue from a date: the city's catalogue, so a manager over the city."""
    require_scope(by, org_root(), roles=MARKET_MANAGERS, action="add trace catalogue entry")
    errors = _category_errors(group=group, name=name, effective_from=effective_from)
    if errors:
        raise ValidationError(errors)
    group, name = group.strip(), name.strip()
    if TraceCategory.objects.filter(group=group, name=name).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gt=effective_from)).exists():
        raise ValidationError({"name": [_("目录中已有该产品类别（在列）")]})
    with transaction.atomic():
        category = TraceCategory.objects.create(group=group, name=name, keywords=" ".join(keywords.split()),
                                                effective_from=effective_from, source=source.strip())
        audit_record(action=AuditAction.CREATE, by=by, obj=category, message="trace catalogue entry added",
                     after=snapshot(category, TRACE_CATEGORY_FIELDS))
    return category


def trace_category_update(*, category: TraceCategory, keywords: str, source: str, by: User | None) -> TraceCategory:
    """Change how an entry matches product names, or what it rests on; its name and dates stay, so the
    catalogue of a past year is what it was."""
    require_scope(by, org_root(), roles=MARKET_MANAGERS, action="edit trace catalogue entry")
    with transaction.atomic():
        before = snapshot(category, TRACE_CATEGORY_FIELDS)
        category.keywords, category.source = " ".join((keywords or "").split()), (source or "").strip()
        category.save(update_fields=["keywords", "source"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=category, message="trace catalogue entry edited",
                     before=before, after=snapshot(category, TRACE_CATEGORY_FIELDS))
    return category


def trace_category_retire(*, category: TraceCategory, on: datetime.date, by: User | None) -> TraceCategory:
    """Take an entry out of the catalogue from `on` (移出目录): it stays, dated, for the years it was in force."""
    require_scope(by, org_root(), roles=MARKET_MANAGERS, action="retire trace catalogue entry")
    if category.effective_to is not None:
        raise ValidationError({"effective_to": [_("该条目已移出目录")]})
    if on is None or on <= category.effective_from:
        raise ValidationError({"effective_to": [_("移出日期须晚于列入日期")]})
    with transaction.atomic():
        before = snapshot(category, TRACE_CATEGORY_FIELDS)
        category.effective_to = on
        category.save(update_fields=["effective_to"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=category, message="trace catalogue entry retired",
                     before=before, after=snapshot(category, TRACE_CATEGORY_FIELDS))
    return category


# --- parties, locations, products, lots ---------------------------------------------------------------------


def _clean(field: str, value: str, cleaner) -> str:
    try:
        return cleaner(value or "")
    except IdentifierError as exc:
        raise ValidationError({field: [str(exc)]}) from exc


def _acting_enterprise(by: User | None) -> int | None:
    """The enterprise an enterprise user acts for; None for officers and internal callers (who act for any)."""
    if by is None or has_role(by, *MARKET_OFFICERS):
        return None
    require_role(by, Role.ENTERPRISE_USER, action="register trace master data")
    if not by.enterprise_id:
        raise ValidationError({"enterprise": [_("账号未关联企业")]})
    return by.enterprise_id


def _created(model, lookup: dict, build, *, by: User | None, message: str, fields: tuple[str, ...]):
    """Insert once: the unique key is the lock, so twins sent at once end with one row and the others get it."""
    found = model.objects.filter(**lookup).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            row = build()
            row.save()
            audit_record(action=AuditAction.CREATE, by=by, obj=row, org_unit=getattr(row, "org_unit", None),
                         message=message, after=snapshot(row, fields))
    except IntegrityError:
        return model.objects.get(**lookup), False
    return row, True


PARTY_FIELDS = ("gln", "name", "enterprise", "org_unit")
LOCATION_FIELDS = ("gln", "extension", "name", "party", "org_unit", "address")
PRODUCT_FIELDS = ("gtin", "name", "brand", "category", "producer")
LOT_FIELDS = ("product", "lot_number", "produced_on", "expires_on")


def party_register(*, gln: str, name: str = "", uscc: str = "", org_unit: OrgUnit | None = None,
                   by: User | None) -> tuple[Party, bool]:
    """Register a trading party by its GLN, linked to the registered enterprise with credit code `uscc`.

    An enterprise user registers parties of its own enterprise only; an officer within their unit (the
    enterprise's). Returns (party, created); the same GLN again returns the party already registered."""
    gln = _clean("gln", gln, gln_clean)
    own = _acting_enterprise(by)
    uscc = (uscc or "").strip().upper()
    enterprise = None
    if uscc:
        enterprise = Enterprise.objects.filter(uscc=uscc).select_related("org_unit").first()
        if enterprise is None:
            raise ValidationError({"uscc": [_("统一社会信用代码 %(uscc)s 未在企业名录中登记") % {"uscc": uscc}]})
    elif own is not None:
        enterprise = Enterprise.objects.select_related("org_unit").get(pk=own)
    if own is not None and (enterprise is None or enterprise.pk != own):
        raise ValidationError({"uscc": [_("只能登记本企业的追溯主体")]})
    existing = Party.objects.filter(gln=gln).first()
    if existing is not None:
        if (own is not None and existing.enterprise_id != own) or (
                enterprise is not None and existing.enterprise_id not in (None, enterprise.pk)):
            raise ValidationError({"gln": [_("GLN %(gln)s 已由其他企业登记") % {"gln": gln}]})
        return existing, False
    if not (name or "").strip() and enterprise is None:
        raise ValidationError({"name": [_("请填写名称")]})
    unit = org_unit or (enterprise.org_unit if enterprise is not None else None)
    if own is None:
        require_scope(by, unit, roles=MARKET_OFFICERS, action="register trace party")
    return _created(Party, {"gln": gln},
                    lambda: Party(gln=gln, name=(name or "").strip() or enterprise.name, enterprise=enterprise,
                                  org_unit=unit),
                    by=by, message="trace party registered", fields=PARTY_FIELDS)


def _party_for(field: str, gln: str, own: int | None) -> Party:
    gln = _clean(field, gln, gln_clean)
    party = Party.objects.filter(gln=gln).select_related("org_unit").first()
    if party is None:
        raise ValidationError({field: [_("GLN %(gln)s 尚未登记为追溯主体") % {"gln": gln}]})
    if own is not None and party.enterprise_id != own:
        raise ValidationError({field: [_("只能使用本企业的追溯主体")]})
    return party


def location_register(*, gln: str, extension: str = "0", name: str, party: str, address: str = "",
                      org_unit: OrgUnit | None = None, by: User | None) -> tuple[Location, bool]:
    """Register a place (SGLN: GLN + extension) of a registered party (`party`: its GLN). Returns
    (location, created); the same GLN and extension again return the location already registered."""
    gln = _clean("gln", gln, gln_clean)
    extension = (extension or "0").strip() or "0"
    if len(extension) > 20 or not extension.isascii() or not extension.replace("-", "").isalnum():
        raise ValidationError({"extension": [_("扩展码须为不超过20位的字母或数字")]})
    own = _acting_enterprise(by)
    owner = _party_for("party", party, own)
    existing = Location.objects.filter(gln=gln, extension=extension).first()
    if existing is not None:
        if existing.party_id != owner.pk:
            raise ValidationError({"gln": [_("该地点已由其他主体登记")]})
        return existing, False
    if not (name or "").strip():
        raise ValidationError({"name": [_("请填写名称")]})
    unit = org_unit or owner.org_unit
    if own is None:
        require_scope(by, unit, roles=MARKET_OFFICERS, action="register trace location")
    return _created(Location, {"gln": gln, "extension": extension},
                    lambda: Location(gln=gln, extension=extension, name=name.strip(), party=owner, org_unit=unit,
                                     address=(address or "").strip()),
                    by=by, message="trace location registered", fields=LOCATION_FIELDS)


def product_register(*, gtin: str, name: str, brand: str = "", producer: str = "",
                     category: TraceCategory | None = None, by: User | None,
                     today: datetime.date | None = None) -> tuple[Product, bool]:
    """Register a trade item by its GTIN, made by a registered party (`producer`: its GLN). Without a category
    the catalogue entry in force whose keywords the name contains is taken. Returns (product, created)."""
    gtin = _clean("gtin", gtin, gtin_clean)
    own = _acting_enterprise(by)
    maker = _party_for("producer", producer, own) if (producer or "").strip() else None
    if own is not None and maker is None:
        raise ValidationError({"producer": [_("请填写本企业的生产者GLN")]})
    existing = Product.objects.filter(gtin=gtin).first()
    if existing is not None:
        if maker is not None and existing.producer_id not in (None, maker.pk):
            raise ValidationError({"gtin": [_("GTIN %(gtin)s 已由其他生产者登记") % {"gtin": gtin}]})
        return existing, False
    if not (name or "").strip():
        raise ValidationError({"name": [_("请填写产品名称")]})
    if own is None and maker is not None:
        require_scope(by, maker.org_unit, roles=MARKET_OFFICERS, action="register trace product")
    elif own is None:
        require_role(by, *MARKET_OFFICERS, action="register trace product")
    if category is None:
        on = today or timezone.localdate()
        category = category_match(name, TraceCategory.objects.filter(in_force(on)).order_by("id"))
    return _created(Product, {"gtin": gtin},
                    lambda: Product(gtin=gtin, name=name.strip(), brand=(brand or "").strip(), category=category,
                                    producer=maker),
                    by=by, message="trace product registered", fields=PRODUCT_FIELDS)


def lot_register(*, product: Product, lot_number: str, produced_on: datetime.date | None = None,
                 expires_on: datetime.date | None = None, by: User | None) -> tuple[Lot, bool]:
    """Register a batch of a product (GTIN + lot number, the unit a recall names). Returns (lot, created)."""
    lot_number = (lot_number or "").strip()
    if not lot_number or len(lot_number) > 20 or not lot_number.isascii():
        raise ValidationError({"lot_number": [_("批号须为不超过20位的字母或数字")]})
    own = _acting_enterprise(by)
    if own is not None and (product.producer is None or product.producer.enterprise_id != own):
        raise ValidationError({"product": [_("只能登记本企业产品的批次")]})
    if produced_on and expires_on and expires_on < produced_on:
        raise ValidationError({"expires_on": [_("有效期不能早于生产日期")]})
    return _created(Lot, {"product": product, "lot_number": lot_number},
                    lambda: Lot(product=product, lot_number=lot_number, produced_on=produced_on,
                                expires_on=expires_on),
                    by=by, message="trace lot registered", fields=LOT_FIELDS)
