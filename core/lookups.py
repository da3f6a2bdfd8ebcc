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
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]
