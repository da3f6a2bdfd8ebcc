"""Met, on track, not met: the one rule (docs: compliance/standing.py), as a table and as counts."""

import datetime as dt
import itertools

import pytest

from compliance.enums import Status
from compliance.standing import Standing, standing, standings_from_counts

SOME_DAY = dt.date(2026, 7, 15)

# (status, valid_until) -> standing: every status, with and without a current completion.
CASES = [
    (Status.COMPLIANT, None, Standing.MET),  # a qualification: no valid_until
    (Status.COMPLIANT, SOME_DAY, Standing.MET),  # a refresher still current
    (Status.EXEMPT, None, Standing.MET),
    (Status.DUE_SOON, SOME_DAY, Standing.MET),  # renewed two years ago, due again soon: covered
    (Status.DUE_SOON, None, Standing.ON_TRACK),  # inside the induction year, nothing current yet
    (Status.PENDING, None, Standing.ON_TRACK),
    (Status.OVERDUE, None, Standing.NOT_MET),
]


@pytest.mark.parametrize(("status", "valid_until", "expected"), CASES)
def test_standing_of_each_status(status, valid_until, expected):
    assert standing(status, valid_until) == expected


def test_every_status_has_a_row_in_the_table():
    assert {status for status, _, _ in CASES} == set(Status)


@pytest.mark.parametrize("counts", list(itertools.product(range(3), repeat=6)))
def test_counts_add_up_like_the_statuses_one_by_one(counts):
    compliant, due_soon_current, due_soon_other, overdue, pending, exempt = counts
    statuses = (
        [(Status.COMPLIANT, None)] * compliant
        + [(Status.DUE_SOON, SOME_DAY)] * due_soon_current
        + [(Status.DUE_SOON, None)] * due_soon_other
        + [(Status.OVERDUE, None)] * overdue
        + [(Status.PENDING, None)] * pending
        + [(Status.EXEMPT, None)] * exempt
    )
    one_by_one = [standing(s, v) for s, v in statuses]
    result = standings_from_counts(
        compliant=compliant,
        due_soon=due_soon_current + due_soon_other,
        due_soon_current=due_soon_current,
        overdue=overdue,
        pending=pending,
        exempt=exempt,
    )
    assert (result.met, result.on_track, result.not_met) == (
        one_by_one.count(Standing.MET),
        one_by_one.count(Standing.ON_TRACK),
        one_by_one.count(Standing.NOT_MET),
    )
    assert result.percent_met == (round(100 * result.met / len(statuses)) if statuses else None)


def test_the_btec_figure_of_the_issue():
    # 7 colleagues, 1 overdue, 3 new starters inside their induction year: 3 met, not "43% with 1 overdue".
    result = standings_from_counts(
        compliant=3, due_soon=1, due_soon_current=0, overdue=1, pending=2, exempt=0
    )
    assert (result.met, result.on_track, result.not_met, result.percent_met) == (3, 3, 1, 43)
