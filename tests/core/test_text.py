"""Values quoted in messages stay on one line (core.text): every message that echoes a value uses it."""

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.text import one_line, quoted


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Stop Hate UK", "“Stop Hate UK”"),
        ("!\x85!", "“!\\x85!”"),  # NEXT LINE: the heading hypothesis found (issue 18)
        ("a\u2028b\u2029c", "“a\\u2028b\\u2029c”"),
        ("a\r\nb\tc", "“a\\r\\nb\\tc”"),
        ("nul\x00 esc\x1b del\x7f", "“nul\\x00 esc\\x1b del\\x7f”"),
        ("\x0b\x0c\x1c\x1d\x1e", "“\\x0b\\x0c\\x1c\\x1d\\x1e”"),
        ("evil\u202egpj.exe", "“evil\\u202egpj.exe”"),  # a right-to-left override reorders the line
        ("\ufeffemployee_number", "“\\ufeffemployee_number”"),
        # Letters, accents, a no-break space, joiners in names and emoji are left as written.
        ("Zoë O\u2019Brien\u00a0Jr", "“Zoë O\u2019Brien\u00a0Jr”"),
        ("क्\u200dष 👩\u200d💻", "“क्\u200dष 👩\u200d💻”"),
        (45328, "“45328”"),
    ],
)
def test_quoted_escapes_control_and_line_breaking_characters(value, expected):
    assert quoted(value) == expected


def test_quoted_cuts_long_values_before_escaping():
    assert quoted("x" * 50) == "“" + "x" * 39 + "…”"
    assert quoted("\n" * 50, limit=3) == "“\\n\\n…”"


@given(st.text())
@example("!\x85!")
@example("\r\n\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e")
def test_a_quoted_value_is_always_one_line_of_visible_characters(value):
    shown = quoted(value, limit=1000)
    assert len(shown.splitlines()) == 1
    assert not {unicodedata.category(c) for c in shown} & {"Cc", "Zl", "Zp"}
    assert one_line(one_line(value)) == one_line(value)
