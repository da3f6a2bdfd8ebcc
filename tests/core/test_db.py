"""The API's hot path runs prepared statements with a generic plan (core.db)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.db import prepared_cursor
from people.models import Team

pytestmark = pytest.mark.django_db

SQL = "SELECT count(*) FROM people_colleague WHERE employee_number = ANY(%s::varchar[])"


def prepared_statements() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        return {statement: (generic, custom) for statement, generic, custom in cursor.fetchall()}


def test_a_statement_is_planned_once_and_reused_for_any_values():
    sql = SQL + " -- planned once"  # a statement no other test prepares on this connection
    for numbers in ("{E1}", "{E2,E3}", "{E4}"):
        with prepared_cursor() as cursor:
            cursor.execute(sql, [numbers])
            assert cursor.fetchone() == (0,)
    (plans,) = [plans for statement, plans in prepared_statements().items() if "planned once" in statement]
    assert plans == (3, 0)  # three runs of one generic plan, none planned for its values


def test_the_query_log_shows_the_statement_with_its_values():
    with CaptureQueriesContext(connection) as queries, prepared_cursor() as cursor:
        cursor.execute(SQL, ["{E1001}"])
    (query,) = queries.captured_queries
    assert "ANY('{E1001}'::varchar[])" in query["sql"]


def test_it_takes_part_in_the_surrounding_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        with prepared_cursor() as cursor:
            cursor.execute("INSERT INTO people_team (name) VALUES (%s)", ["Rolled back"])
        assert Team.objects.filter(name="Rolled back").exists()
        raise RuntimeError
    assert not Team.objects.filter(name="Rolled back").exists()
