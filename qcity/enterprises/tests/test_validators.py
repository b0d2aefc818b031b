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
