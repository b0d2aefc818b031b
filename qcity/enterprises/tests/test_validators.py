import pytest
from django.core.exceptions import ValidationError

from qcity.enterprises.validators import validate_industry_code, validate_uscc

VALID = "91110000600037341L"


def test_valid_code_passes_and_is_normalised():
    assert validate_uscc(" 91110000600037341l ") == VALID


@pytest.mark.parametrize(("code", "reason", "words"), [
    ("9111000060003734", "length", "18位"),
    ("91110000600037341I", "characters", "I"),
    ("91110000600037341M", "checksum", "应为 L"),
    ("", "required", "不能为空"),
])
def test_invalid_code_says_what_is_wrong(code, reason, words):
    with pytest.raises(ValidationError) as err:
        validate_uscc(code)
    assert err.value.code == reason
    assert words in err.value.messages[0]


def test_industry_codes_from_gbt4754():
    assert validate_industry_code("14") == "14"
    assert validate_industry_code("1411") == "1411"
    assert validate_industry_code("c") == "C"
    with pytest.raises(ValidationError):
        validate_industry_code("99")


def test_fast_checksum_agrees_with_stdnum_on_random_codes():
    import random

    from stdnum.cn import uscc

    from qcity.enterprises.validators import USCC_ALPHABET, _checksum_ok

    rng = random.Random(7)
    for i in range(5000):
        head = "".join(rng.choice("0123456789" if i % 5 else USCC_ALPHABET) for _ in range(8))
        body = head + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
        good = body + uscc.calc_check_digit(body)
        bad = body + rng.choice(USCC_ALPHABET.replace(good[-1], ""))
        assert _checksum_ok(good) == uscc.is_valid(good)
        assert not _checksum_ok(bad) and not uscc.is_valid(bad)


def test_the_one_check_character_is_stdnums_and_adds_up_from_partial_sums():
    # the demo builds 1.5 million codes from partial sums of code halves: they must add up to the same
    # check character stdnum computes
    import random

    from stdnum.cn import uscc

    from qcity.enterprises.validators import (
        USCC_ALPHABET,
        uscc_check_char,
        uscc_check_char_of_sum,
        uscc_weighted_sum,
    )

    rng = random.Random(11)
    for _ in range(2000):
        body = "".join(rng.choice("0123456789") for _ in range(8)) + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
        cut = rng.randrange(18)
        total = uscc_weighted_sum(body[:cut]) + uscc_weighted_sum(body[cut:], cut)
        assert uscc_check_char(body) == uscc_check_char_of_sum(total) == uscc.calc_check_digit(body)
