"""The overdue and due-soon list as a django-tables2 table: sortable, paginated, one row per requirement."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html

from compliance.enums import Status


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
    when = tables.Column(verbose_name="", accessor="due_date", orderable=False, empty_values=())

    class Meta:
        template_name = "dashboard/table.html"
        order_by = ("due_date",)
        attrs = {"class": "list"}
        empty_text = "Nobody matches these filters."

    def __init__(self, data, *, day: dt.date, today: dt.date, **kwargs):
        super().__init__(data, **kwargs)
        self.day, self.today = day, today

    def order_due_date(self, queryset, is_descending):
        # Python sorts a missing date (a one-off qualification held) first; so does the SQL.
        due = F("due_date").desc(nulls_last=True) if is_descending else F("due_date").asc(nulls_first=True)
        return queryset.order_by(due, *(f"-{f}" if is_descending else f for f in TIE)), True

    def render_name(self, record):
        return format_html(
            '<a href="{}">{} {}</a>',
            colleague_url(record["employee_number"], self.day, self.today),
            record["first_name"],
            record["last_name"],
        )

    def render_team_name(self, value):
        return value or "No team"

    def render_status(self, value):
        return status_badge(value)

    def render_due_date(self, value):
        return date_format(value, "j M Y")

    def render_when(self, record):
        due = record["due_date"]
        if due is None:
            return ""
        days = (due - self.day).days
        if days < 0:
            return f"{-days} day{'s' if days != -1 else ''} overdue"
        if days == 0:
            return "due today"
        return f"in {days} day{'s' if days != 1 else ''}"
