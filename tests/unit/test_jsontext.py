"""``dumps_indented`` writes exactly what ``json.dumps(indent=2, ensure_ascii=False)`` does."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from briefgen.jsontext import dumps_indented

_LEAVES = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
    | st.text()
)
_VALUES = st.recursive(
    _LEAVES,
    lambda children: st.lists(children, max_size=4)
    | st.tuples(children, children)
    | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=30,
)


@given(_VALUES)
def test_the_same_text_as_json(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_escapes_and_unicode_as_json_does() -> None:
    value = {"quote": "“Tashkent”\n\t\\ \"x\" \u2028 \x00", "pages": ["147", 148, 1.5e-7],
             "nested": {"empty": {}, "none": [], "inf": float("inf")}}
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_what_it_does_not_write_itself_is_left_to_json() -> None:
    value = {1: "number key", "ordered": OrderedDict(b=1, a=2), None: 2.5}
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
