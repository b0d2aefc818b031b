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
from qcity.core.filters import AuditEventFilter, StyledFilterSet
from qcity.core.models import AuditEvent
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
