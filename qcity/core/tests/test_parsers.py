import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcity.core.parsers import JSONTooDeep, json_depth, json_loads

# strings full of what a bracket counter could trip over: brackets, quotes, backslashes, escapes
TRICKY_TEXT = st.text(alphabet='[]{}"\\/ ab\n\u4e2d', max_size=8)
JSON_VALUES = st.recursive(st.none() | st.integers() | TRICKY_TEXT,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TRICKY_TEXT, inner, max_size=3),
                           max_leaves=20)


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@given(JSON_VALUES)
def test_json_depth_counts_the_nesting_and_ignores_brackets_inside_strings(value):
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False, indent=1)):
        assert json_depth(text) == _depth(value)


def test_json_loads_refuses_a_body_nested_past_the_limit():
    assert json_loads("[" * 32 + "]" * 32) is not None
    with pytest.raises(JSONTooDeep):
        json_loads("[" * 33 + "]" * 33)
    assert json_loads(json.dumps({"a": "[" * 40})) == {"a": "[" * 40}
