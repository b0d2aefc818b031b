"""One name per concept (STYLE.md): model `SamplingPlan` ⇒ API resource `sampling-plans`, serializer
`SamplingPlan…Serializer`; choices classes unique across apps, so the OpenAPI enum names can be generated
(qcity.core.api.schema.enum_name_overrides) instead of kept by hand."""

import importlib
import re
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import serializers

from qcity.core.api.schema import choices_classes, choices_modules, enum_name_overrides

KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Resources that are one thing, not a collection: a computed figure or a dashboard.
UNCOUNTABLE = {"cockpit", "quality-index", "task-progress"}
# A standard's REST binding keeps the standard's paths, so supply-chain systems call it unchanged: EPCIS 2.0
# (/epcis/capture, /epcis/events, …) under /api/.
UNCOUNTABLE |= {"epcis"}
# The schema and its two viewers are drf-spectacular's, not resources.
NOT_RESOURCES = {"schema", "api-docs", "api-redoc"}
# Resources that present another model under their own glossary name.
VIEWS_OF_ANOTHER_MODEL = {
    "credit-files": "Enterprise",  # 信用档案: an enterprise's credit file
    "my-assignments": "DrawnTarget",  # the signed-in inspector's drawn targets
}


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = _route(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route, entry


def _route(pattern) -> str:
    """The route as written for path(); a re_path's named groups become `<name>`."""
    text = str(pattern)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
    return text.lstrip("^").rstrip("$")


def api_routes() -> list[tuple[str, URLPattern]]:
    return [(route.removeprefix("api/"), entry) for route, entry in _walk(get_resolver().url_patterns)
            if route.startswith("api/") and entry.name not in NOT_RESOURCES]


def plural(model_name: str) -> str:
    """`SamplingPlan` → `sampling-plans`, `ProductCategory` → `product-categories`."""
    words = re.sub(r"(?<!^)(?=[A-Z])", "-", model_name).lower()
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


def path_problems(route: str, app_labels: set[str], model_resources: set[str]) -> list[str]:
    """Why `route` (under /api/) is not flat, kebab-case and plural; empty when it is."""
    segments = [s for s in route.strip("/").split("/") if s]
    problems = [f"segment {s!r} is not kebab-case" for s in segments if not (s.startswith("<") or KEBAB.fullmatch(s))]
    if segments and segments[0] == "public":
        segments = segments[1:]
    if not segments:
        return problems + ["no resource"]
    resource = segments[0]
    if resource in app_labels and resource not in model_resources:
        problems.append(f"{resource!r} is an app prefix, not a resource: write `{resource}-<things>/`")
    elif not resource.endswith("s") and resource not in UNCOUNTABLE:
        problems.append(f"resource {resource!r} is not plural")
    return problems


def _app_labels() -> set[str]:
    return {config.label for config in apps.get_app_configs() if config.name.startswith("qcity.")}


def _model_resources() -> set[str]:
    return {plural(model.__name__) for model in apps.get_models() if model.__module__.startswith("qcity.")}


def test_no_two_choices_classes_share_a_name():
    names = Counter(cls.__name__ for module in choices_modules() for cls in choices_classes(module))
    assert [name for name, count in names.items() if count > 1] == []


def test_every_choices_class_has_its_generated_enum_name():
    overrides = enum_name_overrides()
    for module in choices_modules():
        for cls in choices_classes(module):
            assert overrides[f"{cls.__name__}Enum"] == f"{module.__name__}.{cls.__name__}"


def test_the_openapi_schema_builds_without_warnings(tmp_path):
    """Enum name collisions (two `status` lists) are warnings; so is any other schema drift."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


@pytest.mark.parametrize("route, complaint", [
    ("credit/files/", "app prefix"),
    ("reports/white-paper/", "app prefix"),
    ("white-paper/", "not plural"),
    ("sampling_plans/", "kebab-case"),
    ("public/credit/lists/<str:kind>/", "app prefix"),
])
def test_the_path_check_catches_drift(route, complaint):
    assert any(complaint in problem for problem in path_problems(route, _app_labels(), _model_resources()))


def test_api_paths_are_flat_kebab_case_and_plural():
    labels, resources = _app_labels(), _model_resources()
    problems = {route: found for route, _ in api_routes() if (found := path_problems(route, labels, resources))}
    assert problems == {}


def _view_model(entry: URLPattern):
    view = getattr(entry.callback, "cls", None) or getattr(entry.callback, "view_class", None)
    serializer = getattr(view, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None) if serializer and issubclass(serializer, serializers.ModelSerializer) else None


def test_a_model_list_or_detail_resource_is_named_after_its_model():
    """`<model plural>/` or `<app>-<model plural>/` (credit-scoring-models) for list and detail endpoints."""
    wrong = {}
    for route, entry in api_routes():
        segments = route.strip("/").split("/")
        if segments[0] == "public":
            segments = segments[1:]
        is_list_or_detail = len(segments) == 1 or (len(segments) == 2 and segments[1].startswith("<"))
        model = _view_model(entry)
        if model is None or not is_list_or_detail or VIEWS_OF_ANOTHER_MODEL.get(segments[0]) == model.__name__:
            continue
        expected = {plural(model.__name__), f"{model._meta.app_label}-{plural(model.__name__)}"}
        if segments[0] not in expected:
            wrong[route] = sorted(expected)
    assert wrong == {}


def test_a_model_serializer_is_named_after_its_model():
    wrong = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("qcity."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api.serializers")
        except ModuleNotFoundError:
            continue
        for name, cls in vars(module).items():
            if (isinstance(cls, type) and issubclass(cls, serializers.ModelSerializer) and cls.__module__ == module.__name__
                    and cls.Meta.model.__name__ not in name):
                wrong[name] = cls.Meta.model.__name__
    assert wrong == {}
