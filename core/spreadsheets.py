"""Text for a spreadsheet cell that a spreadsheet cannot turn into a formula.

A name or note beginning with = + - @ (or a tab, carriage return or line
feed) would be run as a formula by Excel, LibreOffice or Google Sheets when
HR opens the file (CSV injection, OWASP: =cmd|' /C calc'!A0). Every CSV and
XLSX the app writes passes its cells through `formula_escaped`.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def formula_escaped(value):
    """The value to write: text that could start a formula gets a leading apostrophe, shown as plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
