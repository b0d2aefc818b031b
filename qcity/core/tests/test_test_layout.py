"""The tests mirror the code, and test data is made one way (docs/architecture.md, "Tests mirror the code").

- An app whose services are a package (`services/<concept>.py`) tests them in `tests/services/`, one
  module per concept, and has no catch-all `tests/test_services.py`; an app with one `services.py` keeps
  `tests/test_services.py` and has no `tests/services/`.
- Factories are factory-boy classes named after their model (`<Model>Factory`, from `class Meta: model =
  <Model>`); a helper that builds data through the services is `make_<thing>`, never `<thing>_factory`.

Read from the source, so it holds for every app without importing any.
"""

import ast
from pathlib import Path

QCITY = Path(__file__).resolve().parents[2]


def _apps() -> list[Path]:
    return sorted(path.parent for path in QCITY.glob("*/apps.py"))


def layout_problems(app: Path) -> list[str]:
    tests = app / "tests"
    problems = []
    if (app / "services").is_dir():
        if (tests / "test_services.py").exists():
            problems.append(f"{tests / 'test_services.py'}: split it into tests/services/test_<concept>.py")
        if tests.is_dir() and not (tests / "services" / "__init__.py").exists():
            problems.append(f"{app.name}: its services are a package, so its service tests go in tests/services/")
    elif (tests / "services").is_dir():
        problems.append(f"{tests / 'services'}: {app.name} has one services.py, so tests/test_services.py")
    return problems


def factory_problems(source: str, path: str) -> list[str]:
    problems = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name.endswith("_factory"):
            problems.append(f"{path}: {node.name}() — a factory is a <Model>Factory class; a helper that goes "
                            f"through the services is make_<thing>()")
        if isinstance(node, ast.ClassDef):
            model = next((statement.value for meta in node.body
                          if isinstance(meta, ast.ClassDef) and meta.name == "Meta"
                          for statement in meta.body
                          if isinstance(statement, ast.Assign)
                          and any(isinstance(t, ast.Name) and t.id == "model" for t in statement.targets)), None)
            if isinstance(model, ast.Name) and node.name != f"{model.id}Factory":
                problems.append(f"{path}: {node.name} makes {model.id}, so it is {model.id}Factory")
    return problems


def test_service_tests_mirror_the_service_modules():
    problems = [problem for app in _apps() for problem in layout_problems(app)]
    assert not problems, "\n".join(problems)


def test_factories_are_named_after_their_model():
    problems = []
    for path in sorted(QCITY.glob("*/tests/factories.py")):
        problems += factory_problems(path.read_text(encoding="utf-8"), str(path.relative_to(QCITY.parent)))
    assert not problems, "\n".join(problems)


def test_the_factory_check_names_what_is_wrong():
    source = (
        "class Meta: pass\n"
        "def task_factory(**kw): pass\n"
        "class TaskMaker(factory.django.DjangoModelFactory):\n"
        "    class Meta:\n"
        "        model = PlanTask\n"
        "class PlanTaskFactory(factory.django.DjangoModelFactory):\n"
        "    class Meta:\n"
        "        model = PlanTask\n"
    )
    assert factory_problems(source, "x.py") == [
        "x.py: task_factory() — a factory is a <Model>Factory class; a helper that goes through the services "
        "is make_<thing>()",
        "x.py: TaskMaker makes PlanTask, so it is PlanTaskFactory",
    ]
