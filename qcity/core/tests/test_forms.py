from datetime import date

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from qcity.core.forms import DateInput, Select, StyledForm
from qcity.core.models import OrgUnit


def test_date_picker_value_is_iso_in_chinese_too():
    # a zh-hans date format (2026/06/15) is dropped as empty by <input type=date>
    class Form(forms.Form):
        day = forms.DateField(widget=DateInput())

    with translation.override("zh-hans"):
        html = str(Form(initial={"day": date(2026, 6, 15)})["day"])
    assert 'type="date"' in html and 'value="2026-06-15"' in html


def _both(field: forms.Field, value, **widget_attrs) -> tuple[str, str]:
    """The field drawn by Django's select (through qcity's renderer and template) and by qcity's Select."""
    class Form(StyledForm):
        choice = field

    form = Form({"choice": value} if value is not None else None)
    form.fields["choice"].widget.attrs.update(widget_attrs)
    ours = str(form["choice"])
    assert type(form.fields["choice"].widget) is Select
    form.fields["choice"].widget.__class__ = forms.Select
    return ours, str(form["choice"])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("value", [None, "", "b", "no such choice", "4"])
def test_the_select_writes_what_the_template_writes(language, value):
    choices = [("", _("全部")), ("a", 'Quote " & <tag>'), ("b", _("是")), (4, "four"), ("4", "again four")]
    with translation.override(language):
        ours, django = _both(forms.ChoiceField(choices=choices, required=False), value, disabled=True,
                             hidden=False, **{"data-x": "1"})
    assert ours == django
    assert ours.count(" selected") == (value != "no such choice")  # one option selected, the first that matches
    assert ('value="4" selected>four' in ours) == (value == "4")


@pytest.mark.django_db
def test_the_select_of_model_choices_and_grouped_choices_writes_what_the_template_writes(city, district):
    ours, django = _both(forms.ModelChoiceField(queryset=OrgUnit.objects.order_by("path")), str(district.pk))
    assert ours == django and f'value="{district.pk}" selected' in ours and "required" in ours
    grouped = [("城区", [("1", "金水"), ("2", "二七")]), ("3", "郑东")]
    ours, django = _both(forms.ChoiceField(choices=grouped), "2")  # left to the template
    assert ours == django and "<optgroup" in ours
