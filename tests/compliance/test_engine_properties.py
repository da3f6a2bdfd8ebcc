"""Properties of the engine that hold for any facts and any date (hypothesis)."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.engine import ColleagueFacts, Completion, RoleSpell, colleague_statuses, eligibility
from compliance.enums import STATUS_SEVERITY, Status

from .catalogue import HATE_CRIME, reference_catalogue

W = 90
CATALOGUE = reference_catalogue()
COURSES = ["BTEC2-CSC", "BTEC3-CSCNM", "BTEC5-PAMCS", "HC-REFRESHER", "SHUK-HATE", "OTHER"]
days = st.dates(min_value=dt.date(2014, 1, 1), max_value=dt.date(2032, 12, 31))
completions = st.lists(st.builds(Completion, st.sampled_from(COURSES), days), max_size=6)


@st.composite
def colleagues(draw):
    start = draw(days)
    role = draw(st.sampled_from(["NHO", "CSO", "CSM"]))
    leaving = draw(st.none() | st.dates(min_value=start, max_value=dt.date(2033, 12, 31)))
    return ColleagueFacts("E1", start, leaving, (RoleSpell(role, start),), tuple(draw(completions)))


def by_code(facts, day):
    return {s.code: s for s in colleague_statuses(facts, CATALOGUE, day, W)}


@settings(max_examples=300)
@given(colleagues(), st.builds(Completion, st.sampled_from(COURSES), days), days)
def test_adding_a_completion_never_makes_a_status_worse(facts, extra, day):
    before = by_code(facts, day)
    more = ColleagueFacts(
        facts.employee_number, facts.start_date, facts.leaving_date, facts.roles, (*facts.completions, extra)
    )
    after = by_code(more, day)
    assert before.keys() == after.keys()
    for code, s in before.items():
        assert STATUS_SEVERITY[after[code].status] <= STATUS_SEVERITY[s.status], (code, s, after[code])


@settings(max_examples=300)
@given(colleagues(), days)
def test_records_completed_after_the_date_are_ignored(facts, day):
    earlier = tuple(c for c in facts.completions if c.completed_on <= day)
    trimmed = ColleagueFacts(
        facts.employee_number, facts.start_date, facts.leaving_date, facts.roles, earlier
    )
    assert colleague_statuses(facts, CATALOGUE, day, W) == colleague_statuses(trimmed, CATALOGUE, day, W)


@settings(max_examples=300)
@given(colleagues(), days)
def test_nobody_is_overdue_on_their_due_date(facts, day):
    for s in colleague_statuses(facts, CATALOGUE, day, W):
        if s.due_date is not None:
            on_due = by_code(facts, s.due_date).get(s.code)
            if on_due is not None and on_due.due_date == s.due_date:
                assert on_due.status != Status.OVERDUE


@settings(max_examples=300)
@given(colleagues(), days)
def test_ineligible_exactly_when_a_gating_requirement_is_overdue(facts, day):
    answer = eligibility(facts, "E1", HATE_CRIME, CATALOGUE, day, W)
    if not facts.active_on(day):
        assert answer.eligible is False
        return
    overdue = any(s.status == Status.OVERDUE for s in colleague_statuses(facts, CATALOGUE, day, W))
    assert answer.eligible is (not overdue)
    assert answer.eligible_until is None or answer.eligible
