"""Every rule an import file must pass, as pure functions over rows and lookups loaded once.

No database and no clock in here: the service loads what the rules need in a
fixed number of queries, passes today's date in, and writes only a plan that
has no problems.
"""

from typing import NamedTuple

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"


class Outcome(NamedTuple):
    """What the import does to one row, for the preview: its cells, and the stored value of each changed one."""

    row: int
    action: str
    values: list[str]
    before: dict[str, str]


def report_every(total: int) -> int:
    """How often a long loop reports progress: about a hundred times, never per row."""
    return max(total // 100, 500)


def preview(changing: list[Outcome], unchanged: list[Outcome], limit: int) -> list[Outcome]:
    """Up to `limit` rows for the preview: the rows that change first, then unchanged ones; in file order."""
    kept = changing[:limit]
    kept += unchanged[: limit - len(kept)]
    return sorted(kept, key=lambda o: o.row)
