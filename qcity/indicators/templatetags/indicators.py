from decimal import Decimal

from django import template
from django.utils.html import format_html

from qcity.core.units import quantity_display

register = template.Library()


@register.filter
def number(value) -> str:
    """A Decimal without trailing zeros or exponent (100, 98.5), for targets and reported values."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


@register.filter
def percent(share) -> str:
    """A share (0.05) as a percentage ("5%"), for the grading parameters."""
    if share is None or share == "":
        return "—"
    return quantity_display(Decimal(str(share)) * 100, "%")


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 84, 22, 2


@register.simple_tag
def sparkline(points, unit: str = "") -> str:
    """A trend line of (year, value) points as inline SVG, drawn on the server (no chart library): the
    values read out in its aria-label and title ("2021：95%；2022：96.5%"); a dash without two points."""
    points = [(year, value) for year, value in points or [] if value is not None]
    if len(points) < 2:
        text = "；".join(f"{year}：{quantity_display(value, unit)}" for year, value in points)
        return format_html('<span class="qc-muted small" title="{}">—</span>', text) if text else "—"
    label = "；".join(f"{year}：{quantity_display(value, unit)}" for year, value in points)
    values = [float(value) for _, value in points]
    low, high = min(values), max(values)
    spread = (high - low) or 1.0
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / (len(points) - 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        y = SPARK_HEIGHT - SPARK_PAD - (value - low) / spread * (SPARK_HEIGHT - 2 * SPARK_PAD)
        return round(SPARK_PAD + index * step, 1), round(y if high != low else SPARK_HEIGHT / 2, 1)

    coords = [xy(i, v) for i, v in enumerate(values)]
    line = " ".join(f"{x},{y}" for x, y in coords)
    last_x, last_y = coords[-1]
    return format_html(
        '<svg class="qc-sparkline" role="img" width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-label="{label}">'
        '<title>{label}</title><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{line}"/>'
        '<circle cx="{x}" cy="{y}" r="2" fill="currentColor"/></svg>',
        w=SPARK_WIDTH, h=SPARK_HEIGHT, label=label, line=line, x=last_x, y=last_y)
