"""GS1 identifiers: check digits (biip) and the one canonical form of an EPC or class (the event-hash library's
Digital Link normaliser, so the trace index and the duplicate key agree on what "the same identifier" is)."""

import re

from biip import ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gln import Gln
from biip.gtin import Gtin
from django.utils.translation import gettext as _
from epcis_event_hash_generator.dl_normaliser import normaliser

from .models import DIGITAL_LINK_HOST

# The application identifiers a canonical URI of ours carries, in path order.
PATH_AIS = ("01", "00", "414", "417", "10", "21", "254")
# A Digital Link URI that is already in the normaliser's canonical form (GTIN-14 with lot or serial, GLN with
# extension, party GLN, SSCC; only unreserved characters after the key): `canonical` keeps it without running the
# normaliser's thirty-odd patterns. That the normaliser returns these unchanged is a test (test_identifiers).
CANONICAL = re.compile(r"^https://id\.gs1\.org/(?:01/[0-9]{14}(?:/(?:10|21)/[A-Za-z0-9._-]{1,20})?"
                       r"|414/[0-9]{13}(?:/254/[A-Za-z0-9._-]{1,20})?|417/[0-9]{13}|00/[0-9]{18})$")


class IdentifierError(ValueError):
    """An identifier that is not well formed or whose check digit is wrong; the message names it."""


def canonical(value: str) -> str:
    """The Digital Link form on id.gs1.org of an EPC URN, a class URN or a Digital Link URI on any host;
    other identifiers (private URNs, URLs) are kept as they are, trimmed."""
    value = value.strip()
    if CANONICAL.match(value):
        return value
    return normaliser(value) or value


def check_digits_ok(uri: str) -> bool:
    """Whether the GTIN and GLNs of a canonical URI have right check digits (fast; `gtin_clean` and `gln_clean`
    say what is wrong)."""
    found = parts(uri)
    for ai in ("01", "414", "417"):
        key = found.get(ai)
        if key is not None and not (len(key) == (14 if ai == "01" else 13) and key.isdecimal()
                                    and gs1_standard_check_digit(key[:-1]) == int(key[-1])):
            return False
    return True


def gtin_clean(value: str) -> str:
    """A GTIN-8/12/13/14 as 14 digits, its check digit verified."""
    try:
        return Gtin.parse(value.strip()).as_gtin_14()
    except ParseError as exc:
        raise IdentifierError(_("GTIN %(value)s 无效：%(reason)s") % {"value": value, "reason": exc}) from exc


def gln_clean(value: str) -> str:
    """A 13-digit GLN, its check digit verified."""
    try:
        return Gln.parse(value.strip()).value
    except ParseError as exc:
        raise IdentifierError(_("GLN %(value)s 无效：%(reason)s") % {"value": value, "reason": exc}) from exc


def parts(uri: str) -> dict[str, str]:
    """The application identifiers of a canonical URI: {"01": gtin, "10": lot, …}; empty for other URIs."""
    if not uri.startswith(DIGITAL_LINK_HOST + "/"):
        return {}
    segments = uri[len(DIGITAL_LINK_HOST) + 1:].split("?", 1)[0].split("/")
    return {ai: value for ai, value in zip(segments[::2], segments[1::2], strict=False) if ai in PATH_AIS}


def lot_uri(gtin: str, lot_number: str) -> str:
    return f"{DIGITAL_LINK_HOST}/01/{gtin}/10/{lot_number}"
