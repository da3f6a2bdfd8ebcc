"""More colleagues for the query-count tests: a page must cost the same for one officer or forty."""

from collections.abc import Callable

from tests.factories import ColleagueFactory, record
from tests.organisation import D


def north_officers(org, count: int, *, started: str, btec: str, refresher: Callable[[int], str]) -> list:
    """`count` Neighbourhood Housing Officers in North (Q000 upwards, reporting to N0).

    Each holds the BTEC level 2 (`btec`) and a Stop Hate UK session on
    `refresher(i)`, so the tests can spread their refreshers over the year.
    """
    made = []
    for i in range(count):
        colleague = ColleagueFactory(
            employee_number=f"Q{i:03d}",
            team=org.north,
            line_manager=org.people["N0"],
            role="NHO",
            start_date=D(started),
        )
        record(colleague, "BTEC2-CSC", btec)
        record(colleague, "SHUK-HATE", refresher(i))
        made.append(colleague)
    return made
