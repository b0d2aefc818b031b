"""Pages and API: wiring, permissions, and bad input answered with 400."""

import pytest
from django.urls import reverse

from qcity.core.choices import Role
from qcity.core.services import province_load
from qcity.indicators.choices import ReportedValueStatus, ReportingPeriodKind
from qcity.indicators.models import ReportedValue
from qcity.indicators.services import plans_load_builtin, reported_value_submit
from qcity.indicators.services.values import Period

from .factories import IndicatorFactory


def xlsx_bytes() -> bytes:
    import io

    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_plan_page_lists_targets_and_anchors_each_quote_in_the_text(client_for, make_user):
    plans_load_builtin()
    response = client_for(make_user(Role.LEADERSHIP_OFFICE)).get(
        reverse("indicators:plan-detail", args=["zz-2021-14th-fyp"]))
    assert response.status_code == 200
    html = response.content.decode()
    indicator = response.context["indicators"][0]
    assert f'href="#q{indicator.quote_start}"' in html
    assert f'<mark id="q{indicator.quote_start}">' in html


@pytest.mark.django_db
def test_admins_and_enterprise_users_cannot_open_indicator_pages(client_for, make_user):
    for role in (Role.AUDIT_ADMIN, Role.ENTERPRISE_USER):
        assert client_for(make_user(role)).get(reverse("indicators:plan-list")).status_code == 403


@pytest.mark.django_db
def test_value_form_reports_a_percentage_error_with_400(client_for, make_user, district):
    indicator = IndicatorFactory()
    client = client_for(make_user(Role.DISTRICT_OFFICER, district))
    response = client.post(reverse("indicators:value-create"), {
        "indicator": indicator.pk, "org_unit": district.pk, "period_kind": "year", "year": 2024,
        "period_number": 0, "value": "150", "note": ""})
    assert response.status_code == 400
    assert "0–100" in response.content.decode()
    assert not ReportedValue.objects.exists()


@pytest.mark.django_db
def test_office_reviews_and_approves_from_the_queue_with_htmx(client_for, make_user, district):
    indicator = IndicatorFactory()
    value = reported_value_submit(indicator=indicator, org_unit=district, period=Period(ReportingPeriodKind.YEAR, 2024),
                                  value="98.5", by=make_user(Role.DISTRICT_OFFICER, district))
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    for action in ("review", "approve"):
        response = client.post(reverse("indicators:value-transition", args=[value.pk, action]), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    value.refresh_from_db()
    assert value.status == ReportedValueStatus.APPROVED
    response = client.post(reverse("indicators:value-transition", args=[value.pk, "approve"]), HTTP_HX_REQUEST="true")
    assert response.status_code == 400


@pytest.mark.django_db
def test_status_board_ranks_districts(client_for, make_user):
    plans_load_builtin()
    response = client_for(make_user(Role.LEADERSHIP_OFFICE)).get(reverse("indicators:status"), {"year": 2024})
    assert response.status_code == 200
    assert len(response.context["ranking"]) >= 16


@pytest.mark.django_db
def test_an_inspector_outside_the_programme_sees_the_citys_progress(client_for, make_user):
    # given an inspector, who reports no values but may open the status board
    plans_load_builtin()
    # when they open it
    response = client_for(make_user(Role.INSPECTOR)).get(reverse("indicators:status"), {"year": 2024})
    # then they see the city's statuses, not an error
    assert response.status_code == 200
    assert response.context["unit"].parent_id is None
    assert [unit.pk for unit in response.context["units"]] == [response.context["unit"].pk]


@pytest.mark.django_db
def test_in_a_province_a_district_officer_sees_their_city_on_the_board(client_for, make_user, city, district):
    # given the city under its province, whose programme ranks cities
    plans_load_builtin()
    province_load(by=None)
    district.refresh_from_db()
    # when 金水区's officer opens the board
    response = client_for(make_user(Role.DISTRICT_OFFICER, district)).get(reverse("indicators:status"), {"year": 2024})
    # then they see their city's row, not the province's
    assert response.status_code == 200
    assert [unit.pk for unit in response.context["units"]] == [city.pk]


@pytest.mark.django_db
def test_api_reports_a_value_then_updates_it_instead_of_adding_a_row(client_for, make_user, district):
    indicator = IndicatorFactory()
    client = client_for(make_user(Role.DISTRICT_OFFICER, district))
    payload = {"indicator": indicator.pk, "org_unit": district.pk, "year": 2024, "value": "97.1"}
    assert client.post("/api/reported-values/", payload).status_code == 201
    payload["value"] = "97.4"
    response = client.post("/api/reported-values/", payload)
    assert response.status_code == 200 and response.json()["value"] == "97.4000"
    assert ReportedValue.objects.count() == 1
    payload["value"] = "abc"
    assert client.post("/api/reported-values/", payload).status_code == 400


@pytest.mark.django_db
def test_api_refuses_another_districts_value_with_403(client_for, make_user, district, city):
    indicator = IndicatorFactory()
    other = city.children.exclude(pk=district.pk).first()
    client = client_for(make_user(Role.DISTRICT_OFFICER, district))
    response = client.post("/api/reported-values/", {"indicator": indicator.pk, "org_unit": other.pk, "year": 2024,
                                                     "value": "97"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_api_status_needs_plan_and_year(client_for, make_user):
    plans_load_builtin()
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    assert client.get("/api/indicator-statuses/").status_code == 400
    response = client.get("/api/indicator-statuses/", {"plan": "zz-2014-demonstration", "year": 2015})
    assert response.status_code == 200 and response.json()[0]["status"] == "no_data"


@pytest.mark.django_db
def test_api_plan_import_refuses_an_empty_document(client_for, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    response = client.post("/api/plan-imports/", {"file": SimpleUploadedFile("plan.txt", b"")})
    assert response.status_code == 400 and "file" in response.json()


@pytest.mark.django_db
def test_api_attaches_evidence_until_the_value_is_approved(client_for, make_user, district, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qcity.indicators.services import reported_value_approve, reported_value_review

    settings.MEDIA_ROOT = tmp_path
    officer = make_user(Role.DISTRICT_OFFICER, district)
    value = reported_value_submit(indicator=IndicatorFactory(), org_unit=district,
                                  period=Period(ReportingPeriodKind.YEAR, 2024), value="98", by=officer)
    client = client_for(officer)
    url = f"/api/reported-values/{value.pk}/evidence/"
    response = client.post(url, {"file": SimpleUploadedFile("统计表.pdf", b"%PDF-1.4 test")})
    assert response.status_code == 201 and value.evidence.get().original_name == "统计表.pdf"
    office = make_user(Role.LEADERSHIP_OFFICE)
    reported_value_approve(value=reported_value_review(value=value, by=office), by=office)
    response = client.post(url, {"file": SimpleUploadedFile("more.pdf", b"%PDF-1.4")})
    assert response.status_code == 400 and value.evidence.count() == 1


@pytest.mark.django_db
def test_evidence_downloads_only_within_the_users_scope(client_for, make_user, district, city, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qcity.indicators.services import reported_value_evidence_attach

    settings.MEDIA_ROOT = tmp_path
    officer = make_user(Role.DISTRICT_OFFICER, district)
    value = reported_value_submit(indicator=IndicatorFactory(), org_unit=district,
                                  period=Period(ReportingPeriodKind.YEAR, 2024), value="98", by=officer)
    evidence = reported_value_evidence_attach(value=value, file=SimpleUploadedFile("表.xlsx", xlsx_bytes()), by=officer)
    url = reverse("indicators:evidence-download", args=[evidence.pk])
    # the reporter gets an attachment the browser may neither sniff nor run
    response = client_for(officer).get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"".join(response.streaming_content) == evidence.file.open("rb").read()
    # another district's officer does not learn it exists; a user without the role is refused
    other = make_user(Role.DISTRICT_OFFICER, city.children.exclude(pk=district.pk).first())
    assert client_for(other).get(url).status_code == 404
    assert client_for(make_user(Role.ENTERPRISE_USER, district)).get(url).status_code == 403


@pytest.mark.django_db
def test_evidence_download_sends_an_anonymous_visitor_to_the_login_page(client, make_user, district, settings,
                                                                         tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qcity.indicators.services import reported_value_evidence_attach

    settings.MEDIA_ROOT = tmp_path
    officer = make_user(Role.DISTRICT_OFFICER, district)
    value = reported_value_submit(indicator=IndicatorFactory(), org_unit=district,
                                  period=Period(ReportingPeriodKind.YEAR, 2024), value="98", by=officer)
    evidence = reported_value_evidence_attach(value=value, file=SimpleUploadedFile("a.pdf", b"%PDF-1.7\n"), by=officer)
    response = client.get(reverse("indicators:evidence-download", args=[evidence.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(f"/media/{evidence.file.name}").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), [
    ("page.html", b"<html><script>alert(document.cookie)</script></html>"),
    ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
    ("统计表.pdf", b""),
    ("统计表.pdf", b"<html><script>alert(1)</script></html>"),
])
def test_api_refuses_html_executable_empty_or_disguised_evidence(client_for, make_user, district, settings, tmp_path,
                                                                 name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    officer = make_user(Role.DISTRICT_OFFICER, district)
    value = reported_value_submit(indicator=IndicatorFactory(), org_unit=district,
                                  period=Period(ReportingPeriodKind.YEAR, 2024), value="98", by=officer)
    response = client_for(officer).post(f"/api/reported-values/{value.pk}/evidence/",
                                        {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400 and response.json()["file"][0].startswith("佐证材料：")
    assert not value.evidence.exists() and not list(tmp_path.rglob("*.*"))


@pytest.mark.django_db
def test_value_form_refuses_html_evidence_on_the_field(client_for, make_user, district):
    from django.core.files.uploadedfile import SimpleUploadedFile

    indicator = IndicatorFactory()
    response = client_for(make_user(Role.DISTRICT_OFFICER, district)).post(reverse("indicators:value-create"), {
        "indicator": indicator.pk, "org_unit": district.pk, "period_kind": "year", "year": 2024,
        "period_number": 0, "value": "98", "note": "", "evidence": SimpleUploadedFile("x.html", b"<html></html>")})
    assert response.status_code == 400 and response.context["form"].errors["evidence"]
    assert not ReportedValue.objects.exists()


@pytest.mark.django_db
def test_reported_values_import_refuses_a_zip_bomb_before_reading_it(client_for, make_user, monkeypatch):

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qcity.core.tests.uploads import bomb_xlsx

    def never(*args, **kwargs):
        raise AssertionError("openpyxl was asked to read the bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    indicator = IndicatorFactory()
    response = client_for(make_user(Role.LEADERSHIP_OFFICE)).post("/api/reported-values/import/", {
        "plan": indicator.plan.code, "file": SimpleUploadedFile("values.xlsx", bomb_xlsx())})
    assert response.status_code == 400 and "解压后过大" in response.json()["file"][0]


REVIEW_TEXT = "到2025年，食品抽检合格率达到98%以上，质量损失率低于全国平均水平。"


def _review_post(record, **rows):
    data = {"code": "qual-page", "title": "测试规划", "period_start": "2021", "period_end": "2025"}
    for index, proposal in enumerate(record.proposals):
        prefix = f"p{index}-"
        if proposal.get("kind") == "qualitative":
            data[prefix + "kind"] = "qualitative"
            data[prefix + "qualitative"] = proposal["qualitative"]
        else:
            data.update({prefix + k: "" if proposal[k] is None else str(proposal[k])
                         for k in ("value", "low", "high", "unit")})
        data.update({prefix + "name": proposal["name"], prefix + "comparator": proposal["comparator"],
                     prefix + "year": str(proposal["year"]), prefix + "domain": proposal["domain"],
                     prefix + "quote": proposal["quote"]})
        if rows.get(str(index)):
            data[prefix + "accept"] = "on"
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("accept_qualitative", [True, False])
def test_review_page_shows_qualitative_proposals_to_accept_or_drop(client_for, make_user, accept_qualitative):
    from qcity.indicators.models import Plan
    from qcity.indicators.services import plan_import_create

    office = make_user(Role.LEADERSHIP_OFFICE)
    record = plan_import_create(name="plan.txt", data=REVIEW_TEXT.encode(), by=office)
    client = client_for(office)
    url = reverse("indicators:plan-import-review", args=[record.pk])
    # given the review page: the qualitative proposal in its own table, not ticked, with its wording
    page = client.get(url).content.decode()
    qualitative_table = page[page.index('id="qualitative-table"'):]
    assert 'name="p1-qualitative" value="低于全国平均水平"' in qualitative_table
    assert 'name="p1-accept">' in qualitative_table and 'name="p1-kind" value="qualitative"' in qualitative_table
    assert 'name="p1-name"' not in page[page.index('id="proposal-table"'):page.index('id="qualitative-table"')]
    # when the reviewer accepts the quantified target and accepts or drops the qualitative one
    response = client.post(url, _review_post(record, **{"0": True, "1": accept_qualitative}))
    # then the plan holds the qualitative indicator, without a numeric target, only if accepted
    assert response.status_code == 302
    names = list(Plan.objects.get(code="qual-page").indicators.order_by("position").values_list("name", flat=True))
    expected = ["食品抽检合格率", *(["质量损失率低于全国平均水平"] if accept_qualitative else [])]
    assert names == expected
    # and the plan's pages work with an indicator that has no numeric target
    plan = Plan.objects.get(code="qual-page")
    assert client.get(reverse("indicators:plan-detail", args=[plan.code])).status_code == 200
    assert client.get(reverse("indicators:status"), {"plan": plan.code, "year": 2025}).status_code == 200
    for indicator in plan.indicators.all():
        assert client.get(reverse("indicators:indicator-detail", args=[indicator.pk])).status_code == 200


@pytest.fixture
def board(db, city):
    """A plan with two indicators and the city's approved values 2022–2024: one near its target, one a count."""
    from decimal import Decimal

    from qcity.indicators.choices import IndicatorDomain

    from .factories import PlanFactory, ReportedValueFactory

    plan = PlanFactory(code="board-plan")
    rate = IndicatorFactory(plan=plan, name="食品抽检合格率", baseline_year=2020, baseline_value=Decimal(96), position=1)
    count = IndicatorFactory(plan=plan, name="新增品牌数量", unit="家", domain=IndicatorDomain.SERVICE, target=50,
                             baseline_year=2020, baseline_value=Decimal(0), position=2)
    for year, value in ((2022, "97.1"), (2023, "97.5"), (2024, "97.73")):
        ReportedValueFactory(indicator=rate, org_unit=city, year=year, value=Decimal(value))
    for year, value in ((2022, "10.4"), (2023, "20.2"), (2024, "21.99")):
        ReportedValueFactory(indicator=count, org_unit=city, year=year, value=Decimal(value))
    return plan, rate, count


def _board(client, **params):
    return client.get(reverse("indicators:status"), {"plan": "board-plan", "year": 2024, **params})


@pytest.mark.django_db
def test_status_board_shows_expected_value_trend_and_rule_with_counts_as_whole_numbers(client_for, make_user, board):
    _, rate, count = board
    response = _board(client_for(make_user(Role.LEADERSHIP_OFFICE)))
    html = response.content.decode()
    assert response.status_code == 200
    # 97.73 against the line 96 -> 98 (2024 expects 97.6): on track, with the expected value beside it
    rows = {row.indicator.pk: row for row in response.context["table"].data}
    assert rows[rate.pk].status == "on_track" and "97.6%" in html and "97.73%" in html
    # the count shows as a whole number, never "21.99家"
    assert "22家" in html and "21.99家" not in html
    # the trend is an inline SVG whose label reads the values
    assert 'aria-label="2022：97.1%；2023：97.5%；2024：97.73%"' in html
    # the rule in force is spelt out, with its link for the office
    rule_box = html.split('id="status-rule"')[1].split("</div>\n    <div")[0]
    assert "5%" in rule_box and "25%" in rule_box
    assert reverse("indicators:status-rule") in html
    assert 'id="result-count"' in html and response.context["total"] == 2


@pytest.mark.django_db
def test_status_board_sorts_by_severity_and_filters_by_domain_name_and_status(client_for, make_user, board):
    _, rate, count = board
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    # 21.99 of 50 in 2024 (line 0 -> 50 expects 40): off track, so it sorts before the on-track rate
    ordered = [row.indicator.pk for row in _board(client, sort="status").context["table"].data]
    assert ordered == [count.pk, rate.pk]
    ordered = [row.indicator.pk for row in _board(client, sort="-actual").context["table"].data]
    assert ordered == [rate.pk, count.pk]
    assert [r.indicator.pk for r in _board(client, domain="service").context["table"].data] == [count.pk]
    assert [r.indicator.pk for r in _board(client, q="合格率").context["table"].data] == [rate.pk]
    assert [r.indicator.pk for r in _board(client, status="off_track").context["table"].data] == [count.pk]
    # an unknown sort or domain is ignored, not an error
    assert _board(client, sort="nonsense", domain="nope").status_code == 200


@pytest.mark.django_db
def test_status_board_exports_its_filtered_rows_audited(client_for, make_user, board):
    import io

    from openpyxl import load_workbook

    from qcity.core.choices import AuditAction
    from qcity.core.models import AuditEvent

    response = _board(client_for(make_user(Role.LEADERSHIP_OFFICE)), domain="service", export="xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert len(rows) == 2 and rows[1][2] == "新增品牌数量"
    assert float(rows[1][9]) == 21.99  # the export keeps the full value
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert "1 rows" in event.message and "domain=service" in event.message


@pytest.mark.django_db
def test_the_office_edits_the_status_rule_and_a_bad_value_is_a_400_naming_the_field(client_for, make_user, board):
    from qcity.core.models import AuditEvent
    from qcity.indicators.models import StatusRule

    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    url = reverse("indicators:status-rule")
    assert client.get(url).status_code == 200
    response = client.post(url, {"on_track_tolerance": "0.3", "at_risk_share": "0.2"})
    assert response.status_code == 400
    assert 'data-field="at_risk_share"' in response.content.decode()
    response = client.post(url, {"on_track_tolerance": "2", "at_risk_share": "0.2"})
    assert response.status_code == 400 and 'data-field="on_track_tolerance"' in response.content.decode()
    assert not StatusRule.objects.exists()
    response = client.post(url, {"on_track_tolerance": "0.1", "at_risk_share": "0.5"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(object_type="indicators.statusrule").count() == 1
    # the board now reads the new parameters: 21.99 of the 40 expected is 36 % of the way behind: at risk
    board_page = _board(client)
    assert "10%" in board_page.content.decode()
    assert {r.status for r in board_page.context["table"].data} == {"on_track", "at_risk"}


@pytest.mark.django_db
def test_only_the_office_may_open_the_status_rule_page(client_for, make_user, district):
    client = client_for(make_user(Role.DISTRICT_OFFICER, district))
    assert client.get(reverse("indicators:status-rule")).status_code == 403
    assert client.post(reverse("indicators:status-rule"),
                       {"on_track_tolerance": "0.1", "at_risk_share": "0.5"}).status_code == 403


@pytest.mark.django_db
def test_api_accepts_a_qualitative_proposal_and_names_a_bad_one(client_for, make_user):
    from qcity.indicators.models import Plan
    from qcity.indicators.services import plan_import_create

    office = make_user(Role.LEADERSHIP_OFFICE)
    record = plan_import_create(name="plan.txt", data=REVIEW_TEXT.encode(), by=office)
    client = client_for(office)
    qualitative = record.proposals[1]
    body = {"code": "qual-api", "title": "x", "period_start": 2021, "period_end": 2025, "accepted": [qualitative]}
    url = f"/api/plan-imports/{record.pk}/accept/"
    bad = client.post(url, dict(body, accepted=[dict(qualitative, qualitative="")]), content_type="application/json")
    assert bad.status_code == 400 and "accepted[1]" in bad.json()
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201
    indicator = Plan.objects.get(code="qual-api").indicators.get()
    assert (indicator.name, indicator.targets.count()) == ("质量损失率低于全国平均水平", 0)


@pytest.mark.django_db
def test_the_status_api_filters_by_domain_and_keeps_full_precision(client_for, make_user, board, city):
    _, rate, count = board
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    rows = client.get("/api/indicator-statuses/", {"plan": "board-plan", "year": 2024, "org_unit": city.pk,
                                                   "domain": "service"}).json()
    assert [(r["indicator"], r["actual"], r["expected"]) for r in rows] == [(count.pk, "21.9900", "40.0000")]
    assert client.get("/api/indicator-statuses/", {"plan": "board-plan", "year": 2024,
                                                   "domain": "nope"}).status_code == 400


@pytest.mark.django_db
def test_a_cached_status_board_page_changes_right_after_an_approval(client_for, make_user, board, district):
    from decimal import Decimal

    from qcity.indicators.services.values import reported_value_approve

    from .factories import ReportedValueFactory

    # given the office's board of the district, cached, and the district's 2024 rate waiting for approval
    _, rate, _count = board
    office = make_user(Role.LEADERSHIP_OFFICE)
    client = client_for(office)
    waiting = ReportedValueFactory(indicator=rate, org_unit=district, year=2024, value=Decimal("98.5"),
                                   status=ReportedValueStatus.REVIEWED)
    rows = {r.indicator.pk: r for r in _board(client, org_unit=district.pk).context["table"].data}
    assert rows[rate.pk].status == "no_data"
    # when the office approves it
    reported_value_approve(value=waiting, by=office)
    # then the next page shows it achieved, written in its row
    response = _board(client, org_unit=district.pk)
    rows = {r.indicator.pk: r for r in response.context["table"].data}
    assert rows[rate.pk].status == "achieved"
    assert "98.5%" in response.content.decode()


@pytest.mark.django_db
def test_status_board_without_matching_rows_says_so(client_for, make_user, board):
    html = _board(client_for(make_user(Role.LEADERSHIP_OFFICE)), q="没有这个指标").content.decode()
    assert "暂无指标" in html and 'id="status-rows-table"' in html
