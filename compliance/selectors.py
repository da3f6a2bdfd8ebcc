"""Reads for the compliance engine: everything it needs, in a fixed number of queries.

`catalogue_load()` costs 7 queries whatever the catalogue's size;
`colleague_facts()` costs 6 whatever the number of colleagues. Callers pass a
queryset of colleagues (already scoped to what the user may see) and get plain
data back, so no page, report or endpoint queries per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from core.perf import gc_paused
from people.models import Colleague, Role, RoleAssignment
from training.models import Course, Equivalence, TrainingRecord

from . import engine
from .models import CaseType, Requirement, Waiver


def warning_days() -> int:
    return settings.COMPLIANCE_WARNING_DAYS


def catalogue_load() -> engine.Catalogue:
    """Requirements, equivalences and case types as the engine's plain rules."""
    links: dict[str, dict[int, set[str]]] = {}
    for name, through, column in (
        ("roles", Requirement.roles.through, "role__code"),
        ("courses", Requirement.courses.through, "course__code"),
        ("gates", Requirement.gates.through, "casetype__code"),
    ):
        grouped: dict[int, set[str]] = defaultdict(set)
        for requirement_id, code in through.objects.values_list("requirement_id", column):
            grouped[requirement_id].add(code)
        links[name] = grouped

    requirements = tuple(
        engine.RequirementRule(
            code=r["code"],
            name=r["name"],
            roles=frozenset(links["roles"][r["id"]]),
            courses=frozenset(links["courses"][r["id"]]),
            first_due_months=r["first_due_months"],
            recurrence_months=r["recurrence_months"],
            in_force_from=r["in_force_from"],
            in_force_until=r["in_force_until"],
            requirement_id=r["id"],
        )
        for r in Requirement.objects.order_by("code").values(
            "id", "code", "name", "first_due_months", "recurrence_months", "in_force_from", "in_force_until"
        )
    )
    gated_by: dict[str, set[str]] = defaultdict(set)
    for requirement_id, case_codes in links["gates"].items():
        code = next(r.code for r in requirements if r.requirement_id == requirement_id)
        for case_code in case_codes:
            gated_by[case_code].add(code)

    case_roles: dict[int, set[str]] = defaultdict(set)
    for case_type_id, role_code in CaseType.roles.through.objects.values_list("casetype_id", "role__code"):
        case_roles[case_type_id].add(role_code)
    case_types = tuple(
        engine.CaseTypeRule(code=code, roles=frozenset(case_roles[pk]), gated_by=frozenset(gated_by[code]))
        for pk, code in CaseType.objects.order_by("code").values_list("id", "code")
    )
    equivalences = tuple(
        engine.EquivalenceRule(course=course, satisfies=satisfies, approved_on=approved_on)
        for course, satisfies, approved_on in Equivalence.objects.values_list(
            "course__code", "satisfies__code", "approved_on"
        )
    )
    return engine.Catalogue(requirements=requirements, equivalences=equivalences, case_types=case_types)


def _rows(queryset) -> list[tuple]:
    """All rows of a values_list() queryset, fetched in one go.

    The ORM's iterator fetches 100 rows at a time and wraps each; for the
    hundred thousand training records of a large organisation that is four
    times slower than one fetchall(). Django's own converters still apply, so
    SQLite's dates come back as dates too.
    """
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return list(compiler.results_iter([fetched], tuple_expected=True))


def colleague_facts(colleagues: QuerySet[Colleague]) -> dict[int, engine.ColleagueFacts]:
    """The engine's facts for every colleague in the queryset, keyed by colleague id (6 queries)."""
    ids = colleagues.order_by().values("id")
    # Codes by id from the two small tables, rather than a join per row: the
    # same string objects are then shared by a hundred thousand rows.
    role_codes = dict(Role.objects.values_list("id", "code"))
    course_codes = dict(Course.objects.values_list("id", "code"))
    roles: dict[int, list] = defaultdict(list)
    for colleague_id, role_id, started_on in _rows(
        RoleAssignment.objects.filter(colleague_id__in=ids).values_list(
            "colleague_id", "role_id", "started_on"
        )
    ):
        roles[colleague_id].append((role_codes[role_id], started_on))

    completions: dict[int, list] = defaultdict(list)
    for colleague_id, course_id, completed_on in _rows(
        TrainingRecord.objects.filter(colleague_id__in=ids).values_list(
            "colleague_id", "course_id", "completed_on"
        )
    ):
        completions[colleague_id].append((course_codes[course_id], completed_on))

    waivers: dict[int, list[engine.WaiverFacts]] = defaultdict(list)
    for w in Waiver.objects.filter(colleague_id__in=ids).values(
        "colleague_id",
        "requirement__code",
        "kind",
        "approved_on",
        "new_due_date",
        "original_due_date",
        "starts_on",
        "ends_on",
    ):
        waivers[w.pop("colleague_id")].append(engine.WaiverFacts(requirement=w.pop("requirement__code"), **w))

    facts = {}
    empty = ()
    for pk, number, first, last, team, start, leaving in _rows(
        colleagues.order_by().values_list(
            "id", "employee_number", "first_name", "last_name", "team__name", "start_date", "leaving_date"
        )
    ):
        facts[pk] = engine.ColleagueFacts(
            employee_number=number,
            start_date=start,
            leaving_date=leaving,
            roles=tuple(roles.get(pk, empty)),
            completions=tuple(completions.get(pk, empty)),
            waivers=tuple(waivers.get(pk, empty)),
            name=f"{first} {last}".strip(),
            team=team or "",
            colleague_id=pk,
        )
    return facts


@dataclass(frozen=True)
class ColleagueCompliance:
    facts: engine.ColleagueFacts
    role: str | None
    role_started_on: dt.date | None
    statuses: list[engine.RequirementStatus]


def compliance_on(
    colleagues: QuerySet[Colleague], day: dt.date, catalogue: engine.Catalogue | None = None
) -> list[ColleagueCompliance]:
    """The status of every requirement of every colleague in the queryset who is active on `day`."""
    catalogue = catalogue or catalogue_load()
    window = warning_days()
    out = []
    with gc_paused():
        for facts in colleague_facts(colleagues).values():
            if not facts.active_on(day):
                continue
            spell = facts.role_on(day)
            out.append(
                ColleagueCompliance(
                    facts=facts,
                    role=spell.role if spell else None,
                    role_started_on=spell.started_on if spell else None,
                    statuses=engine.colleague_statuses(facts, catalogue, day, window),
                )
            )
    out.sort(key=lambda c: (c.facts.team, c.facts.name, c.facts.employee_number))
    return out


class UnknownCaseType(ValueError):
    pass


# The colleague columns every fact-loading path reads, in this order.
_COLLEAGUE_COLUMNS = (
    "id",
    "employee_number",
    "first_name",
    "last_name",
    "team__name",
    "start_date",
    "leaving_date",
)


def _facts_for_rows(rows: list[tuple], id_filter) -> dict[int, engine.ColleagueFacts]:
    """The engine's facts for colleague rows already fetched (`_COLLEAGUE_COLUMNS`), in 3 queries.

    `id_filter` is the rows' ids: a list when there are a few thousand at most
    (one IN-list of integers, rather than repeating the lookup that found them
    in every query), or a subquery for the whole organisation. Role and course
    codes come by join: for a few thousand rows that is cheaper than two more
    queries for the code tables.
    """
    if not rows:
        return {}
    roles: dict[int, list] = defaultdict(list)
    for colleague_id, role, started_on in _rows(
        RoleAssignment.objects.filter(colleague_id__in=id_filter).values_list(
            "colleague_id", "role__code", "started_on"
        )
    ):
        roles[colleague_id].append((role, started_on))
    completions: dict[int, list] = defaultdict(list)
    for colleague_id, course, completed_on in _rows(
        TrainingRecord.objects.filter(colleague_id__in=id_filter).values_list(
            "colleague_id", "course__code", "completed_on"
        )
    ):
        completions[colleague_id].append((course, completed_on))
    waivers: dict[int, list[engine.WaiverFacts]] = defaultdict(list)
    for colleague_id, *w in _rows(
        Waiver.objects.filter(colleague_id__in=id_filter).values_list(
            "colleague_id",
            "requirement__code",
            "kind",
            "approved_on",
            "new_due_date",
            "original_due_date",
            "starts_on",
            "ends_on",
        )
    ):
        waivers[colleague_id].append(engine.WaiverFacts(*w))
    empty = ()
    return {
        pk: engine.ColleagueFacts(
            employee_number=number,
            start_date=start,
            leaving_date=leaving,
            roles=tuple(roles.get(pk, empty)),
            completions=tuple(completions.get(pk, empty)),
            waivers=tuple(waivers.get(pk, empty)),
            name=f"{first} {last}".strip(),
            team=team or "",
            colleague_id=pk,
        )
        for pk, number, first, last, team, start, leaving in rows
    }


def case_type_rule(catalogue: engine.Catalogue, case_type: str) -> engine.CaseTypeRule:
    rule = catalogue.case_types_by_code.get(case_type)
    if rule is None:
        raise UnknownCaseType(case_type)
    return rule


def eligibility_for(
    employee_numbers: Iterable[str],
    case_type: str,
    day: dt.date,
    catalogue: engine.Catalogue | None = None,
    colleagues: QuerySet[Colleague] | None = None,
) -> list[engine.Eligibility]:
    """SPEC.md 4 for each number, in the order asked; unknown numbers answer `unknown_employee`.

    `colleagues` limits who can be found (a person's scope, `colleagues_for`);
    a number outside it answers `unknown_employee` too, so a scope never
    reveals who exists beyond it. Costs 4 queries (1 when no number is known),
    plus the catalogue's unless one is passed.
    """
    catalogue = catalogue or catalogue_load()
    rule = case_type_rule(catalogue, case_type)
    numbers = list(employee_numbers)
    scope = Colleague.objects.all() if colleagues is None else colleagues
    window = warning_days()
    with gc_paused():
        rows = _rows(
            scope.filter(employee_number__in=set(numbers)).order_by().values_list(*_COLLEAGUE_COLUMNS)
        )
        facts = _facts_for_rows(rows, [r[0] for r in rows])
        by_number = {f.employee_number: f for f in facts.values()}
        return [engine.eligibility(by_number.get(n), n, rule, catalogue, day, window) for n in numbers]


def eligibility_candidates(
    colleagues: QuerySet[Colleague], rule: engine.CaseTypeRule, day: dt.date, team: str | None = None
) -> QuerySet[Colleague]:
    """Colleagues active on `day` whose role that day the case type admits, as a case system lists them.

    The role on a day is the latest assignment started on or before it, as in
    `ColleagueFacts.role_on`, so the engine never answers `inactive` or
    `role_not_permitted` for anyone listed here.
    """
    role_then = (
        RoleAssignment.objects.filter(colleague=OuterRef("pk"), started_on__lte=day)
        .order_by("-started_on")
        .values("role__code")[:1]
    )
    found = (
        colleagues.filter(Q(start_date__lte=day), Q(leaving_date__isnull=True) | Q(leaving_date__gte=day))
        .annotate(role_then=Subquery(role_then))
        .filter(role_then__in=sorted(rule.roles))
    )
    if team is not None:
        found = found.filter(team__name=team)
    return found.order_by(
        F("team__name").asc(nulls_last=True), "last_name", "first_name", "employee_number"
    ).values_list(*_COLLEAGUE_COLUMNS)


def eligibility_of_rows(
    rows: list[tuple], rule: engine.CaseTypeRule, day: dt.date, catalogue: engine.Catalogue, id_filter=None
) -> list[engine.Eligibility]:
    """SPEC.md 4 for colleague rows from `eligibility_candidates`, in their order (3 queries)."""
    window = warning_days()
    with gc_paused():
        facts = _facts_for_rows(rows, [r[0] for r in rows] if id_filter is None else id_filter)
        return [engine.eligibility(facts[r[0]], r[1], rule, catalogue, day, window) for r in rows]
