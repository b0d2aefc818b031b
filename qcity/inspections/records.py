"""Draw records as JSON: the public record (what the portal shows) and the full record (officers and
the audit administrator), both accepted by `draw.verify` together with the pool snapshot file.

Public: plan, seed, algorithm version, snapshot hash, stratum sizes (counts per class, aggregate),
sample sizes, item ratios (with each item's industries), the drawn targets' industry codes (which
items apply to them, qcity-draw/2), the inspector snapshot's hash and the selection (enterprise, items,
inspectors as badge number and masked name) in enterprise-id order, which does not tell a target's
class. Full: adds the draw order per stratum and the inspector snapshot (declared conflicts)."""

from __future__ import annotations

from qcity.core.masking import mask_person_name

from . import draw as algorithm
from .models import Assignment, Draw, DrawnTarget


def draw_record(draw: Draw, *, full: bool) -> dict:
    plan = draw.plan
    item_codes = dict(plan.plan_items.values_list("item_id", "item__code"))
    teams: dict[int, list] = {}
    for target_id, inspector_id, badge, full_name, username in (
            Assignment.objects.filter(target__draw=draw).order_by("target_id", "position")
            .values_list("target_id", "inspector_id", "inspector__badge_number", "inspector__user__full_name",
                         "inspector__user__username")):
        teams.setdefault(target_id, []).append((inspector_id, badge, mask_person_name(full_name or username)))
    selection, strata = [], {s: [] for s in algorithm.STRATA}
    rows = (DrawnTarget.objects.filter(draw=draw).order_by("enterprise_id")
            .values_list("pk", "enterprise_id", "enterprise__uscc", "enterprise__name", "enterprise__org_unit__name",
                         "stratum", "position", "item_ids"))
    for pk, enterprise_id, uscc, name, unit, stratum, position, item_ids in rows:
        team = teams.get(pk, [])
        selection.append({"enterprise_id": enterprise_id, "uscc": uscc, "name": name, "org_unit": unit,
                          "items": sorted(item_codes[i] for i in item_ids),
                          "inspector_ids": [t[0] for t in team],
                          "inspectors": [{"badge": t[1], "name": t[2]} for t in team]})
        if full:
            strata[stratum].append((position, enterprise_id))
    record = {
        "format": algorithm.RECORD_FORMAT,
        "algorithm_version": draw.algorithm_version,
        "snapshot_format": draw.snapshot.format_version,
        "plan": {"id": plan.pk, "name": plan.name, "org_unit": plan.org_unit.name, "year": plan.year},
        "drawn_at": draw.drawn_at.isoformat(),
        "published_on": draw.published_on.isoformat() if draw.published_on else None,
        "seed": draw.seed,
        "snapshot_sha256": draw.snapshot_sha256,
        "stratum_sizes": draw.stratum_sizes,
        "sample_sizes": draw.sample_sizes,
        "item_ratios": draw.item_ratios,
        **({"target_industries": draw.target_industries} if draw.algorithm_version != "qcity-draw/1" else {}),
        "inspectors_per_target": draw.inspectors_per_target,
        "inspector_snapshot_sha256": draw.inspector_snapshot_sha256,
        "selection": selection,
    }
    if full:
        record["strata"] = {s: [e for _, e in sorted(strata[s])] for s in algorithm.STRATA}
        record["inspector_snapshot"] = draw.inspector_snapshot
    return record


def draw_verify(draw: Draw) -> algorithm.Verification:
    """Re-run the stored draw from its own full record and snapshot (the API's and page's check)."""
    return algorithm.verify(draw_record(draw, full=True), bytes(draw.snapshot.data))
