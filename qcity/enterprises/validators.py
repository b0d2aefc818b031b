"""Validation of the unified social credit code (GB 32100-2015) with python-stdnum."""

import csv
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as uscc_std

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def normalize_uscc(value: str) -> str:
    return uscc_std.compact(value or "")


def validate_uscc(value: str) -> str:
    """Return the compact code, or raise a ValidationError saying what is wrong with it."""
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
