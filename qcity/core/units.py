"""The display of units stored as data, and of the numbers written before them.

Units: indicator units from the plans ("%", "家", "亿元") and sample units ("件"). The stored value stays as
the plan or the form wrote it; pages and documents show `unit_display(unit)`, so an English page reads
"12 enterprises" where the Chinese one reads "12家". A unit not listed here is shown as stored.

Numbers: a value is shown with its unit's precision (`amount_display`): a count (件, 个, 家, 户, 项, 人 …)
is a whole number — a mean or a sum over quarters may store 1.99 or 643.0 — and is rounded half up for
display ("2件", "643家"); every other unit (%, 亿元, 万平方米, no unit) keeps at most two decimals with
trailing zeros dropped ("97.73%", "98%", "1.5亿元"). Only the display is rounded: the database, the API and
the status computation keep the full value.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import get_language
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
    "户": _("户"),
    "次": _("次"),
    "所": _("所"),
    "座": _("座"),
    "台": _("台"),
    "批": _("批"),
    "条": _("条"),
    # sample units (the sampling demo's vocabulary counts samples in these)
    "袋": _("袋"),
    "瓶": _("瓶"),
    "桶": _("桶"),
    "盒": _("盒"),
    "杯": _("杯"),
    "包": _("包"),
    "听": _("听"),
    "只": _("只"),
    "根": _("根"),
    "辆": _("辆"),
    "支": _("支"),
    "双": _("双"),
    "卷": _("卷"),
    "米": _("米"),
    "千克": _("千克"),
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

# Units that count whole things: shown as integers. "万户"/"万个" are in ten-thousands, so they keep decimals.
COUNT_UNITS = frozenset({  # i18n-ignore: stored units
    "件", "个", "家", "户", "项", "人", "名", "次", "所", "座", "台", "批", "条", "张", "类", "袋", "瓶", "盒", "处",
})
# Words of an indicator's name that make it a ratio even in a count unit (每万人足球场数量 0.9 个).
RATIO_WORDS = ("率", "比重", "比例", "占比", "每万", "万名", "人均", "满意度", "指数", "浓度", "噪声", "天数", "类别")  # i18n-ignore: words of plan names
DEFAULT_DECIMALS = 2


def unit_display(unit: str | None) -> str:
    """The unit to write after a number: translated when known, a space before a unit spelt in letters."""
    if not unit:
        return ""
    label = str(UNIT_LABELS.get(unit, unit))
    return f" {label}" if label[:1].isascii() and label[:1].isalpha() else label


def is_count(*, unit: str | None, name: str = "") -> bool:
    """Things counted one by one (件, 个, 家 …): whole numbers, unless the indicator's `name` makes it a
    ratio in a count unit (每万人足球场数量, 人均…)."""
    return (unit or "").strip() in COUNT_UNITS and not any(word in name for word in RATIO_WORDS)


def unit_decimals(unit: str | None, name: str = "") -> int:
    """How many decimals a value in `unit` (of the indicator `name`) is shown with, at most (see the module
    docstring)."""
    return 0 if is_count(unit=unit, name=name) else DEFAULT_DECIMALS


def amount_display(value, unit: str | None = None, name: str = "") -> str:
    """`value` (Decimal, float, int or numeric text) rounded to its unit's precision, without trailing
    zeros or exponent; "—" for no value. Text that is not a number is returned as it is."""
    if value is None or value == "":
        return "—"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    rounded = number.quantize(Decimal(1).scaleb(-unit_decimals(unit, name)), rounding=ROUND_HALF_UP)
    text = format(rounded.normalize(), "f")
    return "0" if text == "-0" else text


def quantity_display(value, unit: str | None, name: str = "") -> str:
    """The number and its unit as a page writes them: "2件", "97.73%", "12 enterprises"."""
    if value is None or value == "":
        return "—"
    return f"{amount_display(value, unit, name)}{unit_display(unit)}"


def count_approximate_display(value: int) -> str:
    """An estimated count as its reader says it: 万 from ten thousand on in Chinese ("44万", "1.3万"),
    thousands separators otherwise ("440,000")."""
    if get_language().startswith("zh"):
        return f"{value / 10_000:g}万" if value >= 10_000 else str(value)  # i18n-ignore: Chinese pages only
    return f"{value:,}"
