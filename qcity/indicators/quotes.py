"""Spans of a plan's text that other modules quote, so the plan page anchors them.

Indicators quote their targets themselves; a higher module that quotes plan text too (workplan: the tasks
split from a plan) registers a function in its AppConfig.ready(), as computed indicators are registered
(`computed.py`), so indicators never imports it:

    from qcity.indicators import quotes
    quotes.register("workplan.tasks", plan_task_quote_spans)

where `plan_task_quote_spans(*, plan) -> Iterable[tuple[int, int]]` gives (start, end) offsets in `plan.text`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

QuoteSpans = Callable[..., Iterable[tuple[int, int]]]

_REGISTRY: dict[str, QuoteSpans] = {}


def register(key: str, spans: QuoteSpans) -> None:
    if key in _REGISTRY and _REGISTRY[key] is not spans:
        raise ValueError(f"plan quotes {key!r} are already registered")
    _REGISTRY[key] = spans


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)


def quoted_spans(*, plan) -> set[tuple[int, int]]:
    """Every registered module's quoted (start, end) spans of the plan's text."""
    return {span for spans in _REGISTRY.values() for span in spans(plan=plan)}
