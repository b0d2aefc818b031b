import io
import itertools

from stdnum.cn import uscc as uscc_std

from qcity.core.models import OrgUnit
from qcity.enterprises.models import Enterprise
from qcity.enterprises.search import name_initials

_serial = itertools.count(1)


def make_uscc(division: str = "410105", serial: int | None = None) -> str:
    n = next(_serial) if serial is None else serial
    body = f"91{division}{n:09d}"
    return body + uscc_std.calc_check_digit(body)


def enterprise_factory(*, org_unit: OrgUnit, name: str = "郑州测试食品有限公司", **fields) -> Enterprise:
    fields.setdefault("uscc", make_uscc(org_unit.division_code or "410100"))
    fields.setdefault("entity_type", "limited_company")
    fields.setdefault("industry_code", "14")
    return Enterprise.objects.create(org_unit=org_unit, name=name, name_initials=name_initials(name), **fields)


def xlsx_upload(rows, *, headings=None, name="enterprises.xlsx"):
    """An uploaded xlsx file with the import headings (or `headings`) and `rows`."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from qcity.enterprises.imports import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headings if headings is not None else COLUMNS))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def import_row(uscc=None, name="郑州导入测试有限公司", org_unit="金水区", **overrides):
    row = {"uscc": uscc or make_uscc(), "name": name, "entity_type": "有限责任公司", "industry_code": "14",
           "org_unit": org_unit, "address": "郑州市金水区花园路1号", "legal_representative": "王五",
           "registered_capital": 100, "established_on": "2015-03-02", "status": "存续"}
    row.update(overrides)
    return list(row.values())
