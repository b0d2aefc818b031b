"""Input types with the platform's ranges, used at the edge: query filters, API fields and form fields.

Every number, year and date a client sends is checked here against what the database column and the
date arithmetic can hold, so bad input is a 400 naming the field instead of an OverflowError, a
"year 0 is out of range" or a decimal silently rounded to 0 deep inside a query. The ranges:

- years: YEAR_MIN..YEAR_MAX (1900–2100): every plan, scheme, calendar and statistic of the platform
  lies well inside it, and `__year` lookups and `date(year, 1, 1)` cannot fail on it;
- dates: DATE_MIN..DATE_MAX (1900-01-01..2100-12-31): legal deadlines are computed by adding working
  days, so a start near 9999-12-31 would overflow `date`; the holiday calendar stops long before;
- ids: 1..BIGINT_MAX (BigAutoField), counts and other integers: the 32-bit PositiveIntegerField
  column unless a field says otherwise;
- decimals: a non-zero value that would round to zero at the column's decimal places is refused
  (`1e-999999` is not 0), as is a value with more integer digits than the column holds.

Numbers typed on a Chinese input method often come in full-width digits (１２３); they are accepted
after NFKC normalisation (see `qcity.core.text.normalize_number`); digits of other scripts are not.
"""

import datetime
from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .text import normalize_number, validate_clean_text

YEAR_MIN, YEAR_MAX = 1900, 2100
DATE_MIN, DATE_MAX = datetime.date(YEAR_MIN, 1, 1), datetime.date(YEAR_MAX, 12, 31)
INT32_MAX = 2**31 - 1  # IntegerField / PositiveIntegerField on PostgreSQL
BIGINT_MAX = 2**63 - 1  # BigAutoField ids


def parse_int(raw, *, minimum: int = 1, maximum: int = BIGINT_MAX) -> int | None:
    """An integer from a query string or a path, or None when it is missing, not a number or out of range.

    For hand-read query parameters that fall back to a default (page numbers, a year picker)."""
    if raw is None:
        return None
    text = normalize_number(str(raw))
    digits = text[1:] if text[:1] in "+-" else text
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 19:
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


# --- Django form fields (pages, and the forms behind django-filter) -----------------------------------


class BoundedIntegerFormField(forms.IntegerField):
    """IntegerField with ASCII-after-NFKC digits and a default range that fits the column."""

    def __init__(self, *, min_value=None, max_value=None, **kwargs):
        super().__init__(min_value=0 if min_value is None else min_value,
                         max_value=INT32_MAX if max_value is None else max_value, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = normalize_number(value)
            if value and not value.lstrip("+-").isascii():
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IdFormField(BoundedIntegerFormField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


class YearFormField(BoundedIntegerFormField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(**kwargs)


class BoundedDateFormField(forms.DateField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)]


class BoundedDecimalFormField(forms.DecimalField):
    """DecimalField that refuses a value it would store as 0 (underflow) instead of rounding it away."""

    def to_python(self, value):
        if isinstance(value, str):
            value = normalize_number(value)
        value = super().to_python(value)
        if value is not None:
            _check_decimal(value, self.decimal_places)
        return value


class CleanTextFormField(forms.CharField):
    """A name or a code: no bidi overrides, zero-width or control characters."""

    default_validators = [validate_clean_text]


# --- django-filter filters ----------------------------------------------------------------------------


@extend_schema_field({"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX})
class YearFilter(django_filters.NumberFilter):
    """A year, YEAR_MIN..YEAR_MAX; on a date field use lookup_expr="year"."""

    field_class = YearFormField


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGINT_MAX})
class IdFilter(django_filters.NumberFilter):
    """A primary or foreign key: 1..BIGINT_MAX."""

    field_class = IdFormField


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": INT32_MAX})
class BoundedIntegerFilter(django_filters.NumberFilter):
    field_class = BoundedIntegerFormField


class BoundedDateFilter(django_filters.DateFilter):
    field_class = BoundedDateFormField


# --- DRF serializer fields -----------------------------------------------------------------------------


class BoundedIntegerField(serializers.IntegerField):
    """IntegerField that fits a 32-bit column by default and takes full-width digits via NFKC."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", INT32_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = normalize_number(data)
            if data and not data.lstrip("+-").isascii():
                self.fail("invalid")
        if isinstance(data, float) and not (-(2.0**63) < data < 2.0**63):
            self.fail("max_value" if data > 0 else "min_value", max_value=self.max_value, min_value=self.min_value)
        return super().to_internal_value(data)


class IdField(BoundedIntegerField):
    """A reference to a row by id, 1..BIGINT_MAX."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


class YearField(BoundedIntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(**kwargs)


class BoundedDateField(serializers.DateField):
    """A date DATE_MIN..DATE_MAX, so that adding a legal duration to it stays a date."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not DATE_MIN <= day <= DATE_MAX:
            raise serializers.ValidationError(
                _("日期须在 %(min)s 至 %(max)s 之间") % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
                code="out_of_range")
        return day


class BoundedDecimalField(serializers.DecimalField):
    """DecimalField that refuses underflow (a non-zero value stored as 0) instead of rounding."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = normalize_number(data)
        value = super().to_internal_value(data)
        raw = _as_decimal(data)
        if raw is not None:
            _check_decimal(raw, self.decimal_places, error=serializers.ValidationError)
        return value


class CleanTextField(serializers.CharField):
    """A name or a code: no bidi overrides, zero-width or control characters."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_clean_text)


def _as_decimal(data) -> Decimal | None:
    try:
        return Decimal(str(data).strip())
    except (InvalidOperation, ValueError):
        return None


def _check_decimal(value: Decimal, decimal_places: int | None, *, error=ValidationError) -> None:
    if not value.is_finite() or decimal_places is None or value == 0:
        return
    if abs(value) < Decimal(1).scaleb(-decimal_places) / 2:
        raise error(_("数值过小，按 %(places)s 位小数保存会变成 0") % {"places": decimal_places}, code="underflow")


# --- query parameters read by hand -----------------------------------------------------------------------


def query_int(params, name: str, *, minimum: int = 1, maximum: int = BIGINT_MAX) -> int | None:
    """An optional integer query parameter of an API: None when absent, a 400 naming it when it is not
    an integer in minimum..maximum (ids by default)."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    value = parse_int(raw, minimum=minimum, maximum=maximum)
    if value is None:
        raise serializers.ValidationError(
            {name: [_("须为 %(min)s 至 %(max)s 之间的整数") % {"min": minimum, "max": maximum}]})
    return value


def query_year(params, name: str = "year") -> int | None:
    return query_int(params, name, minimum=YEAR_MIN, maximum=YEAR_MAX)


def parse_year(raw) -> int | None:
    """A year from a page's query string, or None (the page then shows its default year)."""
    return parse_int(raw, minimum=YEAR_MIN, maximum=YEAR_MAX)


def attach_date_ranges() -> None:
    """Give every DateField of the platform's models the DATE_MIN..DATE_MAX range at start-up.

    ModelForms, ModelSerializers and `full_clean` then refuse 0001-01-01 or 9999-12-31 before a deadline
    or a reminder is computed from it. Attached to the field's validators, not its definition, so no
    migration changes (the column can hold any date; the rule is about input)."""
    bounds = [MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)]
    for model in apps.get_models():
        if not model.__module__.startswith("qcity."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
                validators = field.validators
                if not any(isinstance(v, MaxValueValidator) and v.limit_value == DATE_MAX for v in validators):
                    validators.extend(bounds)
