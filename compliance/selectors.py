"""Reads for the compliance engine: everything it needs, in a fixed number of queries.

`catalogue_load()` costs 7 queries whatever the catalogue's size;
`colleague_facts()` costs 6 whatever the number of colleagues. Callers pass a
queryset of colleagues (already scoped to what the user may see) and get plain
data back, so no page, report or endpoint queries per row.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections
from django.db.models import CharField, DateField, F, Q, QuerySet, Value
from django.db.models.functions import Cast

from core.db import prepared_cursor
from core.lookups import AnyOf, array_literal
from core.perf import gc_paused
from people.models import Colleague, Role, RoleAssignment
from training.models import Course, Equivalence, TrainingRecord

from . import engine, queries
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


_memo: tuple[float, engine.Catalogue] | None = None


def catalogue_cached() -> engine.Catalogue:
    """The catalogue, loaded at most once every COMPLIANCE_CATALOGUE_CACHE_SECONDS per process.

    For the API's hot path: seven queries per request would cost more than
    the answer. A drain of changes (`compliance.changes`) forgets it in the
    draining process at once; other processes see an edit within the cache's
    lifetime.
    """
    global _memo
    now = time.monotonic()
    memo = _memo
    if memo is None or now - memo[0] >= settings.COMPLIANCE_CATALOGUE_CACHE_SECONDS:
        memo = _memo = (now, catalogue_load())
    return memo[1]


def catalogue_forget(**kwargs) -> None:
    global _memo
    _memo = None


def catalogue_forget_on_change(changes) -> None:
    """Subscriber of `compliance.changes`: a catalogue table was written."""
    if changes.everyone:
        catalogue_forget()


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
    # A record awaiting HR's check (self-submitted training) does not count yet.
    for colleague_id, course_id, completed_on in _rows(
        TrainingRecord.objects.filter(colleague_id__in=ids, verified=True).values_list(
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


_SHAPE = ("u_colleague", "u_tag", "u_code", "u_d1", "u_d2", "u_d3", "u_d4", "u_d5", "u_what")


def _shaped(queryset, colleague: str, tag: str, code: str, *dates: str, kind: str | None = None):
    """Rows as (colleague id, tag, code, five dates, kind): every branch of the facts union alike.

    Every column is a named annotation, so each branch selects them in the same order.
    """
    # Typed NULLs: PostgreSQL settles a union's column types branch by branch.
    no_date = Cast(Value(None), output_field=DateField())
    columns = {
        "u_colleague": F(colleague),
        "u_tag": Cast(Value(tag), output_field=CharField()),
        "u_code": F(code),
        **{f"u_d{i}": F(dates[i - 1]) if i <= len(dates) else no_date for i in range(1, 6)},
        "u_what": F(kind) if kind else Cast(Value(None), output_field=CharField()),
    }
    return queryset.order_by().annotate(**columns).values_list(*_SHAPE)


def _facts_union(which, colleagues=None):
    """Role spells, training records, waivers (and colleagues) of `which`, as one UNION ALL query.

    One round trip instead of four, which is most of the cost of asking about
    one officer. `which` filters each branch by its `colleague_id`, or by
    `colleague__...`; `colleagues`, when given, is a queryset whose rows join
    the union so that facts for unknown or out-of-scope colleagues are dropped.
    """
    branches = [
        _shaped(RoleAssignment.objects.filter(which), "colleague_id", "r", "role__code", "started_on"),
        _shaped(
            TrainingRecord.objects.filter(which, verified=True),
            "colleague_id",
            "t",
            "course__code",
            "completed_on",
        ),
        _shaped(
            Waiver.objects.filter(which),
            "colleague_id",
            "w",
            "requirement__code",
            "approved_on",
            "new_due_date",
            "original_due_date",
            "starts_on",
            "ends_on",
            kind="kind",
        ),
    ]
    if colleagues is not None:
        branches.append(_shaped(colleagues, "id", "c", "employee_number", "start_date", "leaving_date"))
    return branches[0].union(*branches[1:], all=True)


def _facts_parts(rows):
    """Split the union's rows into role spells, completions, waivers and colleagues, by colleague id."""
    roles: dict[int, list] = defaultdict(list)
    completions: dict[int, list] = defaultdict(list)
    waivers: dict[int, list[engine.WaiverFacts]] = defaultdict(list)
    found: dict[int, tuple] = {}
    for colleague_id, tag, code, day, second, third, starts, ends, kind in rows:
        if tag == "t":
            completions[colleague_id].append((code, day))
        elif tag == "r":
            roles[colleague_id].append((code, day))
        elif tag == "w":
            waivers[colleague_id].append(engine.WaiverFacts(code, kind, day, second, third, starts, ends))
        else:
            found[colleague_id] = (code, day, second)
    return roles, completions, waivers, found


def _in_scope(scope, numbers):
    return scope.filter(AnyOf(F("employee_number"), numbers)).order_by()


# SQL of the hot paths, compiled once per process (PostgreSQL): building a
# four-branch union through the ORM costs more than running it.
_COMPILED: dict[str, tuple] = {}
# Compiled with these values in place of the real ones, found again by their literal.
_MARK = ["\x00values of this query\x00"]
_MARK_LITERAL = array_literal(_MARK)


def _rows_compiled(key: str | None, make, values: list) -> list[tuple]:
    """Rows of the queryset `make(values)`; with a `key`, its SQL is compiled once and reused.

    On PostgreSQL `values` travels as one array parameter (`AnyOf`), so the
    SQL text does not depend on it: the query is compiled once with marker
    values, whose parameter is then swapped for the real ones. Elsewhere
    (SQLite) the query is built each time.
    """
    if key is None or connection.vendor != "postgresql":
        return _rows(make(values))
    cached = _COMPILED.get(key)
    if cached is None:
        queryset = make(_MARK)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        cached = _COMPILED[key] = (compiler, sql, tuple(params))
    compiler, sql, params = cached
    literal = array_literal(values)
    with prepared_cursor() as cursor:
        cursor.execute(sql, [literal if p == _MARK_LITERAL else p for p in params])
        fetched = cursor.fetchall()
    return list(compiler.results_iter([fetched], tuple_expected=True))


def _facts(pk, number, start, leaving, parts, name="", team="") -> engine.ColleagueFacts:
    roles, completions, waivers, _ = parts
    empty = ()
    return engine.ColleagueFacts(
        employee_number=number,
        start_date=start,
        leaving_date=leaving,
        roles=tuple(roles.get(pk, empty)),
        completions=tuple(completions.get(pk, empty)),
        waivers=tuple(waivers.get(pk, empty)),
        name=name,
        team=team,
        colleague_id=pk,
    )


def _facts_for_rows(rows: list[tuple], id_filter) -> dict[int, engine.ColleagueFacts]:
    """The engine's facts for colleague rows already fetched (`_COLLEAGUE_COLUMNS`), in 1 query.

    `id_filter` is the rows' ids: a list when there are a few thousand at most
    (one array parameter), or a subquery for the whole organisation.
    """
    if not rows:
        return {}
    which = (
        Q(colleague_id__in=id_filter)
        if isinstance(id_filter, QuerySet)
        else AnyOf(F("colleague_id"), id_filter)
    )
    parts = _facts_parts(_rows(_facts_union(which)))
    return {
        pk: _facts(pk, number, start, leaving, parts, f"{first} {last}".strip(), team or "")
        for pk, number, first, last, team, start, leaving in rows
    }


# Up to this many numbers, one query finds the colleagues and their facts
# together; beyond it, resolving the numbers to ids first is cheaper than
# looking them up again in every branch of the union (measured: 1,000 numbers).
ONE_QUERY_UP_TO = 50


def colleague_facts_by_number(
    numbers, colleagues: QuerySet[Colleague] | None = None
) -> dict[str, engine.ColleagueFacts]:
    """Facts for these employee numbers, keyed by number: 1 query up to ONE_QUERY_UP_TO numbers, else 2.

    The numbers travel as one array parameter (PostgreSQL), never as an
    IN-list of a thousand placeholders. `colleagues` limits who can be found.
    Names and teams are left out: eligibility needs neither.
    """
    numbers = list(numbers)
    # An empty scope (someone colleagues_for shows nobody, e.g. the policy owner) finds nobody;
    # the union below cannot even be written for it (Django raises EmptyResultSet).
    if not numbers or (colleagues is not None and colleagues.query.is_empty()):
        return {}
    scope = Colleague.objects.all() if colleagues is None else colleagues
    if len(numbers) > ONE_QUERY_UP_TO:
        rows = _rows_compiled(
            "colleagues by number" if colleagues is None else None,
            lambda values: _in_scope(scope, values).values_list(
                "id", "employee_number", "start_date", "leaving_date"
            ),
            numbers,
        )
        if not rows:
            return {}
        parts = _facts_parts(
            _rows_compiled(
                "facts by id", lambda ids: _facts_union(AnyOf(F("colleague_id"), ids)), [r[0] for r in rows]
            )
        )
        return {number: _facts(pk, number, start, leaving, parts) for pk, number, start, leaving in rows}
    parts = _facts_parts(
        _rows_compiled(
            "facts by number" if colleagues is None else None,
            lambda values: _facts_union(
                Q(colleague_id__in=_in_scope(scope, values).values("id")), _in_scope(scope, values)
            ),
            numbers,
        )
    )
    return {
        number: _facts(pk, number, start, leaving, parts) for pk, (number, start, leaving) in parts[3].items()
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
    """docs/rules.md §4 for each number, in the order asked; unknown numbers answer `unknown_employee`.

    `colleagues` limits who can be found (a person's scope, `colleagues_for`);
    a number outside it answers `unknown_employee` too, so a scope never
    reveals who exists beyond it. Costs 1 query (2 beyond ONE_QUERY_UP_TO
    numbers), plus the catalogue's unless one is passed.
    """
    catalogue = catalogue or catalogue_load()
    rule = case_type_rule(catalogue, case_type)
    numbers = list(employee_numbers)
    window = warning_days()
    with gc_paused():
        by_number = colleague_facts_by_number(set(numbers), colleagues)
        return [engine.eligibility(by_number.get(n), n, rule, catalogue, day, window) for n in numbers]


def eligibility_candidates(
    colleagues: QuerySet[Colleague], rule: engine.CaseTypeRule, day: dt.date, team: str | None = None
) -> QuerySet[Colleague]:
    """Colleagues active on `day` whose role that day the case type admits, as a case system lists them.

    "Active" and "the role that day" are the engine's own checks in SQL
    (`compliance.queries`), so the engine never answers `inactive` or
    `role_not_permitted` for anyone listed here.
    """
    found = (
        colleagues.filter(queries.active_on(day))
        .annotate(role_then=queries.role_on(day))
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
    """docs/rules.md §4 for colleague rows from `eligibility_candidates`, in their order (3 queries)."""
    window = warning_days()
    with gc_paused():
        facts = _facts_for_rows(rows, [r[0] for r in rows] if id_filter is None else id_filter)
        return [engine.eligibility(facts[r[0]], r[1], rule, catalogue, day, window) for r in rows]
