"""The English catalogue is complete, and every Chinese literal a user can see goes through gettext.

Chinese is the source language: msgids are the Chinese strings (qcity/locale/README.md says how to update).
Three checks, each able to fail on its own:
- the English catalogue has no untranslated, fuzzy or copied-over (msgstr == Chinese msgid) entry;
- no string constant with Chinese characters sits outside gettext in qcity/ (except the source-text
  modules and lines listed below), and no gettext call is handed an f-string;
- `makemessages` would not add a msgid the catalogue lacks (extraction into a temporary directory).
"""

from __future__ import annotations

import ast
import fnmatch
import io
import re
import tokenize
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.commands import makemessages

ROOT = Path(settings.BASE_DIR)
PACKAGE = ROOT / "qcity"
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u4e00-\u9fff]")
# template code held in a Python string (django-tables2 TemplateColumn) translates with its own tags
TEMPLATE_TRANSLATE_TAG = re.compile(r"""\{%\s*trans(?:late)?\s+("[^"]*"|'[^']*')[^%]*%\}""")
GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext",
                 "pgettext_lazy", "npgettext", "npgettext_lazy"}

# Modules whose Chinese literals are source text, not messages: they parse, detect or seed Chinese text.
SOURCE_TEXT_MODULES = {
    # demo data: enterprise names, addresses, products and people of a Chinese city, stored as records
    # (an app's demo.py or demo/ package)
    "qcity/*/demo*.py": "demo data",
    # reads targets, years and units out of the Chinese text of plan documents
    "qcity/indicators/extraction.py": "plan document parser",
    # finds names, ID, phone and bank numbers in Chinese free text (surnames, labels, units)
    "qcity/core/personal_data.py": "personal-data detector",
    # the statutory holidays of the State Council Measures, by name and revision, as data
    "qcity/core/holiday_law.py": "holiday law as data",
    # parses the official schedule notices: "日期 休/班 名称" lines and the sheet headings
    "qcity/core/holiday_schedule.py": "holiday schedule parser",
}
# A single line may opt out with a trailing comment saying why: `# i18n-ignore: <reason>` (API tokens,
# headings of an uploaded Chinese sheet, text stored in a public record).
LINE_MARKER = "i18n-ignore:"
EXCLUDED_PARTS = {"migrations", "tests", "data"}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if not EXCLUDED_PARTS & set(p.relative_to(PACKAGE).parts[:-1]))


def _is_source_text_module(relative: str) -> bool:
    return any(fnmatch.fnmatch(relative, pattern) for pattern in SOURCE_TEXT_MODULES)


def _marked_lines(source: str) -> set[int]:
    return {tok.start[0] for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT and LINE_MARKER in tok.string}


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def literals_outside_gettext(path: Path, source: str | None = None) -> list[str]:
    """`path:line: text` of every string constant with Chinese characters that no gettext call receives.

    Docstrings are not user-visible and are skipped, as are lines carrying the LINE_MARKER comment.
    """
    source = path.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(source)
    marked = _marked_lines(source)
    inside, docstrings, statements = set(), set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in GETTEXT_CALLS:
            for arg in node.args:
                inside.update(id(n) for n in ast.walk(arg))
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
        if isinstance(node, ast.stmt) and not hasattr(node, "body"):  # simple statements: their whole span
            for sub in ast.walk(node):
                statements[id(sub)] = (node.lineno, node.end_lineno)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and CJK.search(TEMPLATE_TRANSLATE_TAG.sub("", node.value))):
            continue
        if id(node) in inside or id(node) in docstrings:
            continue
        first, last = statements.get(id(node), (node.lineno, node.end_lineno))
        if marked & set(range(min(first, node.lineno), max(last, node.end_lineno) + 1)):
            continue
        found.append(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{node.lineno}: {node.value!r}")
    return found


def fstrings_in_gettext(path: Path, source: str | None = None) -> list[str]:
    """gettext of an f-string looks up a msgid that never exists: placeholders go in as %(name)s."""
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source)
    return [f"{path}:{node.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _call_name(node) in GETTEXT_CALLS and node.args
            and isinstance(node.args[0], ast.JoinedStr)]


# --- the English catalogue --------------------------------------------------------------------------------


def test_english_catalogue_is_complete():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    copied = [e.msgid for e in catalogue.translated_entries() if CJK.search(e.msgid) and e.msgstr == e.msgid]
    assert not untranslated, f"{len(untranslated)} untranslated English entries, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy English entries, e.g. {fuzzy[:5]}"
    assert not copied, f"{len(copied)} English entries are the Chinese msgid copied, e.g. {copied[:5]}"


def test_catalogue_check_fails_on_an_untranslated_entry(tmp_path):
    path = tmp_path / "django.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                    'msgid "不能晚于今天"\nmsgstr ""\n', encoding="utf-8")
    assert [e.msgid for e in polib.pofile(str(path)).untranslated_entries()] == ["不能晚于今天"]


# --- Chinese literals outside gettext ----------------------------------------------------------------------


def test_every_chinese_literal_goes_through_gettext():
    found, fstrings = [], []
    for path in _modules():
        relative = str(path.relative_to(ROOT))
        fstrings += fstrings_in_gettext(path)
        if not _is_source_text_module(relative):
            found += literals_outside_gettext(path)
    assert not fstrings, f"f-strings passed to gettext: {fstrings}"
    assert not found, (f"{len(found)} Chinese literals outside gettext (wrap them in _(), or mark a source-text "
                       f"line with '# {LINE_MARKER} <why>'):\n" + "\n".join(found[:40]))


def test_finder_sees_a_bare_message_and_not_a_wrapped_or_marked_one(tmp_path):
    source = ('"""文档。"""\n'
              'from django.utils.translation import gettext as _\n'
              'def check(x):\n'
              '    if x:\n'
              '        raise ValueError({"day": ["不能晚于今天"]})\n'
              '    ok = _("请填写%(field)s") % {"field": x}\n'
              '    token = "休"  # i18n-ignore: API token\n'
              '    cell = \'{% translate "案件线索" %}\'\n'
              '    bad = _(f"{x}年")\n')
    path = tmp_path / "example.py"
    assert [line.split(": ", 1)[1] for line in literals_outside_gettext(path, source)] == ["'不能晚于今天'"]
    assert fstrings_in_gettext(path, source) == [f"{path}:9"]


def test_source_text_allow_list_names_existing_modules():
    relatives = [str(p.relative_to(ROOT)) for p in _modules()]
    for pattern in SOURCE_TEXT_MODULES:
        assert any(fnmatch.fnmatch(r, pattern) for r in relatives), f"allow-list entry matches nothing: {pattern}"


# --- makemessages would add nothing --------------------------------------------------------------------------


class _Extract(makemessages.Command):
    """makemessages' own extraction (xgettext, templatize) writing only into a temporary directory."""

    def __init__(self, out: Path):
        super().__init__()
        self.out = out
        self.domain, self.verbosity, self.symlinks = "django", 0, False
        # the ignore patterns of qcity/locale/README.md, plus makemessages' defaults
        self.ignore_patterns = [".venv/*", "var/*", "bench/*", "tests/*", "scripts/*", "CVS", ".*", "*~", "*.pyc"]
        self.extensions = {".html", ".txt", ".py"}
        self.invoked_for_django = False
        out_dir = str(out)

        class BuildFile(makemessages.BuildFile):
            @property
            def work_path(self):
                if not self.is_templatized:
                    return self.path
                return str(out / (self.translatable.path.replace("/", "__").lstrip("._") + ".py"))

            def postprocess_messages(self, msgs):
                return msgs

        self.build_file_class = BuildFile
        self.locale_paths, self.default_locale_path = [out_dir], out_dir

    def find_files(self, root):
        files = super().find_files(root)
        for translatable in files:
            translatable.locale_dir = str(self.out)
        self.locale_paths = [str(self.out)]
        return files


def _msgids(entries) -> set[tuple[str, str, str]]:
    return {(e.msgctxt or "", e.msgid, e.msgid_plural or "") for e in entries if not e.obsolete and e.msgid}


def test_makemessages_would_add_no_msgid(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    potfiles = _Extract(tmp_path).build_potfiles()
    assert potfiles, "makemessages extracted nothing"
    extracted = _msgids(polib.pofile(potfiles[0]))
    missing = extracted - _msgids(polib.pofile(str(CATALOGUE)))
    assert not missing, (f"{len(missing)} msgids are not in the English catalogue: run makemessages and translate "
                         f"them (qcity/locale/README.md), e.g. {sorted(m[1] for m in missing)[:10]}")
