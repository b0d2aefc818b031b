"""The layer order of the apps, declared once, and the import rules that keep it.

An app may import its own modules and the apps of LOWER tiers, never an app of its own tier or a
higher one. A lower app that needs something from a higher one gets it through a registry the higher
app fills in its AppConfig.ready() (`indicators/computed.py`, `indicators/quotes.py`, `core/deadlines.py`,
`core/demo.py`). The project package (urls.py, cli.py, settings/, celery.py) sits above every app.

Tests follow the rule of their app: the tests of X may import X and X's lower tiers. Tests that drive the
whole project (the demo of every module, every URL, every idempotent write) are project-level: they live
in the top-level `tests/` folder (a shared helper the apps' tests also use is named in PROJECT_LEVEL_TESTS).

A function-local import is a cycle or a deferred cost, and says which on its line or on a comment line
directly above its block of imports: `# cycle: <why>` or `# lazy: <why>`. apps.py is exempt: Django
imports it before the models exist, so its ready() and signal receivers import on call.
"""

import pytest

from . import architecture
from .architecture import PROJECT, Import, scan, scan_source

LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("enterprises", "indicators"),
    ("workplan", "credit"),  # workplan builds on indicators (its tasks quote plan targets); credit on enterprises
    ("inspections", "sampling"),  # both record credit events; inspections draws from the enterprise register
    # read the programme; complaints record credit events and open case leads; trace shows sampling and credit
    ("assessment", "reports", "complaints", "trace"),
    ("portal",),  # the public face: published credit, inspection and sampling data
]
TIER = {app: level for level, apps in enumerate(LAYERS) for app in apps} | {PROJECT: len(LAYERS)}

# A whole-project helper that sits in core/tests because the apps' demo tests share it: it may import any
# app, as tests/ may. Whole-project tests go to tests/; do not add a test of core itself here.
PROJECT_LEVEL_TESTS = {
    "qcity/core/tests/demo_invariants.py",  # what the demo of every module must hold; the apps' demo tests use it
}

# Django imports apps.py while loading the app registry, before models can be imported.
LOCAL_IMPORTS_EXEMPT = ("/apps.py",)


def upward(imports: list[Import]) -> list[Import]:
    """Imports that reach an app of the same or a higher tier than the importing one."""
    bad = []
    for imp in imports:
        target = imp.target_app
        if target is None or target == imp.app or imp.app == PROJECT or imp.path in PROJECT_LEVEL_TESTS:
            continue
        if TIER[target] >= TIER[imp.app]:
            bad.append(imp)
    return bad


def unexplained_local(imports: list[Import]) -> list[Import]:
    """Function-local imports in code (tests may import where they like) without # cycle: or # lazy:."""
    return [imp for imp in imports if imp.local and not imp.in_tests and not imp.justified
            and not imp.path.endswith(LOCAL_IMPORTS_EXEMPT)]


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return scan()


def test_every_app_has_a_tier():
    # a new app (complaints, trace, risk, awards) must be placed in the order before it can be imported
    assert architecture.apps() == set(TIER) - {PROJECT}


def test_no_import_runs_up_the_layers(imports):
    bad = upward(imports)
    assert not bad, ("imports that run up the layer order (use a registry filled in the higher app's "
                     "ready()):\n" + "\n".join(map(str, bad)))


def test_every_function_local_import_says_why(imports):
    bad = unexplained_local(imports)
    assert not bad, ("function-local imports: move them to the top of the module, or say why on the line: "
                     "'# cycle: <why>' or '# lazy: <why>':\n" + "\n".join(map(str, bad)))


# The scanner itself: these would pass vacuously if it found nothing.

def test_the_scanner_finds_an_upward_import_at_top_level_and_inside_a_function():
    # given a core module that imports credit at the top and sampling inside a function
    source = ("from qcity.credit.models import CreditEvent\n"
              "from . import audit\n"
              "def f():\n"
              "    from qcity.sampling import services\n")
    # when it is scanned
    found = upward(scan_source(source, "core/fake.py"))
    # then both upward imports are reported, with their lines, and the core-internal one is not
    assert [(i.target_app, i.line, i.local) for i in found] == [("credit", 1, False), ("sampling", 4, True)]


def test_the_scanner_finds_an_import_into_the_same_tier_and_from_tests():
    # credit and workplan share a tier; the tests of enterprises may not reach credit either
    assert upward(scan_source("from qcity.workplan import selectors\n", "credit/views.py"))
    assert upward(scan_source("from qcity.credit.tests.factories import X\n", "enterprises/tests/test_x.py"))
    assert upward(scan_source("from qcity import urls\n", "core/views.py"))  # the project package is the top
    # and downward ones pass
    assert not upward(scan_source("from qcity.enterprises.models import Enterprise\n", "credit/views.py"))
    assert not upward(scan_source("from qcity.credit import demo\n", "urls.py"))


def test_relative_imports_are_resolved_within_the_app():
    found = scan_source("from ..lists import x\nfrom . import events\n", "credit/services/events.py")
    assert [i.target for i in found] == ["qcity.credit.lists", "qcity.credit.services"]


def test_a_function_local_import_needs_a_cycle_or_lazy_comment():
    source = ("def a():\n"
              "    from .tasks import job\n"
              "def b():\n"
              "    from .lists import on_event  # cycle: lists imports events for the event kinds\n"
              "def c():\n"
              "    # lazy: weasyprint loads cairo and pango\n"
              "    from weasyprint import HTML\n"
              "    from weasyprint import CSS\n"
              "def d():\n"
              "    # says nothing\n"
              "    import docx\n")
    found = unexplained_local(scan_source(source, "reports/documents.py"))
    assert [(i.target, i.line) for i in found] == [("qcity.reports.tasks", 2), ("docx", 11)]
    # apps.py imports in ready() by necessity
    assert not unexplained_local(scan_source(source, "reports/apps.py"))


def test_spreadsheets_are_read_through_core_sheets_only(imports):
    # one xlsx reader (bounded, in a capped child for large files): openpyxl is for writing
    readers = [i for i in imports if not i.in_tests and i.path != "qcity/core/sheets.py"
               and (i.target.startswith("python_calamine") or i.target == "openpyxl.reader.excel")]
    assert not readers, "read spreadsheets with qcity.core.sheets.first_sheet_rows:\n" + "\n".join(map(str, readers))
    loads = []
    for path in architecture.modules():
        relative = path.relative_to(architecture.PACKAGE_ROOT.parent).as_posix()
        if "/tests/" not in relative and "load_workbook" in path.read_text(encoding="utf-8"):
            loads.append(relative)
    assert not loads, "openpyxl.load_workbook outside the tests: use qcity.core.sheets\n" + "\n".join(loads)
