"""The overdue and due-soon list as a django-tables2 table: sortable, paginated, one row per requirement."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html

from compliance.enums import Status


def colleague_url(employee_number: str, day: dt.date, today: dt.date) -> str:
    url = reverse("dashboard:colleague", args=[employee_number])
    return url if day == today else f"{url}?{urlencode({'on': day.isoformat()})}"


def status_badge(status: str) -> str:
    return format_html('<span class="status status-{}">{}</span>', status, Status(status).label)


class OverdueTable(tables.Table):
    name = tables.Column(
        verbose_name="Colleague",
        accessor="last_name",
        order_by=("last_name", "first_name", "employee_number"),
    )
    employee_number = tables.Column(verbose_name="Employee no.")
    team_name = tables.Column(verbose_name="Team", default="No team")
    role_code = tables.Column(verbose_name="Role")
    requirement_code = tables.Column(verbose_name="Requirement")
    status = tables.Column(verbose_name="Status")
    due_date = tables.Column(verbose_name="Due date", default="\N{EN DASH}")
    when = tables.Column(verbose_name="", accessor="due_date", orderable=False, empty_values=())

    class Meta:
        template_name = "dashboard/table.html"
        order_by = ("due_date",)
        attrs = {"class": "list"}
        empty_text = "Nobody matches these filters."

    def __init__(self, data, *, day: dt.date, today: dt.date, **kwargs):
        super().__init__(data, **kwargs)
        self.day, self.today = day, today

    def render_name(self, record):
        return format_html(
            '<a href="{}">{} {}</a>',
            colleague_url(record["employee_number"], self.day, self.today),
            record["first_name"],
            record["last_name"],
        )

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
