"""Publishing a credit event: personal data stays out of the public summary (blocked, allowed, a legal
representative's name confirmed and audited), the public file shows the public summary only, old rows are
masked by the migration, every penalty date has a publication rule (or, before any, is recorded unpublished
with the reason), and a decision number is recorded once."""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from qcity.core.choices import Role
from qcity.core.models import AuditEvent
from qcity.credit.models import CreditEvent
from qcity.credit.selectors import credit_public_personal_data_hits
from qcity.credit.services import (
    credit_event_publish_item,
    credit_event_record,
    credit_repair_apply,
    serious_list_enter,
)
from qcity.enterprises.tests.factories import EnterpriseFactory

from .factories import CreditEventFactory, repair_documents

pytestmark = pytest.mark.django_db

ID = "410105198801012341"
RAW = f"当事人陆英林（身份证号{ID}，联系电话13812345678）销售不合格产品，罚款50000元"
CLEAN = "郑市监罚〔2026〕12号：销售不合格产品，责令改正并处罚款50000元"


@pytest.fixture
def enterprise(district):
    return EnterpriseFactory(org_unit=district, legal_representative="陆英林",
                              established_on=datetime.date(2016, 1, 1))


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.INSPECTOR, org_unit=district)


def _penalty(enterprise, today, **kw):
    kw.setdefault("summary", RAW)
    return credit_event_record(enterprise=enterprise, kind="administrative_penalty",
                               occurred_on=kw.pop("occurred_on", today - datetime.timedelta(days=5)),
                               source_authority="金水区市场监督管理局", by=None, today=today, **kw)


# --- the service -------------------------------------------------------------------------------------


def test_publication_is_refused_while_the_public_summary_holds_personal_data(enterprise, today):
    # given a penalty recorded with the raw summary as its draft public summary
    event = _penalty(enterprise, today)
    assert event.public_summary == RAW and event.status == "recorded"
    # when it is published as it is
    with pytest.raises(ValidationError) as refused:
        credit_event_publish_item(event=event, published_on=today, by=None, today=today)
    # then it is refused on public_summary, naming what was found, masked
    message = refused.value.message_dict["public_summary"][0]
    assert "身份证号 4101**********2341" in message and "手机号 138****5678" in message and "陆*林" in message
    assert ID not in message and "13812345678" not in message
    event.refresh_from_db()
    assert event.status == "recorded" and event.published_on is None


def test_publication_with_a_fixed_public_summary_is_allowed(enterprise, today):
    event = _penalty(enterprise, today)
    published = credit_event_publish_item(event=event, published_on=today, by=None, today=today, public_summary=CLEAN)
    assert published.status == "published" and published.public_summary == CLEAN and published.confirmed_names == []
    assert published.summary == RAW  # the officers' record is kept as it is


def test_legal_representative_name_can_be_confirmed_and_is_audited(enterprise, today, make_user, district):
    officer = make_user(Role.INSPECTOR, org_unit=district)
    event = _penalty(enterprise, today, public_summary="当事人郑州测试食品有限公司（法定代表人陆英林）销售不合格产品")
    # when the officer confirms the legal representative's name
    published = credit_event_publish_item(event=event, published_on=today, by=officer, today=today,
                                          confirm_names=["陆英林"])
    # then it is published with the name as written, stored on the event and audited
    assert published.status == "published" and published.confirmed_names == ["陆英林"]
    audit = AuditEvent.objects.filter(object_type="credit.creditevent", object_id=str(event.pk)).order_by("-id")[0]
    assert "confirmed for publication" in audit.message and audit.after["confirmed_names"] == ["陆英林"]


def test_an_id_number_or_phone_can_never_be_confirmed(enterprise, today):
    event = _penalty(enterprise, today)
    with pytest.raises(ValidationError) as refused:
        credit_event_publish_item(event=event, published_on=today, by=None, today=today, confirm_names=["陆英林"])
    assert "身份证号" in refused.value.message_dict["public_summary"][0]
    with pytest.raises(ValidationError) as refused:
        credit_event_publish_item(event=event, published_on=today, by=None, today=today, confirm_names=[ID])
    assert "confirm_names" in refused.value.message_dict


def test_only_a_penalised_enterprise_legal_representative_can_be_confirmed(enterprise, today):
    complaint = credit_event_record(enterprise=enterprise, kind="substantiated_complaint", occurred_on=today,
                                    source_authority="局", summary="投诉人王小红反映商品质量问题，经核查属实",
                                    by=None, today=today)
    for names in (["王小红"], ["陆英林"]):
        with pytest.raises(ValidationError) as refused:
            credit_event_publish_item(event=complaint, published_on=today, by=None, today=today, confirm_names=names)
        assert "confirm_names" in refused.value.message_dict


def test_recording_an_event_as_already_published_runs_the_same_check(enterprise, today):
    with pytest.raises(ValidationError) as refused:
        _penalty(enterprise, today, published_on=today)
    assert "public_summary" in refused.value.message_dict
    assert _penalty(enterprise, today, public_summary=CLEAN, published_on=today).status == "published"


def test_bulk_loaded_events_are_published_masked(enterprise, today):
    from qcity.credit.services import credit_events_load

    credit_events_load(rows=[{"enterprise_id": enterprise.pk, "kind": "administrative_penalty",
                              "occurred_on": today, "source_authority": "局", "summary": RAW, "published_on": today}],
                       by=None, note="test")
    event = CreditEvent.objects.get()
    assert ID not in event.public_summary and "陆*林" in event.public_summary and event.summary == RAW


# --- what the public sees ----------------------------------------------------------------------------


def test_public_page_and_api_never_show_the_summary_or_raw_personal_data(client, enterprise, today):
    # given a published penalty (clean public summary, raw internal summary) and an old row published raw
    _penalty(enterprise, today, public_summary=CLEAN, published_on=today, decision_number="郑市监罚〔2026〕12号")
    old = credit_event_record(enterprise=enterprise, kind="certification", occurred_on=today, source_authority="局",
                              summary="通过认证", published_on=today, by=None, today=today)
    CreditEvent.objects.filter(pk=old.pk).update(public_summary=RAW)
    # when the public reads the page and the API
    html = client.get(f"/public/credit/{enterprise.uscc}/").content.decode()
    api = client.get(f"/api/public/credit-files/{enterprise.uscc}/").content.decode()
    # then no ID number, phone or unconfirmed name, and the internal summary never
    for body in (html, api):
        assert ID not in body and "13812345678" not in body and "陆英林" not in body
        assert "4101**********2341" in body and "138****5678" in body and "陆*林" in body
        assert "销售不合格产品，责令改正并处罚款50000元" in body and "郑市监罚〔2026〕12号" in body
    # and the check over the public files finds the old row (and only it)
    hits = credit_public_personal_data_hits(today=today)
    assert [(uscc, pk) for uscc, pk, _f in hits] == [(enterprise.uscc, old.pk)]
    assert sorted(f.kind for f in hits[0][2]) == ["id_number", "mobile", "name"]


def test_fill_migration_masks_published_rows_and_drafts_the_others(enterprise, today):
    published = _penalty(enterprise, today, public_summary=CLEAN, published_on=today)
    recorded = _penalty(enterprise, today, summary="当事人陆英林 未公示")
    CreditEvent.objects.filter(pk=published.pk).update(summary=RAW, public_summary="")
    CreditEvent.objects.filter(pk=recorded.pk).update(public_summary="")
    migration = importlib.import_module("qcity.credit.migrations.0004_fill_public_summary")
    migration.fill(django_apps, None)
    published.refresh_from_db()
    recorded.refresh_from_db()
    assert published.public_summary == ("当事人陆*林（身份证号4101**********2341，联系电话138****5678）"
                                        "销售不合格产品，罚款50000元")
    assert recorded.public_summary == "当事人陆英林 未公示"  # a draft: publication checks it
    assert credit_public_personal_data_hits(today=today) == []


# --- the page and the API ----------------------------------------------------------------------------


def test_page_refusal_shows_the_form_with_the_error_then_confirmation_publishes(client_for, officer, enterprise,
                                                                                today):
    event = _penalty(enterprise, today, public_summary="当事人郑州测试食品有限公司，法定代表人陆英林")
    client = client_for(officer)
    assert client.get(f"/credit/events/{event.pk}/publish/").status_code == 200
    refused = client.post(f"/credit/events/{event.pk}/publish/", {"published_on": str(today)})
    page = refused.content.decode()
    assert refused.status_code == 400 and 'id="public_summary-error"' in page and "法定代表人姓名依法需要公示" in page
    done = client.post(f"/credit/events/{event.pk}/publish/",
                       {"published_on": str(today), "confirm_legal_representative": "on"})
    assert done.status_code == 302
    event.refresh_from_db()
    assert event.status == "published" and event.confirmed_names == ["陆英林"]


def test_api_publish_is_400_on_public_summary_and_can_be_fixed(api_for, officer, enterprise, today):
    event = _penalty(enterprise, today)
    api = api_for(officer)
    response = api.post(f"/api/credit-events/{event.pk}/publish/", {"published_on": str(today)}, format="json")
    assert response.status_code == 400 and "public_summary" in response.json()
    assert ID not in response.content.decode()
    response = api.post(f"/api/credit-events/{event.pk}/publish/",
                        {"published_on": str(today), "public_summary": CLEAN}, format="json")
    assert response.status_code == 200 and response.json()["public_summary"] == CLEAN


# --- penalty publication for every date (finding 4) ------------------------------------------------------


def test_penalty_before_order_45_follows_the_2014_rules(api_for, officer, enterprise, today):
    api = api_for(officer)
    response = api.post("/api/credit-events/", {
        "enterprise": enterprise.pk, "kind": "administrative_penalty", "occurred_on": "2019-05-10",
        "source_authority": "金水区工商行政管理局", "summary": "销售不合格产品，罚款", "published_on": "2019-05-20"},
        format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["publication_due_on"] is not None and body["publication_ends_on"] == "2024-05-20"  # 5 years
    assert api.get("/api/credit-events/").status_code == 200


def test_penalty_before_any_publication_rule_is_recorded_not_published_with_the_reason(
        api_for, client, client_for, officer, enterprise, today):
    # given a back-entry of a penalty decided in 2013, before the first publication rule (2014-10-01)
    api = api_for(officer)
    body = {"enterprise": enterprise.pk, "kind": "administrative_penalty", "occurred_on": "2013-05-10",
            "source_authority": "金水区工商行政管理局", "summary": "销售不合格产品，罚款5000元"}
    # when it is recorded as published, it is refused on published_on, saying why
    refused = api.post("/api/credit-events/", {**body, "published_on": "2015-01-05"}, format="json")
    assert refused.status_code == 400 and "尚无信息公示规定" in str(refused.json()["published_on"])
    # when it is recorded: kept in the file, unpublished, with no deadline and the reason (audited)
    response = api.post("/api/credit-events/", body, format="json")
    assert response.status_code == 201, response.content
    event = response.json()
    assert event["status"] == "recorded" and event["publication_due_on"] is None
    assert not event["is_publication_overdue"] and "2013-05-10" in event["not_published_reason"]
    audit = AuditEvent.objects.filter(object_type="credit.creditevent", object_id=str(event["id"])).latest("id")
    assert "not published: formed before any publication rule" in audit.message
    # then publishing it is refused on published_on with the reason, and it stays unpublished
    publish = api.post(f"/api/credit-events/{event['id']}/publish/",
                       {"published_on": str(today), "public_summary": CLEAN}, format="json")
    assert publish.status_code == 400 and "尚无信息公示规定" in str(publish.json()["published_on"])
    assert CreditEvent.objects.get(pk=event["id"]).status == "recorded"
    # the officer's file shows why (and no publish button); the public file does not show it
    page = client_for(officer).get(f"/credit/files/{enterprise.pk}/").content.decode()
    assert 'class="qc-muted not-published-reason"' in page and 'class="d-inline-flex gap-1 publish-form"' not in page
    for public in (client.get(f"/public/credit/{enterprise.uscc}/"),
                   client.get(f"/api/public/credit-files/{enterprise.uscc}/")):
        assert public.status_code == 200 and "罚款5000元" not in public.content.decode()


# --- natural duplicates (finding 7) ----------------------------------------------------------------------


def test_the_same_decision_number_for_the_same_enterprise_is_400(api_for, client_for, officer, enterprise, district,
                                                                   today):
    body = {"enterprise": enterprise.pk, "kind": "administrative_penalty", "occurred_on": str(today),
            "source_authority": "局", "summary": "罚款", "decision_number": "郑市监罚〔2026〕12号"}
    api = api_for(officer)
    assert api.post("/api/credit-events/", body, format="json").status_code == 201
    again = api.post("/api/credit-events/", body, format="json")
    assert again.status_code == 400 and "decision_number" in again.json()
    page = client_for(officer).post(f"/credit/files/{enterprise.pk}/events/new/", {
        k: v for k, v in body.items() if k != "enterprise"})
    assert page.status_code == 400 and "郑市监罚〔2026〕12号" in page.content.decode()
    other = EnterpriseFactory(org_unit=district, name="另一企业有限公司")
    assert api.post("/api/credit-events/", {**body, "enterprise": other.pk}, format="json").status_code == 201
    assert api.post("/api/credit-events/", {**body, "decision_number": ""}, format="json").status_code == 201
    assert api.post("/api/credit-events/", {**body, "decision_number": ""}, format="json").status_code == 201


def test_the_database_refuses_a_duplicate_decision_number(enterprise, today):
    _penalty(enterprise, today, decision_number="金水市监罚〔2026〕7号")
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditEventFactory(enterprise=enterprise, kind="administrative_penalty", occurred_on=today,
                           source_authority="局", summary="x", decision_number="金水市监罚〔2026〕7号")


def test_a_list_entry_or_repair_before_its_rule_is_400_not_500(enterprise, time_machine):
    # given a penalty published in August 2021 under the 2014 rules: public for 5 years, so still public on
    # a day of June 2026 (the test travels there: on another day the premise would not hold)
    today = datetime.date(2026, 6, 15)
    time_machine.move_to(datetime.datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    penalty = credit_event_record(
        enterprise=enterprise, kind="administrative_penalty", occurred_on=datetime.date(2021, 8, 2),
        source_authority="局", summary=CLEAN, published_on=datetime.date(2021, 8, 9), by=None, today=today)
    assert penalty.publication_ends_on == datetime.date(2026, 8, 9) and penalty.is_public_on(today)
    # when the enterprise asks to stop its publication early (a rule of Order 45 only), or it is put on the
    # serious list by a decision of before Order 44
    with pytest.raises(ValidationError) as refused:
        credit_repair_apply(enterprise=enterprise, kind="penalty_publication_stop", credit_event=penalty,
                     compliance_proof="已缴纳罚款", commitment_letter="承诺", by=None, today=today,
                     **repair_documents())
    assert "credit_event" in refused.value.message_dict
    heavier = credit_event_record(enterprise=enterprise, kind="heavier_penalty", occurred_on=datetime.date(2021, 8, 2),
                                  source_authority="局", summary=CLEAN, by=None, today=today)
    with pytest.raises(ValidationError) as refused:
        serious_list_enter(enterprise=enterprise, penalty_event=heavier, decided_on=datetime.date(2021, 8, 2),
                           decision_authority="局", by=None, today=today)
    # then a refusal naming the field, not an unhandled error
    assert "decided_on" in refused.value.message_dict
