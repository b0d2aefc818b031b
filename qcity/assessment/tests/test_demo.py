"""The demo assessment (`qcity demo`): a believable spread of grades, and nobody scored for what is not due.

The numbers depend on the indicator and work-plan demos, so the checks are on the grade logic: several
grades, not assessed instead of 0, the groups of 100 points, no line scored that is left out."""

import datetime
import zoneinfo
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from qcity.assessment.choices import AssessmentGrade, AssessmentSchemeStatus
from qcity.assessment.demo import DEMO_SUFFIX
from qcity.assessment.models import AssessmentScheme
from qcity.assessment.scoring import NO_ITEMS

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 5)


@pytest.fixture
def demo(time_machine, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(datetime.datetime.combine(DAY, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
                         tick=False)
    call_command("demo", today=DAY.isoformat(), count=300, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {s.status: s for s in AssessmentScheme.objects.filter(name__endswith=DEMO_SUFFIX)}


def test_demo_assessment_spreads_the_grades_and_leaves_out_what_is_not_due(demo):
    published, draft = demo[AssessmentSchemeStatus.PUBLISHED], demo[AssessmentSchemeStatus.DRAFT]
    for scheme in (published, draft):
        # grouped: weights per domain and the key tasks, adding up to 100
        assert scheme.groups.count() >= 4
        assert sum(g.weight for g in scheme.groups.all()) == Decimal(100)
        results = list(scheme.results.all())
        assert results
        for result in results:
            # nobody is scored 0 for want of something to assess: that is "not assessed"
            nothing = any(line["kind"] == NO_ITEMS for line in result.breakdown)
            assert nothing == (result.grade == AssessmentGrade.NOT_ASSESSED) or result.vetoed
            # a left-out line never carries points
            assert all(line["points"] == "0.00" for line in result.breakdown if line.get("excluded"))
            assert sum(Decimal(line["points"]) for line in result.breakdown) == result.score

    grades = Counter(r.grade for r in published.results.all())
    assessed = {g for g in grades if g != AssessmentGrade.NOT_ASSESSED}
    assert len(assessed) >= 3, grades
    assert grades[AssessmentGrade.FAIL] <= len(list(published.results.all())) // 3, grades  # a few, not most
    # this year's draft, run in December: a task not yet due is left out, not scored 0
    lines = [line for r in draft.results.all() for line in r.breakdown if line["kind"] == "tasks"]
    assert all(line.get("excluded") or line["tasks"]["open_not_due"] < line["tasks"]["total"] for line in lines)
