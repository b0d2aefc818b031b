"""Report charts as PNG (matplotlib, Agg backend, the CJK font so Chinese labels render)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
from django.utils.translation import gettext as _
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .documents import CJK_FONT  # noqa: E402

STATUS_COLOURS = {"achieved": "#1b7f3b", "on_track": "#2f6fb3", "at_risk": "#d08a00", "off_track": "#b3261e",
                  "no_data": "#9aa1a9"}
_font_checked = False


def _font() -> dict:
    """Fail loudly if the CJK font is missing: a report with boxes instead of characters is useless."""
    global _font_checked
    if not _font_checked:
        properties = font_manager.FontProperties(family=CJK_FONT)
        try:
            font_manager.findfont(properties, fallback_to_default=False)
        except ValueError:
            # matplotlib caches the system's font list on first use; fonts installed after that (the
            # system-package script run on a machine that already had the cache) are added here.
            for path in font_manager.findSystemFonts():
                if "CJK" in path:
                    font_manager.fontManager.addfont(path)
            font_manager.findfont(properties, fallback_to_default=False)
        _font_checked = True
    return {"family": CJK_FONT}


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return buffer.getvalue()


def status_bar_chart(*, labels: list[str], counts: list[dict[str, int]], status_labels: dict[str, str],
                     title: str) -> bytes:
    """Stacked horizontal bars: how many indicators of each group are in each status."""
    font = _font()
    figure = Figure(figsize=(7, 0.5 * len(labels) + 1.4))
    axes = figure.subplots()
    left = [0] * len(labels)
    for status, colour in STATUS_COLOURS.items():
        values = [c.get(status, 0) for c in counts]
        if not any(values):
            continue
        axes.barh(labels, values, left=left, color=colour, label=status_labels[status])
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_title(title, fontdict=font)
    axes.set_xlabel(_("指标数（项）"), fontdict=font)
    for tick in axes.get_yticklabels():
        tick.set_fontfamily(CJK_FONT)
    axes.legend(prop=font, loc="lower right", fontsize=8)
    return _png(figure)


def value_bar_chart(*, labels: list[str], values: list[float | None], title: str, unit: str = "%",
                    colours: list[str] | None = None) -> bytes:
    """Horizontal bars of one figure per item (attainment per indicator or per district)."""
    font = _font()
    figure = Figure(figsize=(7, 0.32 * len(labels) + 1.4))
    axes = figure.subplots()
    shown = [v or 0 for v in values]
    axes.barh([label[:18] for label in labels], shown, color=colours or "#b3261e")
    axes.invert_yaxis()
    axes.set_title(title, fontdict=font)
    axes.set_xlabel(unit, fontdict=font)
    for tick in axes.get_yticklabels():
        tick.set_fontfamily(CJK_FONT)
        tick.set_fontsize(8)
    return _png(figure)
