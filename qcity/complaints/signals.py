"""Complaint spikes (投诉激增信号): a risk signal for the risk module, which reads it without this module
knowing it (the same one-way shape as the registries in docs/architecture.md).

`complaint_spikes(on=D)` compares, for each respondent, category and product, the complaints and reports
received in the window that ends on D (`window_days`, D included) with the windows of the same length in
the `baseline_weeks` before it, and returns the keys whose window stands out, highest z-score first:

    ComplaintSpike(
        dimension="respondent" | "category" | "product",
        key="123",                 # respondent: the enterprise id; category: the category id; product: the name
        label="郑州某某超市有限公司",  # the enterprise or category name, or the product name as written
        count=9,                    # complaints and reports received in the window
        baseline_mean=1.25,         # mean per baseline window (baseline_weeks * 7 // window_days windows)
        baseline_sd=0.8,            # population standard deviation per baseline window
        ratio=7.2,                  # count / baseline_mean; None when the baseline is 0
        z_score=9.7,                # (count - mean) / max(sd, 1): a steady series (sd 0) is not infinitely surprised
        first_received_on=date(...), last_received_on=date(...),  # within the window
        complaint_ids=(41, 57, ...),  # up to SAMPLE_IDS of the window's complaints, oldest first; ids only
    )

A spike is a window count ≥ `min_count` with z ≥ `threshold`, or with a baseline of 0 (something new
arrives in numbers). Only figures, ids and reference names: no person, no free text but the product name.
A split-off part of a mixed submission is not counted twice. Counting is done in SQL: per dimension one
query for the window, one for the baseline of the keys that reach `min_count`, one for the sample ids.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, F, Max, Min, QuerySet
from django.db.models.functions import Trim

from .models import Complaint

SAMPLE_IDS = 10

# dimension → (the key expression, the label field or None when the key is its own label)
DIMENSIONS = {
    "respondent": (F("respondent_id"), "respondent__name"),
    "category": (F("category_id"), "category__name"),
    "product": (Trim("product"), None),
}


@dataclass(frozen=True)
class ComplaintSpike:
    dimension: str
    key: str
    label: str
    count: int
    baseline_mean: float
    baseline_sd: float
    ratio: float | None
    z_score: float
    first_received_on: datetime.date
    last_received_on: datetime.date
    complaint_ids: tuple[int, ...]


def _keyed(queryset: QuerySet[Complaint], dimension: str) -> QuerySet[Complaint]:
    key, label_field = DIMENSIONS[dimension]
    keyed = queryset.annotate(spike_key=key).exclude(spike_key__isnull=True)
    return keyed if label_field else keyed.exclude(spike_key="")


def _baseline(counts: dict[int, int], windows: int) -> tuple[float, float]:
    series = [counts.get(i, 0) for i in range(windows)]
    return statistics.fmean(series), statistics.pstdev(series)


def complaint_spikes(*, on: datetime.date, window_days: int = 7, baseline_weeks: int = 12, min_count: int = 5,
                     threshold: float = 3.0) -> list[ComplaintSpike]:
    """The spikes of the window ending on `on` (see the module docstring for the shape and the rule)."""
    if window_days < 1 or baseline_weeks < 1 or min_count < 1:
        raise ValueError("window_days, baseline_weeks and min_count must be at least 1")
    window_start = on - datetime.timedelta(days=window_days - 1)
    windows = max(baseline_weeks * 7 // window_days, 1)
    baseline_start = window_start - datetime.timedelta(days=windows * window_days)
    counted = Complaint.objects.filter(split_from__isnull=True).order_by()
    spikes = []
    for dimension, (_key, label_field) in DIMENSIONS.items():
        in_window = _keyed(counted.filter(received_on__gte=window_start, received_on__lte=on), dimension)
        candidates = {
            row["spike_key"]: row for row in in_window.values("spike_key", *([label_field] if label_field else []))
            .annotate(n=Count("id"), first=Min("received_on"), last=Max("received_on")).filter(n__gte=min_count)}
        if not candidates:
            continue
        history: dict[object, dict[int, int]] = {key: {} for key in candidates}
        before = _keyed(counted.filter(received_on__gte=baseline_start, received_on__lt=window_start), dimension)
        for row in (before.filter(spike_key__in=list(candidates))
                    .values("spike_key", "received_on").annotate(n=Count("id"))):
            index = (row["received_on"] - baseline_start).days // window_days
            bucket = history[row["spike_key"]]
            bucket[index] = bucket.get(index, 0) + row["n"]
        found = []
        for key, row in candidates.items():
            mean, sd = _baseline(history[key], windows)
            z = (row["n"] - mean) / max(sd, 1.0)
            if mean == 0 or z >= threshold:
                found.append((key, row, mean, sd, z))
        if not found:
            continue
        samples: dict[object, list[int]] = {key: [] for key, *_rest in found}
        for key, pk in (in_window.filter(spike_key__in=list(samples)).order_by("received_on", "id")
                        .values_list("spike_key", "id")):
            ids = samples[key]
            if len(ids) < SAMPLE_IDS:
                ids.append(pk)
        for key, row, mean, sd, z in found:
            spikes.append(ComplaintSpike(
                dimension=dimension, key=str(key), label=str(row[label_field] if label_field else key), count=row["n"],
                baseline_mean=round(mean, 3), baseline_sd=round(sd, 3), ratio=round(row["n"] / mean, 2) if mean else None,
                z_score=round(z, 2), first_received_on=row["first"], last_received_on=row["last"],
                complaint_ids=tuple(samples[key])))
    return sorted(spikes, key=lambda s: (-s.z_score, -s.count, s.dimension, s.key))
