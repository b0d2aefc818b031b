"""Validation of the unified social credit code (GB 32100-2015) with python-stdnum."""

import csv
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as uscc_std

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
# GB 32100-2015 check-character weights for the first 17 positions
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _checksum_ok(code: str) -> bool:
    """Fast path for the common case of a well-formed code (see validate_uscc).

    stdnum normalises the string three times per call, which was most of the time of a
    200,000-row import; a code that fails here is passed to stdnum for the verdict and its reason.
    """
    if not (code[:8].isascii() and code[:8].isdigit()):
        return False
    try:
        total = sum(_VALUES[c] * w for c, w in zip(code[:17], _WEIGHTS, strict=True))
        return USCC_ALPHABET[(31 - total % 31) % 31] == code[17]
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
        raise ValidationError("统一社会信用代码不能为空", code="required")
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为18位，实际为{len(code)}位", code="length")
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(f"统一社会信用代码含有非法字符：{''.join(bad)}（不使用 I、O、S、V、Z）",
                              code="characters")
    try:
        uscc_std.validate(code)
    except stdnum_errors.InvalidChecksum as exc:
        expected = uscc_std.calc_check_digit(code[:17])
        raise ValidationError(f"统一社会信用代码校验位错误：应为 {expected}", code="checksum") from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(f"统一社会信用代码格式错误：{exc.message}", code="format") from exc
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
        raise ValidationError("行业代码不能为空", code="required")
    if code in codes or (code.isdigit() and len(code) in (3, 4) and code[:2] in codes):
        return code
    raise ValidationError(f"行业代码 {code} 不在 GB/T 4754-2017 中", code="unknown")
