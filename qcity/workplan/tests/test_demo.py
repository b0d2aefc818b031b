import datetime

import pytest

from qcity.core.demo import DemoContext
from qcity.workplan import demo
from qcity.workplan.choices import SupervisionStatus, TaskStatus
from qcity.workplan.models import Notice, Supervision, Task

pytestmark = pytest.mark.django_db


def test_demo_history_has_every_kind_of_task_and_a_notice(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    # given an empty workplan, when the demo generator runs
    outcome = demo.generate(DemoContext(scale="small", seed=1, enterprise_count=1, log=lambda m: None))

    # then the built-in and district tasks exist with a mixed history as of the demo date
    tasks = Task.objects.all()
    assert outcome["tasks"] == tasks.count() == 30
    assert tasks.filter(status=TaskStatus.COMPLETED).count() >= 15
    assert tasks.filter(status=TaskStatus.IN_PROGRESS, deadline__year=2025).count() >= 5
    open_supervisions = Supervision.objects.filter(status=SupervisionStatus.OPEN)
    assert {s.task.code for s in open_supervisions} == demo.OVERDUE | {"4.3.7-410105"}
    assert {s.level for s in open_supervisions} == {1, 2, 3}
    assert Supervision.objects.filter(status=SupervisionStatus.RESOLVED, resolution="任务已完成").exists()
    notice = Notice.objects.get()
    assert set(notice.tasks.values_list("code", flat=True)) == demo.OVERDUE | {"4.3.7-410105"}
    assert notice.issued_at.date() == datetime.date(2025, 11, 28)

    # when it runs again, then nothing is duplicated; reset removes it all
    demo.generate(DemoContext(scale="small", seed=1, enterprise_count=1, log=lambda m: None))
    assert Task.objects.count() == 30 and Notice.objects.count() == 1
    demo.reset(None)
    assert not Task.objects.exists() and not Notice.objects.exists()
