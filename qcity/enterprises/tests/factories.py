"""Enterprise registry rows for tests, straight into the tables (factory-boy), with valid credit codes."""

import datetime
import io
import itertools

import factory
from stdnum.cn import uscc as uscc_std

from qcity.enterprises.models import Certification, Enterprise, EnterpriseAccount, Licence
from qcity.enterprises.search import name_initials

_serial = itertools.count(1)


def make_uscc(division: str = "410105", serial: int | None = None) -> str:
    n = next(_serial) if serial is None else serial
    body = f"91{division}{n:09d}"
    return body + uscc_std.calc_check_digit(body)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """EnterpriseFactory(org_unit=district, **fields): `org_unit` is required (reference data, not made here)."""

    class Meta:
        model = Enterprise

    name = "郑州测试食品有限公司"
    name_initials = factory.LazyAttribute(lambda o: name_initials(o.name))
    uscc = factory.LazyAttribute(lambda o: make_uscc(o.org_unit.division_code or "410100"))
    entity_type = "limited_company"
    industry_code = "14"

    class Params:
        # numbered=True: a name of its own, "郑州测试<n>有限公司", for pages and messages that show names
        numbered = factory.Trait(name=factory.Sequence(lambda n: f"郑州测试{n}有限公司"))


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    kind = "iso9001"
    certificate_number = factory.Sequence(lambda n: f"CERT-{n:06d}")
    valid_from = datetime.date(2024, 1, 1)
    valid_to = factory.LazyAttribute(lambda o: o.valid_from + datetime.timedelta(days=3 * 365))


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence

    kind = "food_business"
    number = factory.Sequence(lambda n: f"LIC-{n:06d}")
    valid_from = datetime.date(2024, 1, 1)
    valid_to = factory.LazyAttribute(lambda o: o.valid_from + datetime.timedelta(days=5 * 365))


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


class EnterpriseAccountFactory(factory.django.DjangoModelFactory):
    """EnterpriseAccountFactory(user=..., enterprise=...): the row only; the user's role and enterprise link are
    the test's (make_enterprise_user in test_accounts does both)."""

    class Meta:
        model = EnterpriseAccount

    role = "admin"
    status = "unconfirmed"


def frequent_food_names(monkeypatch, *units) -> None:
    """Sixty enterprises per unit named "郑州<i>号食品有限公司" (two in three) or "…机械…", with the search's probe
    shrunk (12 rows, 3 matches) so that "食品" is a frequent term answered with an estimate."""
    from qcity.enterprises import search

    for i in range(60 * len(units)):
        EnterpriseFactory(org_unit=units[i % len(units)], name=f"郑州{i}号{'食品' if i % 3 else '机械'}有限公司")
    monkeypatch.setattr(search, "PROBE_ROWS", 12)
    monkeypatch.setattr(search, "PROBE_FREQUENT", 3)
    monkeypatch.setattr(search, "EXACT_SPAN", 1)
