"""The public's pages: filing a complaint from the form, the tracking lookup (wrong digits answer as an unknown
number, rate-limited), the settlement confirmation and the rating on the tracking page, text shown escaped."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qcity.complaints import selectors
from qcity.complaints.choices import ComplaintEventKind, ComplaintKind, ComplaintStatus, SettlementAnswer
from qcity.complaints.models import Complaint

from .factories import ComplaintEventFactory, ComplaintFactory

pytestmark = pytest.mark.django_db

NEW = reverse("complaints-public:complaint-new")
TRACK = reverse("complaints-public:complaint-track")


def form_data(**overrides):
    data = {"kind": "complaint", "person_name": "王小明", "person_phone": "13812345678",
            "respondent_name": "郑州某某超市有限公司", "respondent_address": "郑州市金水区花园路100号",
            "subject": "买到过期牛奶", "facts": "在超市购买的牛奶已过保质期。", "request": "退货退款",
            "reporter_channel": "sms", "consent": "on", "form_token": "tok-1"}
    data.update(overrides)
    return data


def track(client, number, digits, **extra):
    return client.post(TRACK, {"tracking_number": number, "phone_last4": digits, **extra})


def test_the_form_page_opens_for_anyone(client):
    response = client.get(NEW)
    assert response.status_code == 200
    assert b'name="form_token"' in response.content and "no-store" in response["Cache-Control"]


def test_filing_from_the_form_shows_the_tracking_number(client):
    response = client.post(NEW, form_data())
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.tracking_number in response.content.decode()
    assert complaint.channel == "portal" and complaint.registered_by is None


def test_a_mixed_submission_shows_two_numbers(client):
    response = client.post(NEW, form_data(kind="both"))
    numbers = list(Complaint.objects.order_by("id").values_list("tracking_number", flat=True))
    assert len(numbers) == 2 and all(n in response.content.decode() for n in numbers)


def test_the_same_form_sent_twice_registers_once_and_shows_the_same_number(client):
    first = client.post(NEW, form_data())
    second = client.post(NEW, form_data())
    number = Complaint.objects.get().tracking_number
    assert number in first.content.decode() and number in second.content.decode()


def test_bad_input_comes_back_with_the_field_named_and_nothing_stored(client):
    response = client.post(NEW, form_data(person_phone="123", consent=""))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-field="person_phone"' in body or 'data-field="consent"' in body
    assert not Complaint.objects.exists()
    response = client.post(NEW, form_data(person_phone="123"))
    assert response.status_code == 400 and 'data-field="person_phone"' in response.content.decode()


def test_a_disguised_attachment_is_refused_on_the_form(client):
    upload = SimpleUploadedFile("发票.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")
    response = client.post(NEW, form_data(attachments=upload))
    assert response.status_code == 400 and 'data-field="attachments"' in response.content.decode()
    assert not Complaint.objects.exists()


def test_tracking_with_the_right_digits_shows_status_and_public_history_only(client, make_user):
    officer = make_user(full_name="张办案")
    complaint = ComplaintFactory(tracking_number="TS2026061500000001", phone_last4="5678")
    ComplaintEventFactory(complaint=complaint, kind=ComplaintEventKind.RECEIVED, by=officer, note="网上登记")
    ComplaintEventFactory(complaint=complaint, kind=ComplaintEventKind.ROUTED, public=False, note="内部备注")
    response = track(client, "ts2026061500000001", "5678")
    body = response.content.decode()
    assert response.status_code == 200
    assert complaint.get_status_display() in body and "网上登记" in body
    assert "内部备注" not in body and "张办案" not in body and complaint.person_phone not in body


def test_wrong_digits_answer_exactly_as_an_unknown_number(client):
    ComplaintFactory(tracking_number="TS2026061500000001", phone_last4="5678")
    wrong_digits = track(client, "TS2026061500000001", "0000")
    unknown = track(client, "TS2026061599999999", "0000")
    assert wrong_digits.status_code == unknown.status_code == 404
    strip = lambda r: r.content.decode().replace("TS2026061599999999", "").replace("TS2026061500000001", "")  # noqa: E731
    token = re.compile(r"[A-Za-z0-9_-]{24,}")  # the CSRF and form tokens differ on every page
    assert token.sub("", strip(wrong_digits)) == token.sub("", strip(unknown))


def test_an_anonymous_report_without_a_phone_cannot_be_tracked(client):
    ComplaintFactory(report=True, anonymous=True, person_name="", person_phone="", phone_last4="",
                     tracking_number="TS2026061500000002")
    assert track(client, "TS2026061500000002", "").status_code == 400
    assert track(client, "TS2026061500000002", "0000").status_code == 404


def test_lookups_are_rate_limited_per_number_even_with_the_right_digits(client):
    ComplaintFactory(tracking_number="TS2026061500000001", phone_last4="5678")
    for digits in range(selectors.TRACK_FAILURES_PER_NUMBER):
        assert track(client, "TS2026061500000001", f"{digits:04d}").status_code == 404
    response = track(client, "TS2026061500000001", "5678")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_lookups_are_rate_limited_per_client_address(client):
    for n in range(selectors.TRACK_FAILURES_PER_ADDRESS):
        assert track(client, f"TS2026061500{n:06d}", "1234").status_code == 404
    assert track(client, "TS2026061599999999", "1234").status_code == 429


def test_text_typed_by_the_public_is_shown_escaped(client):
    client.post(NEW, form_data(subject="<script>alert(1)</script>", person_phone="13812345678"))
    number = Complaint.objects.get().tracking_number
    body = track(client, number, "5678").content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_complainant_confirms_the_settlement_the_enterprise_reported(client, monkeypatch):
    complaint = ComplaintFactory(tracking_number="TS2026061500000001", status=ComplaintStatus.DIRECT_SETTLEMENT,
                                 settlement_answer=SettlementAnswer.SETTLED)
    page = track(client, complaint.tracking_number, "5678").content.decode()
    assert 'id="settlement-confirm"' in page
    calls = []
    monkeypatch.setattr("qcity.complaints.views.public.settlement_confirm",
                        lambda **kw: calls.append(kw) or kw["complaint"])
    url = reverse("complaints-public:complaint-track-settlement")
    # the digits are checked again: a bare number does nothing
    assert client.post(url, {"tracking_number": complaint.tracking_number, "phone_last4": "0000",
                             "settled": "yes"}).status_code == 404
    assert not calls
    response = client.post(url, {"tracking_number": complaint.tracking_number, "phone_last4": "5678",
                                 "settled": "yes"})
    assert response.status_code == 200 and calls[0]["settled"] is True and calls[0]["complaint"] == complaint


def test_a_finished_complaint_is_rated_once_on_the_tracking_page(client):
    complaint = ComplaintFactory(tracking_number="TS2026061500000001", status=ComplaintStatus.CLOSED)
    assert 'id="rating"' in track(client, complaint.tracking_number, "5678").content.decode()
    url = reverse("complaints-public:complaint-track-rating")
    response = client.post(url, {"tracking_number": complaint.tracking_number, "phone_last4": "5678",
                                 "satisfaction": "4", "comment": "满意"})
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.satisfaction == 4 and 'id="rating"' not in response.content.decode()
    assert complaint.kind == ComplaintKind.COMPLAINT
