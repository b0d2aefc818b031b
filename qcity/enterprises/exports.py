"""Columns of the enterprise list's xlsx export: the import's headings, so the file imports back."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from qcity.core.exports import XlsxColumns

from .imports import COLUMNS

ENTERPRISES = XlsxColumns(
    name="enterprises", sheet=gettext_lazy("企业"), headings=list(COLUMNS), object_type="enterprises.enterprise",
    row=lambda e: [e.uscc, e.name, e.get_entity_type_display(), e.industry_code, e.org_unit.name, e.address,
                   e.legal_representative, float(e.registered_capital) if e.registered_capital is not None else None,
                   e.established_on, e.get_status_display()])
