"""Intake (services/intake.py): validation by field, the split of a mixed submission, the respondent lookup,
repeats that create nothing, attachments checked by content, all or nothing."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from qcity.complaints import classification
from qcity.complaints.choices import ComplaintChannel, ComplaintEventKind, ComplaintKind, ReporterChannel
from qcity.complaints.models import Complaint, ComplaintAttachment, ComplaintCategory, ProblemType
from qcity.complaints.services import intake
from qcity.complaints.services.intake import complaint_submit, normalize_phone
from qcity.core.choices import Role
from qcity.credit.demo import placeholder_pdf
from qcity.enterprises.tests.factories import EnterpriseFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64

pytestmark = pytest.mark.django_db


def submit(**overrides):
    """A complaint filed on the public form, with every required field."""
    values = dict(kind=ComplaintKind.COMPLAINT, channel=ComplaintChannel.PORTAL, person_name="王小明",
                  person_phone="138 1234 5678", respondent_name="郑州某某超市有限公司", subject="买到过期牛奶",
                  facts="在超市购买的牛奶已过保质期。", request="退货退款", by=None)
    values.update(overrides)
    return complaint_submit(**values)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "complaints"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_complaint_gets_a_random_tracking_number_and_a_public_receipt_event(today):
    # when the public files a complaint
    [complaint] = submit()
    # then it is stored with its tracking number, the last four phone digits and the acceptance clock
    assert complaint.tracking_number.startswith(f"TS{today:%Y%m%d}") and len(complaint.tracking_number) == 18
    assert complaint.person_phone == "13812345678" and complaint.phone_last4 == "5678"
    assert complaint.received_on == today == complaint.acceptance_clock_from
    assert complaint.acceptance_deadline is not None
    assert complaint.registered_by is None
    # and its history starts with the (public) receipt
    received = complaint.events.get(kind=ComplaintEventKind.RECEIVED)
    assert received.public and received.by is None


def test_a_mixed_submission_becomes_a_complaint_and_a_report_split_from_it():
    rows = submit(kind="both")
    assert [row.kind for row in rows] == [ComplaintKind.COMPLAINT, ComplaintKind.REPORT_TIP]
    complaint, report = rows
    assert report.split_from == complaint and complaint.tracking_number != report.tracking_number
    for row, other in ((complaint, report), (report, complaint)):
        split = row.events.get(kind=ComplaintEventKind.SPLIT)
        assert other.tracking_number in split.note
        assert not split.public  # the respondent reads the complaint's history: it must not learn of the report


def test_the_respondent_is_found_by_credit_code_else_by_a_unique_exact_name(district):
    by_code = EnterpriseFactory(name="郑州甲有限公司", org_unit=district)
    by_name = EnterpriseFactory(name="郑州乙有限公司", org_unit=district)
    EnterpriseFactory.create_batch(2, name="郑州同名有限公司", org_unit=district)
    assert submit(respondent_uscc=by_code.uscc, respondent_name="随便写的名字")[0].respondent == by_code
    assert submit(respondent_name="郑州乙有限公司")[0].respondent == by_name
    # two enterprises bear the name: left unlinked, routing places it by the address
    assert submit(respondent_name="郑州同名有限公司")[0].respondent is None


@pytest.mark.parametrize(("overrides", "field"), [
    ({"kind": "petition"}, "kind"),
    ({"person_name": " "}, "person_name"),
    ({"person_phone": ""}, "person_phone"),
    ({"person_phone": "12345"}, "person_phone"),
    ({"person_id_number": "410105199001011235"}, "person_id_number"),
    ({"respondent_uscc": "91410100MA00000000"}, "respondent_uscc"),
    ({"respondent_name": ""}, "respondent_name"),
    ({"subject": "字" * 101}, "subject"),
    ({"facts": ""}, "facts"),
    ({"amount": Decimal("-1")}, "amount"),
    ({"amount": "12.345"}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({"harm_known_on": datetime.date(2099, 1, 1)}, "harm_known_on"),
    ({"anonymous": True}, "anonymous"),
    ({"kind": "both", "anonymous": True}, "anonymous"),
    ({"channel": ComplaintChannel.HOTLINE}, "channel"),  # only an officer transcribes a hotline call
    ({"reporter_channel": "pigeon"}, "reporter_channel"),
    ({"source_ref": "x" * 65}, "source_ref"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        submit(**overrides)
    assert field in errors_of(excinfo)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(("typed", "stored"), [
    ("+86 138-1234-5678", "13812345678"), ("0371-67891234", "0371-67891234"), ("(010)12345678", "010-12345678"),
    ("037167891234", "0371-67891234"),
])
def test_phones_are_stored_in_one_form(typed, stored):
    assert normalize_phone(typed) == stored


def test_an_anonymous_report_keeps_nothing_of_the_person_but_a_phone_for_tracking():
    [report] = submit(kind=ComplaintKind.REPORT_TIP, anonymous=True, person_name="不想留名", person_phone="",
                      person_address="某地")
    assert report.anonymous and report.person_name == "" and report.person_address == ""
    assert report.phone_last4 == "" and report.reporter_channel == ReporterChannel.NONE
    [tracked] = submit(kind=ComplaintKind.REPORT_TIP, anonymous=True, person_phone="13900001111")
    assert tracked.phone_last4 == "1111" and tracked.person_phone == ""


def test_text_is_stored_as_typed_less_control_characters():
    [complaint] = submit(subject="<b>坏\x00牛奶</b>\u202e", facts="第一行\r\n第二行\x07")
    assert complaint.subject == "<b>坏牛奶</b>"
    assert complaint.facts == "第一行\n第二行"


def test_the_same_national_work_order_returns_the_rows_it_created(make_user):
    handler = make_user(Role.COMPLAINT_HANDLER)
    first = submit(kind="both", channel=ComplaintChannel.NATIONAL_PLATFORM, source_ref="GD-2026-1", by=handler)
    again = submit(kind="both", channel=ComplaintChannel.NATIONAL_PLATFORM, source_ref="GD-2026-1", by=handler)
    assert first.created and not again.created
    assert [row.pk for row in again] == [row.pk for row in first]
    assert Complaint.objects.count() == 2


def test_a_form_sent_twice_is_registered_once():
    first = submit(form_token="token-abc")
    again = submit(form_token="token-abc")
    assert not again.created and [row.pk for row in again] == [row.pk for row in first]
    assert Complaint.objects.count() == 1


def test_only_complaint_handlers_register_for_others(make_user, district):
    with pytest.raises(PermissionDenied):
        submit(channel=ComplaintChannel.HOTLINE, by=make_user(Role.ENTERPRISE_USER, district))
    [complaint] = submit(channel=ComplaintChannel.HOTLINE, by=(handler := make_user(Role.COMPLAINT_HANDLER)))
    assert complaint.registered_by == handler


def test_each_row_of_a_split_keeps_its_own_copy_of_the_attachments():
    rows = submit(kind="both", attachments=[placeholder_pdf("发票.pdf"), ContentFile(PNG, name="照片.png")])
    for row in rows:
        assert [a.original_name for a in row.attachments.all()] == ["发票.pdf", "照片.png"]
    first, second = (row.attachments.first() for row in rows)
    assert first.file.name != second.file.name and first.file.read() == second.file.read()


@pytest.mark.parametrize("upload", [
    ContentFile(EXE, name="发票.pdf"),  # an executable renamed .pdf
    ContentFile(PNG, name="照片.html"),
    ContentFile(b"", name="空.pdf"),
])
def test_a_disguised_or_unaccepted_file_is_refused_naming_attachments(upload):
    with pytest.raises(ValidationError) as excinfo:
        submit(attachments=[upload])
    assert "attachments" in errors_of(excinfo)
    assert not Complaint.objects.exists()


def test_at_most_five_files():
    with pytest.raises(ValidationError) as excinfo:
        submit(attachments=[ContentFile(PNG, name=f"{i}.png") for i in range(6)])
    assert "attachments" in errors_of(excinfo)


def test_a_failure_after_the_files_were_written_leaves_no_row_and_no_file(monkeypatch):
    before = stored_files()

    def broken_route(complaint, before, *, by):
        raise RuntimeError("routing failed")

    monkeypatch.setattr(intake, "complaint_routed_steps", broken_route)
    with pytest.raises(RuntimeError):
        submit(kind="both", attachments=[placeholder_pdf("发票.pdf")])
    assert not Complaint.objects.exists() and not ComplaintAttachment.objects.exists()
    assert stored_files() == before


def test_the_suggested_classification_is_the_first_active_code(monkeypatch):
    ComplaintCategory.objects.create(code="test-old", name="旧类", group="goods", active=False)
    food = ComplaintCategory.objects.create(code="test-food", name="测试食品", group="goods")
    quality = ProblemType.objects.create(code="test-quality", name="测试质量")
    monkeypatch.setattr(classification, "suggest_many", lambda texts: [
        classification.Suggestion(("test-old", "test-food"), ("unknown", "test-quality")) for _text in texts])
    [complaint] = submit()
    assert complaint.suggested_category == food and complaint.suggested_problem_type == quality


def test_a_twin_that_got_there_first_is_returned_instead_of_a_second_row(monkeypatch):
    # given the first submission was saved while this one was being checked
    first = submit(form_token="twin")
    files_before = stored_files()
    original, calls = intake._existing, []

    def not_yet(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else original(**kwargs)

    monkeypatch.setattr(intake, "_existing", not_yet)
    # when the twin is inserted, the unique token refuses it
    again = submit(form_token="twin", attachments=[placeholder_pdf("发票.pdf")])
    # then the first submission's rows are the answer, and the twin's file is gone
    assert not again.created and [row.pk for row in again] == [row.pk for row in first]
    assert Complaint.objects.count() == 1 and not ComplaintAttachment.objects.exists()
    assert stored_files() == files_before


def work_order(number: int, **overrides) -> dict:
    values = dict(source_ref=f"GD-B-{number}", kind=ComplaintKind.COMPLAINT, person_name="王小明",
                  person_phone="13812345678", respondent_name="郑州某某超市有限公司", subject="买到过期牛奶",
                  facts="在超市购买的牛奶已过保质期。", respondent_address="郑州市金水区花园路100号")
    values.update(overrides)
    return values


def submit_batch(work_orders, by):
    return intake.complaints_submit_batch(work_orders=work_orders, channel=ComplaintChannel.NATIONAL_PLATFORM,
                                          by=by)


def test_a_batch_registers_each_work_order_as_a_single_submission_would(make_user):
    handler = make_user(Role.COMPLAINT_HANDLER)
    batch = submit_batch([work_order(1), work_order(2, kind="both"), work_order(3, kind="report_tip",
                                                                                  anonymous=True)], handler)
    assert [len(rows) for rows in batch] == [1, 2, 1] and all(rows.created for rows in batch)
    single = submit(channel=ComplaintChannel.NATIONAL_PLATFORM, source_ref="GD-S-1", by=handler,
                    respondent_address="郑州市金水区花园路100号", person_phone="13812345678")
    first = batch[0][0]
    for field in ("status", "org_unit_id", "routing_method", "suggested_category_id", "acceptance_deadline"):
        assert getattr(first, field) == getattr(single[0], field), field
    assert batch[1][1].split_from == batch[1][0]
    assert first.events.filter(kind=ComplaintEventKind.RECEIVED).exists()
    assert first.events.filter(kind=ComplaintEventKind.ROUTED).exists()


def test_one_bad_work_order_refuses_the_whole_batch_naming_its_index(make_user):
    handler = make_user(Role.COMPLAINT_HANDLER)
    with pytest.raises(ValidationError) as refused:
        submit_batch([work_order(1), work_order(2, person_phone="123"), work_order(3, kind="petition")], handler)
    assert set(errors_of(refused)) == {"work_orders[1].person_phone", "work_orders[2].kind"}
    assert not Complaint.objects.exists()


def test_a_resent_batch_creates_nothing_and_returns_the_first_rows(make_user):
    handler = make_user(Role.COMPLAINT_HANDLER)
    first = submit_batch([work_order(1), work_order(2, kind="both")], handler)
    again = submit_batch([work_order(1), work_order(2, kind="both")], handler)
    assert not any(rows.created for rows in again)
    assert [[r.pk for r in rows] for rows in again] == [[r.pk for r in rows] for rows in first]
    partly = submit_batch([work_order(2, kind="both"), work_order(3)], handler)
    assert [rows.created for rows in partly] == [False, True]
    assert Complaint.objects.count() == 4


def test_a_batch_over_the_limit_empty_or_repeating_a_number_is_refused(make_user):
    handler = make_user(Role.COMPLAINT_HANDLER)
    for work_orders in ([work_order(i) for i in range(intake.BATCH_MAX + 1)], []):
        with pytest.raises(ValidationError) as refused:
            submit_batch(work_orders, handler)
        assert set(errors_of(refused)) == {"work_orders"}
    with pytest.raises(ValidationError) as refused:
        submit_batch([work_order(1), work_order(1)], handler)
    assert set(errors_of(refused)) == {"work_orders[1].source_ref"}
    assert not Complaint.objects.exists()


def test_the_batch_suggests_as_one_text_at_a_time():
    texts = ["买到过期牛奶，超市拒绝退货", "", "🙂🙂", "手机屏幕碎了，商家不给保修"]
    assert classification.suggest_many(texts) == [classification.suggest(text) for text in texts]


def test_a_tracking_number_drawn_twice_in_a_batch_is_drawn_again(make_user, monkeypatch):
    handler = make_user(Role.COMPLAINT_HANDLER)
    numbers = iter(["TS2026060100000001", "TS2026060100000001", "TS2026060100000002", "TS2026060100000003"])
    monkeypatch.setattr(intake, "tracking_number_new", lambda on: next(numbers))
    batch = submit_batch([work_order(1), work_order(2)], handler)
    assert [rows[0].tracking_number for rows in batch] == ["TS2026060100000002", "TS2026060100000003"]
    assert Complaint.objects.count() == 2
