"""Reads the import statements of the qcity package, for the architecture test and for
`scripts/architecture_figures.py`.

Pure `ast`: no module is imported, no Django is set up, so a fake module (a string) can be scanned the
same way as a real file. For each module it records its app and every import with its line, whether it
sits inside a function (function-local) and the comment that justifies a function-local one.
"""

from __future__ import annotations

import ast
import pathlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

PACKAGE = "qcity"
PROJECT = "qcity"  # the app name given to the project package itself: urls.py, cli.py, settings/, celery.py
PROJECT_MODULES = {"urls", "cli", "celery", "asgi", "wsgi", "settings"}
PACKAGE_ROOT = pathlib.Path(__file__).resolve().parents[2]  # …/qcity

# A function-local import states why it is not at the top of its module, on its line or on a comment
# line directly above the block of imports it belongs to: "# cycle: <why>" or "# lazy: <why>".
JUSTIFICATION = re.compile(r"#\s*(cycle|lazy):\s*\S")


@dataclass(frozen=True)
class Import:
    path: str  # the importing module's file, relative to the package's parent: "qcity/credit/views.py"
    app: str  # the importing module's app ("core", "credit", … or PROJECT)
    target: str  # the imported module, absolute: "qcity.credit.services"
    line: int
    local: bool  # inside a function or method
    in_tests: bool  # the importing module is in a tests/ package
    justified: bool  # a "# cycle:" or "# lazy:" comment says why it is function-local

    @property
    def target_app(self) -> str | None:
        """The qcity app the import reaches, or None for anything outside the package."""
        parts = self.target.split(".")
        if parts[0] != PACKAGE or len(parts) == 1:  # `import qcity` for the package's path reaches no app
            return None
        if parts[1] in PROJECT_MODULES:
            return PROJECT
        return parts[1]

    def __str__(self) -> str:
        where = "function-local" if self.local else "top-level"
        return f"{self.path}:{self.line} ({self.app}) imports {self.target} ({where})"


def app_of(relative: pathlib.PurePath) -> str:
    """`credit/views.py` → credit; `urls.py`, `settings/base.py` → the project package."""
    parts = relative.parts
    if len(parts) == 1 or parts[0] == "settings":
        return PROJECT
    return parts[0]


def _absolute(module: str | None, level: int, package: list[str]) -> str:
    if not level:
        return module or ""
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join(base + ([module] if module else []))


def _justified(lines: list[str], node: ast.stmt, block_start: ast.stmt) -> bool:
    """The comment is on one of the statement's lines, or on the comment lines directly above the block of
    consecutive imports it belongs to."""
    end = getattr(node, "end_lineno", None) or node.lineno
    if any(JUSTIFICATION.search(lines[n - 1]) for n in range(node.lineno, end + 1)):
        return True
    n = block_start.lineno - 1
    while n >= 1 and lines[n - 1].strip().startswith("#"):
        if JUSTIFICATION.search(lines[n - 1]):
            return True
        n -= 1
    return False


def scan_source(source: str, relative: str) -> list[Import]:
    """The imports of one module, given its text and its path relative to the qcity package
    (`credit/services/events.py`)."""
    rel = pathlib.PurePosixPath(relative)
    app = app_of(rel)
    package = [PACKAGE, *rel.parent.parts] if rel.parent.parts else [PACKAGE]
    if rel.name == "__init__.py":
        package = [PACKAGE, *rel.parent.parts]
    in_tests = "tests" in rel.parts
    lines = source.splitlines()
    found: list[Import] = []

    def visit(node: ast.AST, local: bool) -> None:
        block_start: dict[int, ast.stmt] = {}  # id of an import → first import of its run of imports
        for _field, value in ast.iter_fields(node):
            if isinstance(value, list):
                start = None
                for stmt in value:
                    if isinstance(stmt, ast.Import | ast.ImportFrom):
                        start = start or stmt
                        block_start[id(stmt)] = start
                    else:
                        start = None
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                if isinstance(child, ast.Import):
                    targets = [alias.name for alias in child.names]
                else:
                    base = _absolute(child.module, child.level, package)
                    # `from qcity import credit` reaches the credit app, not the package
                    targets = ([f"{base}.{a.name}" for a in child.names] if base == PACKAGE else [base])
                justified = local and _justified(lines, child, block_start.get(id(child), child))
                for target in targets:
                    found.append(Import(f"{PACKAGE}/{rel}", app, target, child.lineno, local, in_tests,
                                        justified))
            visit(child, local or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

    visit(ast.parse(source), False)
    return found


def modules(root: pathlib.Path = PACKAGE_ROOT) -> Iterator[pathlib.Path]:
    """Every Python module of the package except migrations (generated, and frozen in time)."""
    for path in sorted(root.rglob("*.py")):
        if "migrations" not in path.relative_to(root).parts:
            yield path


def scan(root: pathlib.Path = PACKAGE_ROOT) -> list[Import]:
    found: list[Import] = []
    for path in modules(root):
        found.extend(scan_source(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix()))
    return found


def apps(root: pathlib.Path = PACKAGE_ROOT) -> set[str]:
    """The Django apps of the package: the folders with an apps.py."""
    return {path.parent.name for path in root.glob("*/apps.py")}
