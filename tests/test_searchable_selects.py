"""Long selects are searchable (issue 12, "lists people can work with"): every select that can hold more
than a screenful of options carries `data-searchable`, which qcity/static/qcity/searchable.js turns into a
type-to-filter box (Tom Select). Read from the forms' declared fields, so no database is needed."""

import pytest
from django import forms

from qcity.assessment.forms import AdjustmentForm
from qcity.complaints.forms import AcceptForm, AssignForm, MediationStartForm, RecusalForm
from qcity.indicators.filters import ReportedValueFilter
from qcity.indicators.forms import ReportedValueForm
from qcity.inspections.forms import InspectionPlanForm, InspectorForm, InspectorUpdateForm, ResultForm
from qcity.sampling.forms import SampleForm, SamplingPlanForm
from qcity.workplan.forms import NoticeForm

LONG_SELECTS = [
    # the plans' indicators (180 over the built-in plans)
    (ReportedValueForm, "indicator"),
    # the scheme's bonus and veto items; every district and member department (16 + 20)
    (AdjustmentForm, "item"),
    (AdjustmentForm, "subject"),
    # the inspection item list (事项清单) and an inspector's qualifications drawn from it
    (InspectorForm, "qualifications"),
    (InspectorUpdateForm, "qualifications"),
    (InspectionPlanForm, "items"),
    (ResultForm, "item"),
    # the 56 product categories; a district's samplers
    (SamplingPlanForm, "categories"),
    (SampleForm, "category"),
    (SampleForm, "samplers"),
    # a plan's tasks (a hundred and more)
    (NoticeForm, "tasks"),
    # a district's complaint officers
    (AssignForm, "handler"),
    (AcceptForm, "handler"),
    (MediationStartForm, "mediator"),
    (RecusalForm, "new_mediator"),
]


@pytest.mark.parametrize(("form", "name"), LONG_SELECTS, ids=[f"{f.__name__}.{n}" for f, n in LONG_SELECTS])
def test_a_long_select_is_searchable(form, name):
    # given a select that can list more options than fit a screen
    widget = form.base_fields[name].widget
    assert isinstance(widget, forms.Select)

    # then it is marked for the searchable box
    assert "data-searchable" in widget.attrs


def test_the_values_queue_indicator_filter_is_searchable():
    # given the values queue's indicator filter (every indicator of every plan)
    widget = ReportedValueFilter.base_filters["indicator"].extra["widget"]

    # then it is searchable too
    assert "data-searchable" in widget.attrs
