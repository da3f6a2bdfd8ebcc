"""`AnyOf(F("field"), values)`: `field = ANY(%s)` with one array parameter on PostgreSQL.

`field__in=[...]` sends one placeholder per value: for a thousand employee
numbers the driver then spends longer splitting and binding the query than
the database spends answering it. One array parameter costs the same for one
value or ten thousand. Other databases get the usual IN-list.
"""

from django.db.models import Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", [
            *lhs_params,
            array_literal(self.rhs),
        ]


def array_literal(values) -> str:
    """A PostgreSQL array literal, `{"E1","E2"}`: one string for the driver to send.

    psycopg quotes a Python list element by element; a thousand employee
    numbers then cost more than the query. Every element is quoted here, with
    backslashes and double quotes escaped, so any string is safe.
    """
    return "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"
