"""The OpenAPI schema class of every endpoint: drf-spectacular's, plus the Idempotency-Key header on each
write (POST, PUT, PATCH, DELETE), which the idempotency middleware honours for all of them; and the enum names, generated from the apps' choices
modules."""

import importlib
import importlib.util
from types import ModuleType

from django.apps import apps
from django.db import models
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter

from qcity.core.idempotency import HEADER, REPLAYED_HEADER, TTL, UNSAFE_METHODS

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER, str, OpenApiParameter.HEADER, required=False,
    description=(
        f"A client-chosen unique key (1–255 printable ASCII characters, e.g. a UUID) that makes this write "
        f"safe to retry. The same key, user, method, path and body within {int(TTL.total_seconds() // 3600)} "
        f"hours answers the first successful response again, with the header `{REPLAYED_HEADER}: true`, "
        f"instead of executing twice. The same key with another request answers 409; a retry while the first "
        f"request is still running waits for it, or answers 409 with Retry-After. Error responses are not "
        f"kept: after a 4xx the key may be used again."
    ),
)


class AutoSchema(openapi.AutoSchema):
    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method.upper() in UNSAFE_METHODS:
            parameters = [*parameters, IDEMPOTENCY_KEY]
        return parameters


def enum_name_overrides() -> dict[str, str]:
    """drf-spectacular's ENUM_NAME_OVERRIDES, generated: every choices class of every qcity app's `choices`
    module becomes the enum `<ClassName>Enum`. Without it the enums are named after the field (`status`), and
    two status lists collide; the class names are unique (checked by core/tests/test_naming.py)."""
    overrides: dict[str, str] = {}
    for module in choices_modules():
        for cls in choices_classes(module):
            overrides[f"{cls.__name__}Enum"] = f"{module.__name__}.{cls.__name__}"
    return overrides


def choices_modules() -> list[ModuleType]:
    """The `choices` module of each installed qcity app that has one."""
    modules = []
    for config in apps.get_app_configs():
        if config.name.startswith("qcity.") and importlib.util.find_spec(f"{config.name}.choices"):
            modules.append(importlib.import_module(f"{config.name}.choices"))
    return modules


def choices_classes(module: ModuleType) -> list[type[models.Choices]]:
    """The choices classes defined in `module` (not those it imports)."""
    return [value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, models.Choices) and value.__module__ == module.__name__]
