from datetime import date

from django import forms
from django.utils import translation

from qcity.core.forms import DateInput


def test_date_picker_value_is_iso_in_chinese_too():
    # a zh-hans date format (2026/06/15) is dropped as empty by <input type=date>
    class Form(forms.Form):
        day = forms.DateField(widget=DateInput())

    with translation.override("zh-hans"):
        html = str(Form(initial={"day": date(2026, 6, 15)})["day"])
    assert 'type="date"' in html and 'value="2026-06-15"' in html
