"""Indicators computed from operational data instead of reported.

A module that can measure an indicator (sampling: the food sampling pass rate) registers a function in
its AppConfig.ready():

    from qcity.indicators.computed import register
    register("sampling.food_pass_rate", _("食品抽检合格率"), food_pass_rate)

where `food_pass_rate(org_unit, year) -> Decimal | None` returns the value for that unit and year (None
when there is no data). An indicator with source=computed and computed_key="sampling.food_pass_rate"
then takes its values from the function: `computed_values_refresh` writes them as approved values, so
status, assessment and the cockpit treat them like reported ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from qcity.core.models import OrgUnit

ComputeFunction = Callable[[OrgUnit, int], Decimal | None]


@dataclass(frozen=True)
class ComputedIndicator:
    key: str
    label: str
    compute: ComputeFunction


_REGISTRY: dict[str, ComputedIndicator] = {}


def register(key: str, label: str, compute: ComputeFunction) -> None:
    if key in _REGISTRY and _REGISTRY[key].compute is not compute:
        raise ValueError(f"computed indicator {key!r} is already registered")
    _REGISTRY[key] = ComputedIndicator(key, label, compute)


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)


def registered() -> dict[str, ComputedIndicator]:
    return dict(_REGISTRY)


def lookup(key: str) -> ComputedIndicator:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise LookupError(f"no computed indicator registered under {key!r}") from None
