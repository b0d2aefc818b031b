"""Report charts in the reader's language: what the chart module writes itself (axis labels) goes through
gettext; titles, bar labels and legends come translated from the caller (qcity/reports/content.py)."""

import re

from django.utils import translation
from matplotlib.axes import Axes

from qcity.reports import charts

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_report_chart_axis_labels_in_english_have_no_chinese(monkeypatch):
    # given the axis labels a chart writes, recorded
    labels = []
    original = Axes.set_xlabel
    monkeypatch.setattr(Axes, "set_xlabel", lambda self, text, *a, **k: labels.append(str(text)) or original(
        self, text, *a, **k))

    # when the status chart is drawn in English
    with translation.override("en"):
        charts.status_bar_chart(labels=["Products"], counts=[{"achieved": 1}], status_labels={"achieved": "Met"},
                                title="Status")

    # then its axis label is English
    assert labels and not any(CJK.search(label) for label in labels), labels
