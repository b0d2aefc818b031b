"""The architecture figures of issue 11, for a checkout of the qcity package.

    .venv/bin/python scripts/architecture_figures.py [path/to/qcity]

Lines of Python (migrations excluded), function-local imports outside tests (and why each may stay),
imports that run up the layer order declared in qcity/core/tests/test_architecture.py, and the
role-group constants (module-level names ending in ROLES). Reads the files with the scanner of the
architecture test (qcity/core/tests/architecture.py); nothing is imported from the scanned tree.
"""

from __future__ import annotations

import ast
import pathlib
import sys
from collections import Counter

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from qcity.core.tests import architecture  # noqa: E402
from qcity.core.tests.test_architecture import LOCAL_IMPORTS_EXEMPT, upward  # noqa: E402


def role_constants(root: pathlib.Path) -> list[str]:
    found = []
    for path in architecture.modules(root):
        if "tests" in path.relative_to(root).parts:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, ast.AnnAssign) else []
            for target in targets:
                if isinstance(target, ast.Name) and target.id.endswith("ROLES"):
                    found.append(f"{path.relative_to(root.parent)}:{target.id}")
    return found


def main(root: pathlib.Path) -> None:
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in architecture.modules(root))
    imports = architecture.scan(root)
    local = [i for i in imports if i.local and not i.in_tests]
    why = Counter()
    source_lines: dict[str, list[str]] = {}
    for imp in local:
        text = source_lines.setdefault(imp.path, (root.parent / imp.path).read_text(encoding="utf-8").splitlines())
        near = " ".join(text[max(0, imp.line - 4):imp.line + 1])
        if imp.path.endswith(LOCAL_IMPORTS_EXEMPT):
            why["apps.py (Django loads it before the models)"] += 1
        elif imp.justified and "# cycle:" in near:
            why["# cycle:"] += 1
        elif imp.justified:
            why["# lazy:"] += 1
        else:
            why["unexplained"] += 1
    up = upward(imports)
    roles = role_constants(root)
    print(f"lines of Python in {root.name}/ (migrations excluded): {lines:,}")
    print(f"function-local imports outside tests: {len(local)}"
          + "".join(f"\n  {reason}: {n}" for reason, n in why.most_common()))
    print(f"imports that run up the layers: {len(up)} ({sum(not i.in_tests for i in up)} in code)"
          + "".join(f"\n  {i}" for i in up if not i.in_tests))
    print(f"role-group constants (module-level names ending in ROLES): {len(roles)}"
          + "".join(f"\n  {r}" for r in roles))
    named = root / "core" / "roles.py"  # the one set of named role groups, where there is one
    if named.exists():
        groups = [t.id for node in ast.parse(named.read_text(encoding="utf-8")).body
                  if isinstance(node, ast.Assign | ast.AnnAssign)
                  for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                  if isinstance(t, ast.Name) and t.id.isupper()]
        print(f"role groups named in {named.relative_to(root.parent)}: {len(groups)} ({', '.join(groups)})")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else architecture.PACKAGE_ROOT)
