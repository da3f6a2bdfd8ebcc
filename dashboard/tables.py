"""The overdue and due-soon list as a django-tables2 table: sortable, paginated, one row per requirement."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils.html import escape, format_html

from compliance.enums import Status
from core.dates import uk_date


def colleague_url(employee_number: str, day: dt.date, today: dt.date) -> str:
    url = reverse("dashboard:colleague", args=[employee_number])
    return url if day == today else f"{url}?{urlencode({'on': day.isoformat()})}"


def status_badge(status: str) -> str:
    return format_html('<span class="status status-{}">{}</span>', status, Status(status).label)


# Ties are broken the same way on every path (the order the engine lists colleagues in), so the
# summary's SQL and a live list sort identically and an export reads like the page.
TIE = ("team_name", "first_name", "last_name", "employee_number", "requirement_code")
BY_NAME = ("last_name", "first_name", "employee_number", "requirement_code")


class OverdueTable(tables.Table):
    name = tables.Column(verbose_name="Colleague", accessor="last_name", order_by=BY_NAME)
    employee_number = tables.Column(
        verbose_name="Employee no.", order_by=("employee_number", "requirement_code")
    )
    team_name = tables.Column(verbose_name="Team", empty_values=(), order_by=("team_name", *BY_NAME))
    role_code = tables.Column(verbose_name="Role", order_by=("role_code", *BY_NAME))
    requirement_code = tables.Column(verbose_name="Requirement", order_by=("requirement_code", *BY_NAME))
    status = tables.Column(verbose_name="Status", order_by=("status", *BY_NAME))
    due_date = tables.Column(verbose_name="Due date", default="\N{EN DASH}", order_by=("due_date", *TIE))
    when = tables.Column(verbose_name="When", accessor="due_date", orderable=False, empty_values=())

    class Meta:
        template_name = "dashboard/table.html"
        order_by = ("due_date",)
        attrs = {"class": "list"}
        empty_text = "Nobody matches these filters."

    def __init__(self, data, *, day: dt.date, today: dt.date, names=None, **kwargs):
        super().__init__(data, **kwargs)
        self.day, self.today = day, today
        # selectors.overdue.code_names(): roles and requirements in words, the code as a hint.
        self.names = names or {"role": {}, "requirement": {}}

    def order_due_date(self, queryset, is_descending):
        # Python sorts a missing date (a one-off qualification held) first; so does the SQL.
        due = F("due_date").desc(nulls_last=True) if is_descending else F("due_date").asc(nulls_first=True)
        return queryset.order_by(due, *(f"-{f}" if is_descending else f for f in TIE)), True

    def page_rows(self) -> list[tuple[str, ...]]:
        """The visible page's cells, escaped, in column order.

        django-tables2 still sorts, pages and heads the table; the cells of a
        page are put together here in one pass because its per-cell machinery
        took two thirds of the page's time.
        """
        if not self.page:
            return []
        # One reverse() for the page rather than one a row.
        link = colleague_url("__number__", self.day, self.today)
        return [self._cells(row.record, link) for row in self.page.object_list]

    def _cells(self, r, link: str) -> tuple[str, ...]:
        return (
            format_html(
                '<a href="{}">{} {}</a>',
                link.replace("__number__", quote(r["employee_number"], safe="")),
                r["first_name"],
                r["last_name"],
            ),
            escape(r["employee_number"]),
            escape(r["team_name"] or "No team"),
            self._named("role", r["role_code"]),
            self._named("requirement", r["requirement_code"]),
            status_badge(r["status"]),
            uk_date(r["due_date"]) or "\N{EN DASH}",
            self._when(r["due_date"]),
        )

    def _named(self, kind: str, code: str) -> str:
        name = self.names[kind].get(code)
        if not name:
            return escape(code)
        return format_html('{} <span class="muted">{}</span>', name, code)

    def _when(self, due: dt.date | None) -> str:
        if due is None:
            return ""
        days = (due - self.day).days
        if days < 0:
            return f"{-days} day{'s' if days != -1 else ''} overdue"
        if days == 0:
            return "due today"
        return f"in {days} day{'s' if days != 1 else ''}"
