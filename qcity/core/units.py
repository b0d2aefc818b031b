"""The display of units stored as data: indicator units from the plans ("%", "家", "亿元") and sample units ("件").

The stored value stays as the plan or the form wrote it; pages and documents show `unit_display(unit)`, so an
English page reads "12 enterprises" where the Chinese one reads "12家". A unit not listed here is shown as stored.
"""

from django.utils.translation import gettext_lazy as _

UNIT_LABELS = {  # i18n-ignore: the keys are the stored units
    "个": _("个"),
    "家": _("家"),
    "项": _("项"),
    "名": _("名"),
    "人": _("人"),
    "件": _("件"),
    "张": _("张"),
    "类": _("类"),
    "天": _("天"),
    "分": _("分"),
    "公里": _("公里"),
    "平方米": _("平方米"),
    "万平方米": _("万平方米"),
    "万亩": _("万亩"),
    "万户": _("万户"),
    "万个": _("万个"),
    "亿元": _("亿元"),
    "微克/立方米": _("微克/立方米"),
}


def unit_display(unit: str | None) -> str:
    """The unit to write after a number: translated when known, a space before a unit spelt in letters."""
    if not unit:
        return ""
    label = str(UNIT_LABELS.get(unit, unit))
    return f" {label}" if label[:1].isascii() and label[:1].isalpha() else label
