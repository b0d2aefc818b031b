"""The credit-risk scoring model (DOMAIN §3): its parameters, their validation, and what each factor means.

A score is a sum of integer points, one contribution per factor; higher means riskier. Thresholds cut the
score into A/B/C/D, and a listing can set a floor (a serious-violation listing is always D). The leadership
office edits the parameters on the scoring-model page; each edit is a new `ScoringModel` version.
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qcity.enterprises.choices import EnterpriseStatus

from .choices import CreditEventKind, CreditListKind, RiskClass

# An enterprise not classified yet counts as B, the ordinary class (DOMAIN §3: normal inspection ratio),
# so it is neither spared nor singled out by a draw.
UNCLASSIFIED_RISK_CLASS = RiskClass.B


def risk_class_or_default(classification) -> str:
    """The class value ("a".."d") of a `CreditClassification`, or UNCLASSIFIED_RISK_CLASS's when there is none."""
    return classification.risk_class if classification is not None else UNCLASSIFIED_RISK_CLASS.value


DEFAULT_PARAMETERS: dict[str, Any] = {
    # Events count while they are not withdrawn and formed within the look-back window; events of the most
    # recent `recent_years` weigh `recent`, older ones `older`.
    "look_back_years": 3,
    "recent_years": 1,
    "events": {
        CreditEventKind.ADMINISTRATIVE_PENALTY.value: {"recent": 20, "older": 10},
        CreditEventKind.HEAVIER_PENALTY.value: {"recent": 40, "older": 20},
        CreditEventKind.SAMPLING_FAILURE.value: {"recent": 15, "older": 8},
        CreditEventKind.SAMPLING_PASS.value: {"recent": -2, "older": -1},
        CreditEventKind.INSPECTION_NONCONFORMITY.value: {"recent": 10, "older": 5},
        CreditEventKind.INSPECTION_CONFORMITY.value: {"recent": -2, "older": -1},
        CreditEventKind.SUBSTANTIATED_COMPLAINT.value: {"recent": 5, "older": 2},
        # Listings count through list membership below, not a second time as events.
        CreditEventKind.ABNORMAL_OPERATIONS_LISTING.value: {"recent": 0, "older": 0},
        CreditEventKind.SERIOUS_VIOLATION_LISTING.value: {"recent": 0, "older": 0},
        CreditEventKind.RED_LIST.value: {"recent": 0, "older": 0},
        CreditEventKind.LIST_REMOVAL.value: {"recent": 0, "older": 0},
        CreditEventKind.QUALITY_AWARD.value: {"recent": -15, "older": -10},
        CreditEventKind.CERTIFICATION.value: {"recent": -2, "older": -1},
        CreditEventKind.LICENCE_REVOKED.value: {"recent": 40, "older": 20},
    },
    # Base attributes from the enterprise registry.
    "age": {"new_under_years": 1, "new_points": 10, "young_under_years": 3, "young_points": 5,
            "mature_years": 10, "mature_points": -5},
    "status": {"active": 0, "revoked": 40, "deregistered": 0, "moved_out": 0},
    "certifications": {"points_each": -3, "cap": -9},     # certificates valid on the day
    "lapsed_licences": {"points_each": 5, "cap": 15},      # licence kinds whose newest licence has expired
    # Current list membership.
    "lists": {CreditListKind.ABNORMAL_OPERATIONS.value: 30, CreditListKind.SERIOUS_VIOLATION.value: 60,
              CreditListKind.RED.value: -20},
    "floors": {CreditListKind.ABNORMAL_OPERATIONS.value: RiskClass.C.value,
               CreditListKind.SERIOUS_VIOLATION.value: RiskClass.D.value},
    # score ≤ a → A, ≤ b → B, ≤ c → C, otherwise D.
    "thresholds": {"a": -5, "b": 19, "c": 49},
}

AGE_BANDS = {"new": _("成立不满{new}年"), "young": _("成立不满{young}年"), "mature": _("成立满{mature}年"),
             "ordinary": _("成立年限一般")}


def _int(errors: list[str], path: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(_("%(path)s：须为整数") % {"path": path})
        return 0
    if abs(value) > 10_000:
        errors.append(_("%(path)s：绝对值不能超过10000") % {"path": path})
    return value


def parameters_validate(parameters: Any) -> dict[str, Any]:
    """The parameters, complete and checked; ValidationError({"parameters": [...]}) naming each bad path."""
    errors: list[str] = []
    if not isinstance(parameters, dict):
        raise ValidationError({"parameters": [str(_("参数须为JSON对象"))]})
    clean = copy.deepcopy(DEFAULT_PARAMETERS)
    unknown = set(parameters) - set(DEFAULT_PARAMETERS)
    if unknown:
        errors.append(_("未知参数：%(unknown)s") % {"unknown": '、'.join(sorted(unknown))})
    for key in ("look_back_years", "recent_years"):
        if key in parameters:
            clean[key] = _int(errors, key, parameters[key])
    if not 1 <= clean["look_back_years"] <= 10:
        errors.append(_("look_back_years：须在1到10之间"))
    if not 1 <= clean["recent_years"] <= clean["look_back_years"]:
        errors.append(_("recent_years：须在1到look_back_years之间"))
    for section in ("events", "age", "status", "certifications", "lapsed_licences", "lists", "floors",
                    "thresholds"):
        if section not in parameters:
            continue
        given = parameters[section]
        if not isinstance(given, dict):
            errors.append(_("%(section)s：须为JSON对象") % {"section": section})
            continue
        for key, value in given.items():
            if key not in DEFAULT_PARAMETERS[section]:
                errors.append(_("%(section)s.%(key)s：未知项") % {"section": section, "key": key})
            elif section == "events":
                if not isinstance(value, dict) or set(value) - {"recent", "older"}:
                    errors.append(_("events.%(key)s：须为 {\"recent\": 整数, \"older\": 整数}") % {"key": key})
                    continue
                for part in ("recent", "older"):
                    if part in value:
                        clean["events"][key][part] = _int(errors, f"events.{key}.{part}", value[part])
            elif section == "floors":
                if value not in RiskClass.values and value is not None:
                    errors.append(_("floors.%(key)s：须为 a、b、c、d 或 null") % {"key": key})
                clean["floors"][key] = value
            else:
                clean[section][key] = _int(errors, f"{section}.{key}", value)
    age = clean["age"]
    if not 0 < age["new_under_years"] < age["young_under_years"] <= age["mature_years"]:
        errors.append(_("age：须满足 0 < new_under_years < young_under_years ≤ mature_years"))
    for section in ("certifications", "lapsed_licences"):
        each, cap = clean[section]["points_each"], clean[section]["cap"]
        if each * cap < 0 or abs(cap) < abs(each):
            errors.append(_("%(section)s.cap：须与points_each同号且绝对值不小于points_each") % {"section": section})
    t = clean["thresholds"]
    if not t["a"] < t["b"] < t["c"]:
        errors.append(_("thresholds：须满足 a < b < c"))
    if errors:
        raise ValidationError({"parameters": errors})
    return clean


def factor_label(key: str, detail: Any, parameters: dict[str, Any]) -> str:
    """A readable line for one stored contribution, e.g. 行政处罚 2 次."""
    if key.startswith("event."):
        kind = key.removeprefix("event.")
        label = CreditEventKind(kind).label if kind in CreditEventKind.values else kind
        return _("%(kind)s %(count)s 次") % {"kind": label, "count": detail}
    if key.startswith("list."):
        kind = key.removeprefix("list.")
        return _("在%(list)s") % {"list": CreditListKind(kind).label if kind in CreditListKind.values else kind}
    if key == "age":
        age = parameters["age"]
        template = AGE_BANDS.get(detail, "{}")
        return str(template).format(new=age["new_under_years"], young=age["young_under_years"],
                                    mature=age["mature_years"])
    if key == "status":
        return _("登记状态：%(status)s") % {"status": EnterpriseStatus(detail).label if detail in EnterpriseStatus.values
                                            else detail}
    if key == "certifications":
        return _("有效认证 %(count)s 项") % {"count": detail}
    if key == "lapsed_licences":
        return _("许可证过期未续 %(count)s 类") % {"count": detail}
    if key == "floor":
        return _("名录名单限定最低分类：%(class)s") % {"class": RiskClass(detail).label if detail in RiskClass.values
                                                    else detail}
    return key


def contributions(reasons: dict[str, Any], parameters: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored reasons as display rows: label and points, largest risk first; the floor last."""
    rows = [{"key": key, "label": factor_label(key, value[1], parameters), "points": value[0]}
            for key, value in reasons.items() if key != "floor"]
    rows.sort(key=lambda row: (-row["points"], row["key"]))
    if "floor" in reasons:
        rows.append({"key": "floor", "label": factor_label("floor", reasons["floor"][1], parameters),
                     "points": None})
    return rows
