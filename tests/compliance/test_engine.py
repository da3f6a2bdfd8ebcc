"""docs/rules.md §3 and §4, row by row, without the database."""

import datetime as dt

import pytest

from compliance.engine import (
    ColleagueFacts,
    Completion,
    EquivalenceRule,
    RoleSpell,
    WaiverFacts,
    colleague_statuses,
    eligibility,
)
from compliance.enums import Reason, Status, WaiverKind

from .catalogue import HATE_CRIME, reference_catalogue

W = 90
D = dt.date.fromisoformat


def person(role, role_start, training=(), start=None, leaving=None, roles=None, waivers=()):
    return ColleagueFacts(
        employee_number="E1",
        start_date=D(start or role_start),
        leaving_date=D(leaving) if leaving else None,
        roles=roles or (RoleSpell(role, D(role_start)),),
        completions=tuple(Completion(c, D(d)) for c, d in training),
        waivers=tuple(waivers),
    )


A = person("NHO", "2026-01-10")
B = person("CSO", "2020-05-01", [("BTEC3-CSCNM", "2021-03-01"), ("HC-REFRESHER", "2024-04-30")])
C = person("NHO", "2026-03-01", [("BTEC3-CSCNM", "2019-06-01")])


def status_of(facts, day, code, catalogue=None):
    statuses = colleague_statuses(facts, catalogue or reference_catalogue(), D(day), W)
    found = [s for s in statuses if s.code == code]
    assert len(found) == 1, statuses
    s = found[0]
    return s.status, s.due_date and s.due_date.isoformat(), s.valid_until and s.valid_until.isoformat()


# docs/rules.md §3.4, every row, then the edges the issue names.
@pytest.mark.parametrize(
    ("facts", "day", "code", "expected"),
    [
        (A, "2026-06-01", "BTEC-L2", ("pending", "2027-01-10", None)),
        (A, "2026-11-01", "BTEC-L2", ("due_soon", "2027-01-10", None)),
        (A, "2027-01-10", "BTEC-L2", ("due_soon", "2027-01-10", None)),
        (A, "2027-01-11", "BTEC-L2", ("overdue", "2027-01-10", None)),
        (B, "2026-01-15", "HATE-REFRESHER", ("compliant", "2026-04-30", "2026-04-30")),
        (B, "2026-02-20", "HATE-REFRESHER", ("due_soon", "2026-04-30", "2026-04-30")),
        (B, "2026-05-01", "HATE-REFRESHER", ("overdue", "2026-04-30", None)),
        (C, "2026-03-02", "BTEC-L2", ("compliant", None, None)),
        (C, "2026-03-02", "HATE-REFRESHER", ("pending", "2027-03-01", None)),
        # B's qualification never expires.
        (B, "2030-01-01", "BTEC-L3", ("compliant", None, None)),
        # The warning window starts exactly 90 days before the due date.
        (A, "2026-10-12", "BTEC-L2", ("due_soon", "2027-01-10", None)),
        (A, "2026-10-11", "BTEC-L2", ("pending", "2027-01-10", None)),
        # Month ends clamp: 31 January + 12 months is 31 January; a refresher on 31 Jan 2025
        # + 24 months is 31 Jan 2027; 31 Dec 2025 role start + 12 months... see below.
        (person("NHO", "2025-01-31"), "2025-06-01", "BTEC-L2", ("pending", "2026-01-31", None)),
        # 29 February starts: + 12 months = 28 February.
        (person("NHO", "2024-02-29"), "2025-02-28", "BTEC-L2", ("due_soon", "2025-02-28", None)),
        (person("NHO", "2024-02-29"), "2025-03-01", "BTEC-L2", ("overdue", "2025-02-28", None)),
        # A refresher on 29 Feb 2024 is valid until 28 Feb 2026 (24 months, clamped).
        (
            person("NHO", "2020-01-01", [("BTEC2-CSC", "2020-06-01"), ("SHUK-HATE", "2024-02-29")]),
            "2026-02-28",
            "HATE-REFRESHER",
            ("due_soon", "2026-02-28", "2026-02-28"),
        ),
        (
            person("NHO", "2020-01-01", [("BTEC2-CSC", "2020-06-01"), ("SHUK-HATE", "2024-02-29")]),
            "2026-03-01",
            "HATE-REFRESHER",
            ("overdue", "2026-02-28", None),
        ),
        # A record completed after D does not count on D.
        (B, "2021-02-28", "BTEC-L3", ("due_soon", "2021-05-01", None)),
        # A new starter whose last training is old keeps the induction year (3.2).
        (C, "2027-03-01", "HATE-REFRESHER", ("due_soon", "2027-03-01", None)),
        (C, "2027-03-02", "HATE-REFRESHER", ("overdue", "2027-03-01", None)),
    ],
)
def test_status_matches_spec_table(facts, day, code, expected):
    assert status_of(facts, day, code) == expected


def test_status_month_end_one_month_clamps():
    # 2025-01-31 + 1 month = 2025-02-28 (docs/rules.md §2), through a requirement due after one month.
    from compliance.engine import Catalogue, RequirementRule

    rule = RequirementRule("ONE-MONTH", "x", frozenset({"NHO"}), frozenset({"SHUK-HATE"}), first_due_months=1)
    assert status_of(person("NHO", "2025-01-31"), "2025-02-28", "ONE-MONTH", Catalogue((rule,))) == (
        "due_soon",
        "2025-02-28",
        None,
    )


def test_leaver_counts_on_last_day_and_not_after():
    leaver = person("NHO", "2026-01-10", leaving="2026-06-30")
    assert status_of(leaver, "2026-06-30", "BTEC-L2") == ("pending", "2027-01-10", None)
    assert colleague_statuses(leaver, reference_catalogue(), D("2026-07-01"), W) == []
    answer = eligibility(leaver, "E1", HATE_CRIME, reference_catalogue(), D("2026-07-01"), W)
    assert (answer.eligible, [r.code for r in answer.reasons]) == (False, [Reason.INACTIVE])


def test_not_active_before_start_date():
    starter = person("NHO", "2026-01-10")
    assert colleague_statuses(starter, reference_catalogue(), D("2026-01-09"), W) == []


def test_role_change_starts_the_new_roles_clock():
    changed = person(
        "CSO",
        "2026-04-01",
        [("BTEC2-CSC", "2023-01-01"), ("HC-REFRESHER", "2025-06-01")],
        start="2022-01-01",
        roles=(RoleSpell("NHO", D("2022-01-01")), RoleSpell("CSO", D("2026-04-01"))),
    )
    # As an NHO in 2025 the level 2 counted; as a CSO from April 2026 level 3 is due a year on.
    assert status_of(changed, "2025-01-01", "BTEC-L2") == ("compliant", None, None)
    assert status_of(changed, "2026-05-01", "BTEC-L3") == ("pending", "2027-04-01", None)
    assert [s.code for s in colleague_statuses(changed, reference_catalogue(), D("2026-05-01"), W)] == [
        "BTEC-L3",
        "HATE-REFRESHER",
    ]
    # The refresher's induction year restarts with the role: due the later of the two.
    assert status_of(changed, "2026-05-01", "HATE-REFRESHER") == ("compliant", "2027-06-01", "2027-06-01")


def test_equivalence_counts_only_once_approved_and_is_not_transitive():
    external = person("NHO", "2025-01-01", [("CIH-L3", "2024-06-01")])
    equivalences = (
        *reference_catalogue().equivalences,
        EquivalenceRule("CIH-L3", "BTEC2-CSC", D("2025-06-01")),
    )
    catalogue = reference_catalogue(equivalences=equivalences)
    assert status_of(external, "2025-05-31", "BTEC-L2", catalogue) == ("pending", "2026-01-01", None)
    assert status_of(external, "2025-06-01", "BTEC-L2", catalogue) == ("compliant", None, None)
    # CIH-L3 satisfies BTEC2-CSC, BTEC2-CSC does not satisfy BTEC-L3: no chain.
    cso = person("CSO", "2025-01-01", [("CIH-L3", "2024-06-01")])
    assert status_of(cso, "2025-06-01", "BTEC-L3", catalogue) == ("pending", "2026-01-01", None)


def test_extension_moves_the_due_date_for_that_cycle_only():
    ext = WaiverFacts(
        "BTEC-L2",
        WaiverKind.EXTENSION,
        approved_on=D("2027-01-05"),
        new_due_date=D("2027-06-30"),
        original_due_date=D("2027-01-10"),
    )
    a = person("NHO", "2026-01-10", waivers=[ext])
    assert status_of(a, "2027-01-04", "BTEC-L2") == ("due_soon", "2027-01-10", None)  # not yet approved
    assert status_of(a, "2027-02-01", "BTEC-L2") == ("pending", "2027-06-30", None)
    assert status_of(a, "2027-04-01", "BTEC-L2") == ("due_soon", "2027-06-30", None)
    assert status_of(a, "2027-07-01", "BTEC-L2") == ("overdue", "2027-06-30", None)
    # A role change moves the due date to another cycle: the old extension no longer applies.
    moved = person(
        "NHO", "2026-06-01", start="2026-01-10", roles=(RoleSpell("NHO", D("2026-06-01")),), waivers=[ext]
    )
    assert status_of(moved, "2027-04-01", "BTEC-L2") == ("due_soon", "2027-06-01", None)


def test_extension_of_a_lapsed_refresher_keeps_eligibility():
    ext = WaiverFacts(
        "HATE-REFRESHER",
        WaiverKind.EXTENSION,
        approved_on=D("2026-04-20"),
        new_due_date=D("2026-07-15"),
        original_due_date=D("2026-04-30"),
    )
    b = ColleagueFacts("E2", B.start_date, None, B.roles, B.completions, (ext,))
    assert status_of(b, "2026-05-01", "HATE-REFRESHER") == ("due_soon", "2026-07-15", None)
    answer = eligibility(b, "E2", HATE_CRIME, reference_catalogue(), D("2026-05-01"), W)
    assert answer.eligible is True
    assert answer.supervision_required is True
    assert [(r.code, r.requirement) for r in answer.reasons] == [(Reason.IN_INDUCTION, "HATE-REFRESHER")]


def test_exemption_applies_within_its_dates():
    exempt = WaiverFacts(
        "HATE-REFRESHER",
        WaiverKind.EXEMPTION,
        approved_on=D("2026-04-01"),
        starts_on=D("2026-04-01"),
        ends_on=D("2026-09-30"),
    )
    b = ColleagueFacts("E2", B.start_date, None, B.roles, B.completions, (exempt,))
    assert status_of(b, "2026-03-31", "HATE-REFRESHER") == ("due_soon", "2026-04-30", "2026-04-30")
    assert status_of(b, "2026-05-01", "HATE-REFRESHER") == ("exempt", None, None)
    assert status_of(b, "2026-10-01", "HATE-REFRESHER") == ("overdue", "2026-04-30", None)
    answer = eligibility(b, "E2", HATE_CRIME, reference_catalogue(), D("2026-05-01"), W)
    assert answer.eligible is True
    assert [(r.code, r.requirement, r.due_date) for r in answer.reasons] == [
        (Reason.EXEMPT, "HATE-REFRESHER", None)
    ]
    assert answer.eligible_until is None


def test_requirement_not_in_force_does_not_apply():
    from dataclasses import replace

    catalogue = reference_catalogue()
    later = tuple(
        replace(r, in_force_from=D("2027-01-01")) if r.code == "HATE-REFRESHER" else r
        for r in catalogue.requirements
    )
    codes = [
        s.code for s in colleague_statuses(B, reference_catalogue(requirements=later), D("2026-05-01"), W)
    ]
    assert codes == ["BTEC-L3"]


# docs/rules.md §4 -----------------------------------------------------------------


def answer_for(facts, day):
    a = eligibility(facts, "E1", HATE_CRIME, reference_catalogue(), D(day), W)
    return (
        a.eligible,
        a.supervision_required,
        a.eligible_until and a.eligible_until.isoformat(),
        [(r.code, r.requirement, r.due_date and r.due_date.isoformat()) for r in a.reasons],
    )


def test_eligibility_new_starter_in_induction():
    assert answer_for(A, "2026-06-01") == (
        True,
        True,
        "2027-01-10",
        [("in_induction", "BTEC-L2", "2027-01-10"), ("in_induction", "HATE-REFRESHER", "2027-01-10")],
    )


def test_eligibility_overdue_qualification_refuses():
    assert answer_for(A, "2027-01-11") == (
        False,
        False,
        None,
        [("overdue", "BTEC-L2", "2027-01-10"), ("overdue", "HATE-REFRESHER", "2027-01-10")],
    )


def test_eligibility_compliant_officer_has_no_reasons():
    assert answer_for(B, "2026-01-15") == (True, False, "2026-04-30", [])


def test_eligibility_due_soon_with_current_refresher_needs_no_supervision():
    assert answer_for(B, "2026-02-20") == (True, False, "2026-04-30", [])


def test_eligibility_lapsed_refresher_refuses():
    assert answer_for(B, "2026-05-01") == (False, False, None, [("overdue", "HATE-REFRESHER", "2026-04-30")])


def test_eligibility_equivalence_and_pending_refresher():
    assert answer_for(C, "2026-03-02") == (
        True,
        True,
        "2027-03-01",
        [("in_induction", "HATE-REFRESHER", "2027-03-01")],
    )


def test_eligibility_unknown_employee():
    a = eligibility(None, "ZZ1", HATE_CRIME, reference_catalogue(), D("2026-03-02"), W)
    assert (a.eligible, [r.code for r in a.reasons], a.requirements) == (False, ["unknown_employee"], ())


def test_eligibility_role_not_permitted():
    other = person("NM", "2020-01-01")
    assert answer_for(other, "2026-01-01") == (False, False, None, [("role_not_permitted", None, None)])


def test_eligibility_manager_with_level_5_and_no_refresher_requirement():
    csm = person("CSM", "2019-01-01", [("BTEC5-PAMCS", "2019-09-01")])
    assert answer_for(csm, "2026-01-01") == (True, False, None, [])
    assert [s.status for s in colleague_statuses(csm, reference_catalogue(), D("2026-01-01"), W)] == [
        Status.COMPLIANT
    ]
