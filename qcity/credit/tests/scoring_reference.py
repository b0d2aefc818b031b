"""An independent Python evaluation of the credit scoring model, to check the SQL evaluator
(`qcity.credit.services.classification.evaluator_sql`) against.

It reads plain facts, not the database, so a test compares the SQL with what the test itself wrote. It
follows the model's description in `qcity.credit.scoring.DEFAULT_PARAMETERS`, factor by factor; a factor
worth 0 points is no reason, as in the stored reasons.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class EventFact:
    kind: str
    occurred_on: datetime.date
    status: str  # CreditEventStatus value


@dataclass(frozen=True)
class ValidityFact:
    kind: str
    valid_from: datetime.date
    valid_to: datetime.date


@dataclass
class EnterpriseFacts:
    established_on: datetime.date | None
    status: str  # EnterpriseStatus value
    events: list[EventFact] = field(default_factory=list)
    certifications: list[ValidityFact] = field(default_factory=list)
    licences: list[ValidityFact] = field(default_factory=list)
    listed: set[str] = field(default_factory=set)  # CreditListKind values with an entry in force


def _capped(points: int, cap: int) -> int:
    return min(points, cap) if cap > 0 else max(points, cap)


def reference_classify(facts: EnterpriseFacts, parameters: dict[str, Any],
                       on: datetime.date) -> tuple[str, int, dict[str, list]]:
    """(risk_class, score, reasons) of one enterprise on `on`."""
    p = parameters
    points: dict[str, tuple[int, Any]] = {}

    age = p["age"]
    est = facts.established_on
    if est is not None:
        if est > on - relativedelta(years=age["new_under_years"]):
            points["age"] = (age["new_points"], "new")
        elif est > on - relativedelta(years=age["young_under_years"]):
            points["age"] = (age["young_points"], "young")
        elif est <= on - relativedelta(years=age["mature_years"]):
            points["age"] = (age["mature_points"], "mature")

    points["status"] = (p["status"].get(facts.status, 0), facts.status)

    valid = sum(1 for c in facts.certifications if c.valid_from <= on <= c.valid_to)
    rule = p["certifications"]
    points["certifications"] = (_capped(valid * rule["points_each"], rule["cap"]), valid)

    newest: dict[str, datetime.date] = {}
    for licence in facts.licences:
        if licence.valid_from <= on:
            newest[licence.kind] = max(newest.get(licence.kind, licence.valid_to), licence.valid_to)
    lapsed = sum(1 for valid_to in newest.values() if valid_to < on)
    rule = p["lapsed_licences"]
    points["lapsed_licences"] = (_capped(lapsed * rule["points_each"], rule["cap"]), lapsed)

    for kind in sorted(facts.listed):
        points[f"list.{kind}"] = (p["lists"][kind], 1)

    look_back = on - relativedelta(years=p["look_back_years"])
    recent = on - relativedelta(years=p["recent_years"])
    per_kind: dict[str, tuple[int, int]] = {}
    for event in facts.events:
        if event.status == "withdrawn" or not look_back < event.occurred_on <= on:
            continue
        weight = p["events"][event.kind]["recent" if event.occurred_on > recent else "older"]
        total, count = per_kind.get(event.kind, (0, 0))
        per_kind[event.kind] = (total + weight, count + 1)
    for kind, (total, count) in per_kind.items():
        points[f"event.{kind}"] = (total, count)

    score = sum(value for value, _ in points.values())
    reasons = {key: [value, detail] for key, (value, detail) in points.items() if value != 0}
    t = p["thresholds"]
    base = "a" if score <= t["a"] else "b" if score <= t["b"] else "c" if score <= t["c"] else "d"
    floor = max((p["floors"].get(kind) or "" for kind in facts.listed), default="")
    if floor > base:
        reasons["floor"] = [0, floor]
    return max(base, floor), score, reasons
