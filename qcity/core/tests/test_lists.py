"""Lists are built one way: one FilterSet base, FilterSets shared by the page and the API instead of query
parameters read by hand, one pager and one form-fields partial, django-tables2 tables on one base whose
sorting only reaches declared columns."""

import importlib
import inspect
import re
from pathlib import Path

import django_filters
import django_tables2
import pytest
from django.apps import apps
from django.http import QueryDict
from django.test import RequestFactory

import qcity
from qcity.core import selectors
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction, OrgUnitKind
from qcity.core.filters import AuditEventFilter, StyledFilterSet, UnitFilter
from qcity.core.models import AuditEvent, OrgUnit
from qcity.core.services import org_unit_create
from qcity.core.tables import QcityTable, table_configure

QCITY = Path(qcity.__file__).parent

# Query parameters a view may still read itself, and why. Everything else goes through a FilterSet.
HAND_READ = {
    "page": "the page number, read by the paginator (core.pagination.page_number clamps it)",
    "export": "the export switch, read by core.exports",
    "format": "a report's file format (docx/pdf), checked by reports.services",
}
HAND_READ_SITES = {  # (file, parameter): why it is not a FilterSet (yet)
    ("reports/views.py", "year"): "report downloads: year/plan parsed by reports.services",
    ("reports/views.py", "plan"): "report downloads: year/plan parsed by reports.services",
    ("reports/api/views.py", "year"): "report downloads: year/plan parsed by reports.services",
    ("reports/api/views.py", "plan"): "report downloads: year/plan parsed by reports.services",
    ("indicators/views.py", "indicator"): "the initial value of an entry form, not a filter",
    ("inspections/api/views.py", "public"): "a representation switch of one record, not a filter",
    ("core/views/__init__.py", "year"): "the holiday calendar's year picker (one calendar, not a list)",
    ("portal/views/credit.py", "q"): "the public lookup: a credit code redirects to the file",
}
READ = re.compile(r"""(?:request\.GET|query_params)(?:\.get\(|\[)\s*["'](\w+)["']""")
HELPERS = re.compile(r"\b(?:query_int|query_year)\(")


def _filters_modules():
    for config in apps.get_app_configs():
        if config.name.startswith("qcity."):
            try:
                yield importlib.import_module(f"{config.name}.filters")
            except ModuleNotFoundError:
                continue


def _view_files():
    for path in sorted(QCITY.rglob("*.py")):
        relative = path.relative_to(QCITY).as_posix()
        if "/tests/" in relative or "/migrations/" in relative:
            continue
        if path.name == "views.py" or "/views/" in relative:
            yield relative, path.read_text()


def test_every_filterset_derives_from_the_one_base():
    strays = [f"{module.__name__}.{name}" for module in _filters_modules()
              for name, cls in inspect.getmembers(module, inspect.isclass)
              if cls.__module__ == module.__name__ and issubclass(cls, django_filters.FilterSet)
              and not issubclass(cls, StyledFilterSet)]
    assert not strays, "subclass qcity.core.filters.StyledFilterSet: " + ", ".join(strays)


def test_views_read_no_query_parameter_by_hand():
    found = []
    for relative, source in _view_files():
        for number, line in enumerate(source.splitlines(), 1):
            if HELPERS.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
            for name in READ.findall(line):
                if name not in HAND_READ and (relative, name) not in HAND_READ_SITES:
                    found.append(f"{relative}:{number}: {name}")
    assert not found, "filter through the app's FilterSet (filters.py) instead:\n" + "\n".join(found)


def test_one_pager_and_one_form_fields_partial():
    copies = [p.relative_to(QCITY).as_posix() for name in ("pager.html", "form_fields.html")
              for p in QCITY.glob(f"*/templates/*/partials/{name}")
              if not p.relative_to(QCITY).as_posix().startswith("core/")]
    assert not copies, "use core/partials/pager.html and core/partials/form_fields.html: " + ", ".join(copies)


def test_every_table_derives_from_the_one_base():
    strays = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tables") if config.name.startswith("qcity.") else None
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass) if module else ():
            if cls.__module__ == module.__name__ and issubclass(cls, django_tables2.Table) \
                    and not issubclass(cls, QcityTable):
                strays.append(f"{module.__name__}.{name}")
    assert not strays, "subclass qcity.core.tables.QcityTable: " + ", ".join(strays)


# --- the page side of a FilterSet -------------------------------------------------------------------------


def test_a_page_takes_defaults_for_absent_parameters_and_ignores_bad_ones():
    # given a parameter with a default, an empty "all" choice and a bad date
    params = QueryDict("since=not-a-date&object_type=enterprise")
    # when the page builds its FilterSet
    filterset = AuditEventFilter.for_page(params, defaults={"action": "export"}, queryset=AuditEvent.objects.none())
    # then the absent parameter has its default, the bad one is dropped and the good one kept
    data = filterset.form.cleaned_data
    assert data["action"] == "export" and data["since"] is None and data["object_type"] == "enterprise"
    # and an explicit empty value of a choice offering "all" stays empty
    empty = AuditEventFilter.for_page(QueryDict("action="), defaults={"action": "export"},
                                      queryset=AuditEvent.objects.none())
    assert empty.form.cleaned_data["action"] == ""


@pytest.mark.django_db
def test_a_unit_filter_keeps_the_unit_and_those_below_and_the_city_means_everything(city, district):
    # given audit events recorded in the city, in a district and in another district
    other = city.children.exclude(pk=district.pk).first()
    AuditEvent.objects.bulk_create([AuditEvent(action="export", object_type="t", object_id=str(n), org_unit=unit)
                                    for n, unit in enumerate((city, district, other))])

    def units(choice) -> list:
        rows = AuditEventFilter.for_page(QueryDict(f"org_unit={choice.pk}"),
                                         queryset=AuditEvent.objects.filter(object_type="t")).qs
        return sorted(rows.values_list("org_unit_id", flat=True))

    # then a district keeps its own rows, the city all of them
    assert units(district) == [district.pk]
    assert units(city) == sorted([city.pk, district.pk, other.pk])


# --- tables -----------------------------------------------------------------------------------------------


class _AuditTable(QcityTable):
    object_type = django_tables2.Column()
    at = django_tables2.Column()

    class Meta(QcityTable.Meta):
        model = AuditEvent
        fields = ("object_type", "at")


@pytest.mark.django_db
def test_a_table_ignores_per_page_and_unknown_sorts_and_breaks_ties_by_key():
    AuditEvent.objects.bulk_create([AuditEvent(action="export", object_type="t", object_id=str(n)) for n in range(7)])
    request = RequestFactory().get("/", {"per_page": "100000", "sort": ["object_type", "password"], "page": "2"})
    table = table_configure(request, _AuditTable(AuditEvent.objects.all()), per_page=3)
    # the view's page size, not the client's; the unknown column dropped; pk after the sorted column
    assert table.paginator.per_page == 3 and table.page.number == 2
    assert [o.bare for o in table.order_by] == ["object_type"]
    assert list(table.data.data.query.order_by) == ["object_type", "pk"]
    html = table.as_html(request)
    assert "sort=object_type" in html and "page=3" in html  # the core pager keeps the sort


# --- hand-written tables ----------------------------------------------------------------------------------

# Templates (relative to qcity/) that may still write a <table> by hand, and why. A list — rows of records a
# user browses, sorts, filters, counts and exports — renders `{% render_table table %}` on a QcityTable
# (core/tables.py) instead. Remove a template's line when its list is converted: a line whose template has
# no <table> left fails, so the set only shrinks.
HAND_WRITTEN_TABLES = {
    # -- not lists: one record's parts on its detail page, key/value tables, grids, forms laid out as rows --
    "assessment/templates/assessment/result_detail.html",  # one result's score breakdown
    "assessment/templates/assessment/scheme_detail.html",  # one scheme's item editor (grouped) and adjustments
    "assessment/templates/assessment/partials/ranking_table.html",  # a ranking: its order is the result
    "core/templates/core/holiday_calendar.html",  # one year's holiday schedule, in date order
    "core/templates/core/partials/table.html",  # the one table base's own template (QcityTable.Meta)
    "core/templates/core/notification_preferences.html",  # a form: one row of checkboxes per kind
    "core/templates/core/service_account_detail.html",  # one service account's tokens
    "credit/templates/credit/file.html",  # one enterprise's credit file: entries, events, objections, repairs
    "credit/templates/credit/partials/classification.html",  # one classification's reasons
    "credit/templates/credit/scoring_model.html",  # thresholds (key/value) and the model's versions
    "enterprises/templates/enterprises/account_mine.html",  # one enterprise's own accounts
    "enterprises/templates/enterprises/enterprise_detail.html",  # one enterprise's licences and certifications
    "enterprises/templates/enterprises/partials/import_result.html",  # one import's rejected rows
    "indicators/templates/indicators/decomposition_table.html",  # the decomposition grid (a form)
    "indicators/templates/indicators/indicator_detail.html",  # one indicator's status and values
    "indicators/templates/indicators/plan_detail.html",  # one plan's indicators, in the plan's order
    "indicators/templates/indicators/plan_import_review.html",  # the import review (a form)
    "indicators/templates/indicators/status_board.html",  # the board's ranking panel
    "inspections/templates/inspections/draw_confirm.html",  # the draw preview figures
    "inspections/templates/inspections/draw_verify.html",  # the verification checks of one draw
    "inspections/templates/inspections/inspector_detail.html",  # one inspector's declared conflicts
    "inspections/templates/inspections/target_detail.html",  # one target's results
    "reports/templates/reports/cockpit.html",  # dashboard panels (top ranking, warnings, overdue)
    "reports/templates/reports/pdf/report.html",  # a printed document (white paper PDF)
    "sampling/templates/sampling/sample_detail.html",  # one sample's test items and proof of service
    "workplan/templates/workplan/task_detail.html",  # one task's progress reports
    # -- the public portal: cells stacked into cards on a phone (qc-stack, a data-label per cell) --
    "portal/templates/portal/credit/file.html",
    "portal/templates/portal/credit/list.html",
    "portal/templates/portal/inspections/draw_detail.html",
    "portal/templates/portal/inspections/draw_list.html",
    "portal/templates/portal/inspections/result_list.html",
    "portal/templates/portal/sampling/result_detail.html",
    "portal/templates/portal/sampling/result_list.html",
}
HAND_TABLE = re.compile(r"<table\b", re.IGNORECASE)


def _templates_with_a_table() -> set[str]:
    return {path.relative_to(QCITY).as_posix() for path in QCITY.rglob("*.html")
            if "templates" in path.relative_to(QCITY).parts and HAND_TABLE.search(path.read_text())}


def test_lists_render_through_the_one_table_base():
    # given every template under qcity/ that writes a <table> itself
    found = _templates_with_a_table()
    # then each is a table that is not a list, or a list still waiting for its conversion, named above
    strays = sorted(found - HAND_WRITTEN_TABLES)
    assert not strays, ("render a list with {% render_table table %} on a QcityTable (core/tables.py), or, for a "
                        "table that is not a list, add it to HAND_WRITTEN_TABLES saying why:\n" + "\n".join(strays))
    # and the allow-list names no template that has been converted (or removed) since
    stale = sorted(HAND_WRITTEN_TABLES - found)
    assert not stale, "no hand-written <table> left: remove from HAND_WRITTEN_TABLES:\n" + "\n".join(stale)


@pytest.mark.django_db
def test_the_unit_filter_offers_every_unit_by_its_short_name_and_filters_below_the_chosen_one(city, make_user):
    # given the city's units and an audit event recorded in one district
    district = OrgUnit.objects.get(name="金水区")
    district.short_name = "金水"
    district.save()
    user = make_user()
    audit_record(action=AuditAction.UPDATE, by=user, obj=district, org_unit=district)
    audit_record(action=AuditAction.UPDATE, by=user, obj=city, org_unit=city)

    # when the filter form is drawn with the district chosen
    filterset = AuditEventFilter({"org_unit": str(district.pk)}, queryset=AuditEvent.objects.all())
    html = str(filterset.form["org_unit"])

    # then it offers every unit in tree order by its short name, the district selected, and lists its rows only
    units = list(OrgUnit.objects.order_by("path", "sort_order"))
    assert re.findall(r'<option value="(\d+)"', html) == [str(u.pk) for u in units]
    assert f'<option value="{district.pk}" selected>金水</option>' in html
    assert {e.org_unit_id for e in filterset.qs} == {district.pk}
    # and an id that is no unit is refused, naming the field
    assert not AuditEventFilter({"org_unit": "999999"}, queryset=AuditEvent.objects.all()).is_valid()


def _offered(html: str) -> list[str]:
    return re.findall(r'<option value="(\d+)"', html)


@pytest.mark.django_db
def test_the_unit_options_are_read_once_and_again_after_units_are_written(city, district, monkeypatch,
                                                                          django_assert_num_queries):
    def options() -> str:
        return str(AuditEventFilter({}, queryset=AuditEvent.objects.none()).form["org_unit"])

    # given the options read once
    first = _offered(options())
    # then the next list page offers them without reading the units again
    with django_assert_num_queries(0):
        assert _offered(options()) == first
    # when a unit is added (by the service) or renamed (a save), the next page offers it at once
    added = org_unit_create(name="航空港区", short_name="航空港", kind=OrgUnitKind.DISTRICT, parent=city, by=None)
    assert str(added.pk) in _offered(options()) and ">航空港</option>" in options()
    added.short_name = "空港"
    added.save()
    assert ">空港</option>" in options() and ">航空港</option>" not in options()
    # and a write that sends no signal (an UPDATE) shows once the options are old enough
    OrgUnit.objects.filter(pk=district.pk).update(short_name="金水（改）")
    assert "金水（改）" not in options()
    monkeypatch.setattr(selectors, "UNIT_OPTIONS_SECONDS", 0)
    assert "金水（改）" in options()
    # and a narrower queryset reads its own units
    only_districts = UnitFilter(queryset=OrgUnit.objects.filter(parent__isnull=False)).field
    assert str(city.pk) not in _offered(str(only_districts.widget.render("org_unit", None)))


@pytest.mark.django_db
def test_the_unit_filter_offers_its_null_choice_after_the_empty_one(city):
    class Filter(StyledFilterSet):
        org_unit = UnitFilter(null_label="未分配")

        class Meta:
            model = AuditEvent
            fields = ["org_unit"]

    html = str(Filter({}, queryset=AuditEvent.objects.none()).form["org_unit"])
    assert re.findall(r'<option value="([^"]*)"', html)[:3] == ["", "null", str(city.pk)]


@pytest.mark.django_db
def test_unit_options_read_while_units_are_written_are_not_kept(city, monkeypatch):
    # given another thread clears the options while this one reads them
    cleared = []

    def label_and_clear(short_name, name):
        if not cleared:
            cleared.append(True)
            selectors.org_unit_options_clear()
        return short_name or name

    monkeypatch.setattr(selectors, "unit_label", label_and_clear)
    # then this read answers, but the next one reads again
    assert selectors.org_unit_options()
    assert selectors._unit_options.read_at is None
