"""Quantities as people read them: "1000 千克", not "1000.000 KGM"."""

from decimal import Decimal

from .choices import UnitOfMeasure


def uom_label(code: str) -> str:
    """The unit's name in the reader's language (千克 for KGM); an unknown code as sent."""
    try:
        return str(UnitOfMeasure(code).label)
    except ValueError:
        return code


def quantity_text(value) -> str:
    """No trailing zeros and no exponent: 1000.000 → "1000", 2165.500 → "2165.5"."""
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
