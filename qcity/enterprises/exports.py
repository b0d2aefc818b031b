"""xlsx export of the enterprise list, with the import's headings so the file imports back."""

from __future__ import annotations

from django.db.models import QuerySet

from qcity.core.exports import xlsx_bytes

from .imports import COLUMNS

EXPORT_LIMIT = 100_000


def enterprise_export(queryset: QuerySet) -> bytes:
    """The filtered list as xlsx (at most EXPORT_LIMIT rows; filter further for more)."""
    rows = queryset.select_related("org_unit").order_by("id")[:EXPORT_LIMIT]
    return xlsx_bytes("企业", list(COLUMNS), (
        [e.uscc, e.name, e.get_entity_type_display(), e.industry_code, e.org_unit.name, e.address,
         e.legal_representative, float(e.registered_capital) if e.registered_capital is not None else None,
         e.established_on, e.get_status_display()]
        for e in rows.iterator(chunk_size=5000)
    ))
