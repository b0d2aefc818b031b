import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from qcity.core.choices import Role
from qcity.credit.models import CreditClassification, CreditListEntry
from qcity.credit.selectors import credit_event_overdue_list
from qcity.credit.services import abnormal_list_enter
from qcity.credit.tasks import credit_lists_maintain_task, credit_reclassify_task
from qcity.enterprises.tests.factories import EnterpriseFactory

from .factories import make_credit_event

pytestmark = pytest.mark.django_db


def test_reclassify_command_and_task(district):
    EnterpriseFactory(org_unit=district, established_on=datetime.date(2000, 1, 1))
    out = io.StringIO()
    call_command("credit", "reclassify", "--on", "2025-11-28", stdout=out)
    assert "classified 1 enterprises" in out.getvalue()
    assert CreditClassification.objects.get().risk_class == "a"
    assert credit_reclassify_task("2025-11-28") == {"enterprises": 1, "changed": 0}


def test_maintain_lists_command_and_task(district):
    enterprise = EnterpriseFactory(org_unit=district)
    abnormal_list_enter(enterprise=enterprise, reason="unreachable", decided_on=datetime.date(2022, 5, 5),
                        decision_authority="局", by=None, today=datetime.date(2022, 5, 6))
    out = io.StringIO()
    call_command("credit", "maintain-lists", "--today", "2025-05-04", stdout=out)
    assert "escalated 0" in out.getvalue()
    assert credit_lists_maintain_task("2025-05-06")["escalated"] == 1
    assert CreditListEntry.objects.filter(list_kind="serious_violation", status="listed").count() == 1


def test_command_needs_an_action():
    with pytest.raises(CommandError):
        call_command("credit")


def test_overdue_publications_are_flagged_for_the_officer(district, make_user, api_for, today):
    # given a penalty decided 60 days ago (20 working days to publish: overdue) and one decided 2 days ago
    enterprise = EnterpriseFactory(org_unit=district)
    overdue = make_credit_event(enterprise, occurred_on=today - datetime.timedelta(days=60), today=today)
    make_credit_event(enterprise, occurred_on=today - datetime.timedelta(days=2), today=today)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    # then only the first is overdue, for the selector and for the API (which asks the clock: the pinned day)
    assert list(credit_event_overdue_list(user=officer, today=today)) == [overdue]
    body = api_for(officer).get("/api/credit-events/", {"overdue": "yes"}).json()
    assert [row["id"] for row in body["results"]] == [overdue.pk]


def test_enterprise_page_loads_the_credit_panel(district, make_user, client_for):
    enterprise = EnterpriseFactory(org_unit=district)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    html = client_for(officer).get(f"/enterprises/{enterprise.pk}/").content.decode()
    assert f'hx-get="/credit/files/{enterprise.pk}/panel/"' in html
    reporter = make_user(Role.DEPARTMENT_REPORTER)
    assert client_for(reporter).get(f"/credit/files/{enterprise.pk}/panel/").content == b""
