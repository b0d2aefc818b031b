"""Identifiers: the fast path for URIs already canonical must agree with GS1's normaliser (the duplicate key and
the trace index depend on it), and check digits are verified."""

from epcis_event_hash_generator.dl_normaliser import normaliser
from epcis_event_hash_generator.hash_generator import _canonize_value
from hypothesis import given
from hypothesis import strategies as st

from qcity.trace import identifiers
from qcity.trace.event_hash import _canonical


@given(st.from_regex(identifiers.CANONICAL, fullmatch=True))
def test_a_uri_the_fast_path_keeps_is_one_the_normaliser_and_the_hash_keep(uri):
    assert identifiers.canonical(uri) == uri
    assert normaliser(uri) in (None, uri)
    assert _canonize_value(uri) == uri == _canonical(uri)


def test_other_forms_still_go_through_the_normaliser():
    assert identifiers.canonical(" urn:epc:class:lgtin:4012345.012345.998877 ") == \
        "https://id.gs1.org/01/04012345123456/10/998877"
    assert identifiers.canonical("https://example.com/01/04012345123456/10/998877") == \
        "https://id.gs1.org/01/04012345123456/10/998877"
    assert not identifiers.CANONICAL.match("https://id.gs1.org/01/4012345123456/10/998877")  # GTIN-13


def test_check_digits_are_verified():
    assert identifiers.check_digits_ok("https://id.gs1.org/01/04012345123456/10/1")
    assert not identifiers.check_digits_ok("https://id.gs1.org/01/04012345123457/10/1")
    assert identifiers.check_digits_ok("https://id.gs1.org/414/6901234567892/254/1")
    assert not identifiers.check_digits_ok("https://id.gs1.org/417/6901234567891")
    assert identifiers.check_digits_ok("urn:x:private:1")  # no GS1 key, nothing to verify
