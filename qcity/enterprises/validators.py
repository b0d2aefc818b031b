"""Validation of the unified social credit code (GB 32100-2015) with python-stdnum."""

import csv
import operator
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as uscc_std

# GB 32100-2015, the one statement of its check character in qcity (tests hold it to stdnum's
# `calc_check_digit`, which normalises its input on every call: too slow for an import or the demo city).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # positions 1–17


def uscc_weighted_sum(chars: str, start: int = 0) -> int:
    """The weighted sum of `chars` standing at positions start, start+1, … of a code (0-based); the demo
    adds up precomputed partial sums of code halves with it."""
    if start < 0 or start + len(chars) > len(USCC_WEIGHTS):
        raise ValueError("a credit code has 17 weighted positions")
    return sum(map(operator.mul, map(_VALUES.__getitem__, chars), USCC_WEIGHTS[start:]))


def uscc_check_char_of_sum(total: int) -> str:
    """The 18th character for the weighted sum of the first 17."""
    return USCC_ALPHABET[-total % 31]


def uscc_check_char(body: str) -> str:
    """The 18th character of the code whose first 17 characters are `body`."""
    return uscc_check_char_of_sum(uscc_weighted_sum(body[:17]))


def _checksum_ok(code: str) -> bool:
    """Fast path for the common case of a well-formed code (see validate_uscc).

    stdnum normalises the string three times per call, which was most of the time of a
    200,000-row import; a code that fails here is passed to stdnum for the verdict and its reason.
    """
    if not (code[:8].isascii() and code[:8].isdigit()):
        return False
    try:
        return uscc_check_char(code[:17]) == code[17]
    except (KeyError, IndexError, ValueError):
        return False


def normalize_uscc(value: str) -> str:
    return uscc_std.compact(value or "")


def validate_uscc(value: str) -> str:
    """Return the compact code, or raise a ValidationError saying what is wrong with it."""
    code = (value or "").strip().upper()
    if len(code) == 18 and _checksum_ok(code):
        return code
    return _validate_uscc_with_reason(value)


def _validate_uscc_with_reason(value: str) -> str:
    code = normalize_uscc(value)
    if not code:
        raise ValidationError(_("统一社会信用代码不能为空"), code="required")
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位，实际为%(count)s位") % {"count": len(code)}, code="length")
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(_("统一社会信用代码含有非法字符：%(bad)s（不使用 I、O、S、V、Z）") % {"bad": ''.join(bad)},
                              code="characters")
    try:
        uscc_std.validate(code)
    except stdnum_errors.InvalidChecksum as exc:
        expected = uscc_std.calc_check_digit(code[:17])
        raise ValidationError(_("统一社会信用代码校验位错误：应为 %(expected)s") % {"expected": expected}, code="checksum") from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_("统一社会信用代码格式错误：%(message)s") % {"message": exc.message}, code="format") from exc
    return code


@cache
def industry_codes() -> dict[str, str]:
    """GB/T 4754-2017 sections and divisions shipped with the platform: code → name."""
    path = Path(__file__).resolve().parent / "data" / "gbt4754_2017.csv"
    with path.open(encoding="utf-8") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


def validate_industry_code(value: str) -> str:
    """Accept a division (2 digits) or a finer group/class code (3–4 digits) under a known division."""
    code = (value or "").strip().upper()
    codes = industry_codes()
    if not code:
        raise ValidationError(_("行业代码不能为空"), code="required")
    if code in codes or (code.isdigit() and len(code) in (3, 4) and code[:2] in codes):
        return code
    raise ValidationError(_("行业代码 %(code)s 不在 GB/T 4754-2017 中") % {"code": code}, code="unknown")
