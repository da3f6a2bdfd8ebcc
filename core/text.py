"""Values quoted in messages: one problem is one line, whatever the value holds.

An import prints `row R: COLUMN: message` a line each, the API answers a
`detail` a client logs as one line, and a page shows a message in one box.
A value from a file or a request can hold a line break that `str.splitlines`,
a terminal or a log reader honours: not only `\\n` and `\\r` but U+0085 (NEXT
LINE, a Windows-1252 `…` read as Latin-1), U+2028 and U+2029, and the other
control characters. Quoted raw, one problem prints across two lines and reads
as two. Every message that echoes a value quotes it with `quoted`, which
writes those characters as escapes (`\\n`, `\\x85`, `\\u2028`) a person can
read and report.
"""

import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Control characters (Cc, which includes U+0085), the line and paragraph separators,
# and the bidirectional controls that would make the rest of a line read in another
# order. Joiners and soft hyphens stay: they belong to names in some scripts.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


def _escaped(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    if char in _BIDI_CONTROLS or unicodedata.category(char) in _ESCAPED_CATEGORIES:
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char


def one_line(text: str) -> str:
    """The text with every control and line-breaking character written as an escape."""
    if text.isprintable():  # no Cc, Zl, Zp or format character: the common case, one C call
        return text
    return "".join(map(_escaped, text))


def quoted(value, limit: int = 40) -> str:
    """A value for a message: “between quotes”, on one line, cut to `limit` characters."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"“{one_line(text)}”"
