"""The back-office complaint list and detail page: scope per role, masking, tabs, export, downloads, query
counts."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qcity.complaints.choices import ComplaintEventKind, ComplaintStatus
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.enterprises.tests.factories import EnterpriseFactory

from .factories import ComplaintAttachmentFactory, ComplaintEventFactory, ComplaintFactory

pytestmark = pytest.mark.django_db
LIST = reverse("complaints:complaint-list")


def detail(complaint):
    return reverse("complaints:complaint-detail", args=[complaint.pk])


@pytest.fixture
def other_district(city, district):
    return city.children.exclude(pk=district.pk).first()


@pytest.fixture
def respondent(district):
    return EnterpriseFactory(org_unit=district, numbered=True)


@pytest.fixture
def city_handler(make_user):
    return make_user(Role.COMPLAINT_HANDLER, full_name="陈受理")


@pytest.fixture
def district_handler(make_user, district):
    return make_user(Role.COMPLAINT_HANDLER, org_unit=district, full_name="孙调解")


@pytest.fixture
def enterprise_user(make_user, district, respondent):
    return make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=respondent)


@pytest.fixture
def complaints(district, other_district, respondent):
    """In the district against the respondent: a complaint and a report; elsewhere one; one in triage."""
    return {
        "mine": ComplaintFactory(org_unit=district, respondent=respondent, respondent_name=respondent.name,
                                 subject="牛奶过期"),
        "report": ComplaintFactory(org_unit=district, respondent=respondent, report=True, subject="无证经营"),
        "elsewhere": ComplaintFactory(org_unit=other_district, subject="外区投诉"),
        "triage": ComplaintFactory(org_unit=None, status=ComplaintStatus.TRIAGE, subject="地址不明"),
    }


def _rows(response) -> set[str]:
    return {row.record.subject for row in response.context["table"].page.object_list}


# --- scope ------------------------------------------------------------------------------------------------


def test_district_handler_sees_only_its_unit_and_no_triage_tab(client_for, district_handler, complaints):
    # when the district handler opens the list
    response = client_for(district_handler).get(LIST)
    # then only its unit's complaints and reports, and no triage tab
    assert response.status_code == 200
    assert _rows(response) == {"牛奶过期", "无证经营"}
    assert 'id="tab-triage"' not in response.content.decode()


def test_city_handler_sees_everything_and_the_triage_queue(client_for, city_handler, complaints):
    client = client_for(city_handler)
    assert _rows(client.get(LIST)) == {"牛奶过期", "无证经营", "外区投诉", "地址不明"}
    response = client.get(LIST, {"triage": "yes"})
    assert _rows(response) == {"地址不明"} and response.context["tab"] == "triage"
    assert "待分派" in response.content.decode()


def test_enterprise_sees_only_its_complaints_never_reports(client_for, enterprise_user, complaints):
    client = client_for(enterprise_user)
    response = client.get(LIST)
    assert _rows(response) == {"牛奶过期"}
    assert client.get(detail(complaints["report"])).status_code == 404
    assert client.get(detail(complaints["elsewhere"])).status_code == 404


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.DEPARTMENT_REPORTER, None])
def test_other_roles_are_refused(client_for, make_user, district, complaints, role):
    client = client_for(make_user(role, org_unit=district))
    assert client.get(LIST).status_code == 403
    assert client.get(detail(complaints["mine"])).status_code == 403


def test_mine_tab_lists_the_complaints_the_user_handles(client_for, district_handler, complaints):
    complaints["report"].handler = district_handler
    complaints["report"].save()
    response = client_for(district_handler).get(LIST, {"mine": "yes"})
    assert _rows(response) == {"无证经营"} and response.context["tab"] == "mine"


def test_overdue_tab_lists_complaints_past_their_current_deadline(client_for, district_handler, complaints, today):
    late, running = complaints["mine"], complaints["report"]
    late.acceptance_deadline = today - datetime.timedelta(days=1)
    late.save()
    running.acceptance_deadline = today + datetime.timedelta(days=3)
    running.save()
    response = client_for(district_handler).get(LIST, {"overdue": "yes"})
    assert _rows(response) == {"牛奶过期"}
    assert "逾期1个工作日" in response.content.decode()


def test_page_ignores_a_bad_filter_value(client_for, city_handler, complaints):
    response = client_for(city_handler).get(LIST, {"status": "nonsense", "received_from": "not-a-date"})
    assert response.status_code == 200 and len(_rows(response)) == 4


def test_filters_narrow_the_list(client_for, city_handler, complaints, district):
    client = client_for(city_handler)
    assert _rows(client.get(LIST, {"q": "牛奶"})) == {"牛奶过期"}
    assert _rows(client.get(LIST, {"q": complaints["elsewhere"].tracking_number})) == {"外区投诉"}
    assert _rows(client.get(LIST, {"kind": "report_tip"})) == {"无证经营"}
    assert _rows(client.get(LIST, {"org_unit": district.pk})) == {"牛奶过期", "无证经营"}


def test_htmx_gets_the_table_partial(client_for, city_handler, complaints):
    response = client_for(city_handler).get(LIST, {"kind": "complaint"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and 'id="complaint-table"' in page and "<html" not in page


# --- masking ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["city_handler", "district_handler", "enterprise_user"])
def test_list_shows_the_person_masked_to_every_role(client_for, request, complaints, who):
    page = client_for(request.getfixturevalue(who)).get(LIST).content.decode()
    assert "王*明" in page and "王小明" not in page and "13812345678" not in page


def test_detail_shows_the_full_person_to_the_handler(client_for, district_handler, complaints):
    page = client_for(district_handler).get(detail(complaints["mine"])).content.decode()
    assert "王小明" in page and "13812345678" in page and "410105199001011234" in page


def test_detail_masks_the_person_for_the_enterprise_and_hides_evidence(client_for, enterprise_user, complaints):
    complaint = complaints["mine"]
    ComplaintAttachmentFactory(complaint=complaint)
    ComplaintEventFactory(complaint=complaint, kind=ComplaintEventKind.ACCEPTED, note="内部说明", public=False)
    page = client_for(enterprise_user).get(detail(complaint)).content.decode()
    assert "王*明" in page and "138****5678" in page
    assert "王小明" not in page and "13812345678" not in page and "410105199001011234" not in page
    assert 'id="complaint-attachments"' not in page and "内部说明" not in page


def test_respondent_reads_the_facts_masked_and_no_investigation(client_for, enterprise_user, complaints, today):
    # given a complaint whose facts carry the complainant's phone and name, with a violation clue under check
    complaint = complaints["mine"]
    complaint.facts = "本人王小明，电话13812345678，在店内买到过期牛奶。"
    complaint.clue_found_on = today
    complaint.clue_verification_deadline = today + datetime.timedelta(days=21)
    complaint.routing_note = "内部分派说明"
    complaint.save()
    # when the respondent's user opens it on the page and through the API
    client = client_for(enterprise_user)
    page = client.get(detail(complaint)).content.decode()
    body = client.get(f"/api/complaints/{complaint.pk}/").json()
    # then the facts are masked, and nothing tells it of the clue or the officers' notes
    assert "过期牛奶" in page and "13812345678" not in page and "王小明" not in page
    assert "线索核查期限" not in page and "内部分派说明" not in page
    assert "13812345678" not in body["facts"] and "王小明" not in body["facts"]
    assert "clue_verification_deadline" not in body and "routing_note" not in body and "source_ref" not in body


def test_handler_reads_the_facts_as_typed(client_for, district_handler, complaints):
    complaint = complaints["mine"]
    complaint.facts = "本人王小明，电话13812345678。"
    complaint.save()
    body = client_for(district_handler).get(f"/api/complaints/{complaint.pk}/").json()
    assert body["facts"] == "本人王小明，电话13812345678。" and "routing_note" in body


def test_anonymous_report_shows_anonymous(client_for, district_handler, district):
    report = ComplaintFactory(org_unit=district, report=True, anonymous=True, person_name="", person_phone="",
                              person_id_number="", person_address="")
    page = client_for(district_handler).get(detail(report)).content.decode()
    assert 'id="person-anonymous"' in page and "匿名" in page


# --- detail -----------------------------------------------------------------------------------------------


def test_detail_shows_history_with_transfer_units_deadlines_and_evidence(
        client_for, district_handler, complaints, district, other_district, today, django_assert_max_num_queries):
    complaint = complaints["mine"]
    complaint.acceptance_deadline = today + datetime.timedelta(days=7)
    complaint.acceptance_deadline_provisional_year = 2027
    complaint.save()
    ComplaintEventFactory(complaint=complaint)
    ComplaintEventFactory(complaint=complaint, kind=ComplaintEventKind.TRANSFERRED, from_unit=other_district,
                          to_unit=district, note="属地移送")
    attachment = ComplaintAttachmentFactory(complaint=complaint)
    client = client_for(district_handler)
    client.get(LIST)  # warm the session and the menu's caches
    with django_assert_max_num_queries(25):
        response = client.get(detail(complaint))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{other_district.name} → {district.name}" in page and "属地移送" in page
    assert "受理决定期限" in page and "暂定" in page and "个工作日" in page
    assert reverse("complaints:attachment-download", args=[attachment.pk]) in page
    download = client.get(reverse("complaints:attachment-download", args=[attachment.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_evidence_download_is_refused_outside_the_handling_scope(client_for, make_user, other_district,
                                                                  enterprise_user, complaints):
    attachment = ComplaintAttachmentFactory(complaint=complaints["mine"])
    url = reverse("complaints:attachment-download", args=[attachment.pk])
    assert client_for(make_user(Role.COMPLAINT_HANDLER, org_unit=other_district)).get(url).status_code == 404
    assert client_for(enterprise_user).get(url).status_code == 403


def test_credit_file_link_only_for_market_officers(client_for, make_user, district, district_handler, complaints):
    complaint = complaints["mine"]
    link = reverse("credit:file", args=[complaint.respondent_id])
    assert link not in client_for(district_handler).get(detail(complaint)).content.decode()
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    assert link in client_for(officer).get(detail(complaint)).content.decode()


# --- export and query counts ------------------------------------------------------------------------------


def test_export_is_masked_and_audited(client_for, district_handler, complaints):
    response = client_for(district_handler).get(LIST, {"export": "xlsx", "kind": "complaint"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == complaints["mine"].tracking_number
    flat = " ".join(str(cell) for row in rows for cell in row)
    assert "王*明" in flat and "138****5678" in flat and "王小明" not in flat and "13812345678" not in flat
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor_name and "kind=complaint" in event.message and "1 rows" in event.message


def test_list_query_count_does_not_grow_with_rows(client_for, city_handler, district,
                                                  django_assert_max_num_queries):
    client = client_for(city_handler)
    ComplaintFactory.create_batch(3, org_unit=district)
    client.get(LIST)
    with django_assert_max_num_queries(20) as few:
        client.get(LIST)
    ComplaintFactory.create_batch(20, org_unit=district)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)


def test_handler_home_page_renders_with_complaints_and_the_menu_entry(client_for, city_handler, complaints, today):
    complaints["mine"].acceptance_deadline = today
    complaints["mine"].save()
    response = client_for(city_handler).get(reverse("home"))
    assert response.status_code == 200
    assert f'href="{LIST}"' in response.content.decode()


def test_list_sorts_on_the_current_deadline(client_for, city_handler, district, today):
    # given two complaints whose acceptance decisions fall due on different days
    later = ComplaintFactory(org_unit=district, subject="后到期", acceptance_deadline=today + datetime.timedelta(days=5))
    sooner = ComplaintFactory(org_unit=district, subject="先到期", acceptance_deadline=today + datetime.timedelta(days=1))
    # when the list is sorted on the deadline column (and on a computed column, which is ignored)
    response = client_for(city_handler).get(LIST, {"sort": ["current_deadline", "person"]})
    # then the nearest deadline comes first
    assert [row.record.pk for row in response.context["table"].page.object_list] == [sooner.pk, later.pk]
