"""Services of inspection results: entering, publishing, the credit feed and overdue results."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from qcity.core.choices import Role
from qcity.inspections import services
from qcity.inspections.choices import InspectionOutcome
from qcity.inspections.models import DrawnTarget, InspectionResult

pytestmark = pytest.mark.django_db


# --- results --------------------------------------------------------------------------------------------


def test_result_feeds_credit_and_publication_deadline(setting, district, make_user, today, make_plan):
    from qcity.credit.models import CreditEvent

    draw = services.draw_run(plan=make_plan(), by=None)
    target = DrawnTarget.objects.filter(draw=draw).first()
    inspector_user = target.assignments.first().inspector.user
    day = today
    result = services.result_enter(plan=draw.plan, enterprise=target.enterprise, item=setting["items"][0],
                                   outcome=InspectionOutcome.PROBLEMS_FOUND, findings="未按时公示年报", inspected_on=day,
                                   by=inspector_user, is_case_lead=True)
    from qcity.core.deadlines import deadline

    due = deadline("random-inspection-publication", day)
    assert (result.publish_by, result.publish_by_provisional_year) == (due.on, due.provisional_year)
    event = CreditEvent.objects.get(source_ref=f"inspections:result:{result.pk}")
    assert event.kind == "inspection_nonconformity" and event.published_on is None
    services.result_publish(result=result, by=None)
    event.refresh_from_db()
    assert event.published_on == today


def test_result_for_an_enterprise_not_drawn_or_item_not_drawn_is_refused(setting, district, today, make_plan):
    draw = services.draw_run(plan=make_plan(), by=None)
    drawn = set(DrawnTarget.objects.filter(draw=draw).values_list("enterprise_id", flat=True))
    outsider = next(f for f in setting["firms"] if f.pk not in drawn)
    with pytest.raises(ValidationError) as error:
        services.result_enter(plan=draw.plan, enterprise=outsider, item=setting["items"][0],
                              outcome=InspectionOutcome.NO_PROBLEM, inspected_on=today, by=None)
    assert "enterprise" in error.value.message_dict
    without_second = DrawnTarget.objects.filter(draw=draw).exclude(item_ids__contains=setting["items"][1].pk) \
        if connection.vendor == "postgresql" else \
        [t for t in DrawnTarget.objects.filter(draw=draw) if setting["items"][1].pk not in t.item_ids]
    target = list(without_second)[0]
    with pytest.raises(ValidationError) as error:
        services.result_enter(plan=draw.plan, enterprise=target.enterprise, item=setting["items"][1],
                              outcome=InspectionOutcome.NO_PROBLEM, inspected_on=today, by=None)
    assert "item" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.result_enter(plan=draw.plan, enterprise=target.enterprise, item=setting["items"][0],
                              outcome=InspectionOutcome.NO_PROBLEM, inspected_on=today + datetime.timedelta(days=3), by=None)
    assert "inspected_on" in error.value.message_dict
    assert not InspectionResult.objects.exists()


def test_only_the_drawn_inspectors_or_officers_enter_results(setting, district, make_user, today, make_plan):
    draw = services.draw_run(plan=make_plan(), by=None)
    target = DrawnTarget.objects.filter(draw=draw).first()
    team = {a.inspector_id for a in target.assignments.all()}
    stranger = next(i for i in setting["local"] if i.pk not in team)
    with pytest.raises(PermissionDenied):
        services.result_enter(plan=draw.plan, enterprise=target.enterprise, item=setting["items"][0],
                              outcome=InspectionOutcome.NO_PROBLEM, inspected_on=today, by=stranger.user)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    result = services.result_enter(plan=draw.plan, enterprise=target.enterprise, item=setting["items"][0],
                                   outcome=InspectionOutcome.NO_PROBLEM, inspected_on=today, by=officer)
    with pytest.raises(ValidationError, match="已录入"):
        services.result_enter(plan=draw.plan, enterprise=target.enterprise, item=setting["items"][0],
                              outcome=InspectionOutcome.NO_PROBLEM, inspected_on=today, by=officer)
    with pytest.raises(ValidationError):
        services.result_mark_case_lead(result=result, by=officer)


def test_overdue_results_are_flagged(setting, district, today, make_plan):
    from qcity.inspections.selectors import plan_progress, result_overdue_list

    ninety_days_ago = timezone.now() - datetime.timedelta(days=90)  # on the pinned clock, as `today`
    draw = services.draw_run(plan=make_plan(), by=None, at=ninety_days_ago)
    target = DrawnTarget.objects.filter(draw=draw).first()
    services.result_enter(plan=draw.plan, enterprise=target.enterprise, item=setting["items"][0],
                          outcome=InspectionOutcome.NO_PROBLEM, inspected_on=today - datetime.timedelta(days=60),
                          by=None)
    assert result_overdue_list().count() == 1
    assert plan_progress(plan=draw.plan)["overdue"] == 1
    assert services.plan_results_publish(plan=draw.plan, by=None) == 1
    assert result_overdue_list().count() == 0
