"""The overdue and due-soon list's filters, on the stored summary or on rows worked out live."""

from __future__ import annotations

import django_filters
from django import forms

from compliance.enums import Status
from compliance.models import Requirement
from compliance.standing import Standing, standing, standing_q
from people.models import Role

from .forms import DATE_INPUTS, TeamField

ATTENTION = "attention"
ANY = "any"
STATUS_CHOICES = (
    (ATTENTION, "Overdue or due soon"),
    *Status.choices,
    # The three figures the dashboard, the KPI page and the pack show: each links here.
    (Standing.MET, "Met (compliant, exempt, or renewed and not yet due)"),
    (Standing.ON_TRACK, "On track (pending, or due soon and inside the induction year)"),
    (Standing.NOT_MET, "Not met (overdue)"),
    (ANY, "Any status"),
)
# What the list is called for each choice: a list of compliant colleagues is not "overdue and due soon".
TITLES = {
    ATTENTION: "Overdue and due soon",
    **{value: str(label) for value, label in Status.choices},
    Standing.MET: "Requirements met",
    Standing.ON_TRACK: "Requirements on track",
    Standing.NOT_MET: "Requirements not met (overdue)",
    ANY: "Every requirement",
}


def list_title(choice: str | None) -> str:
    return TITLES.get(choice or ATTENTION, TITLES[ATTENTION])


def statuses_for(choice: str | None) -> frozenset[str] | None:
    """The statuses a status choice lets through (None: any; a standing is not a set of statuses)."""
    if not choice or choice == ATTENTION:
        return frozenset({Status.OVERDUE, Status.DUE_SOON})
    if choice == ANY:
        return None
    return frozenset({choice})


class TeamFilter(django_filters.Filter):
    field_class = TeamField


class OverdueFilter(django_filters.FilterSet):
    team = TeamFilter(method="filter_team")
    role = django_filters.ModelChoiceFilter(queryset=Role.objects.order_by("code"), empty_label="All roles")
    # By code, so that a figure on any page links here without looking ids up.
    requirement = django_filters.ModelChoiceFilter(
        queryset=Requirement.objects.order_by("code"), empty_label="All requirements", to_field_name="code"
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", empty_label=None, label="Status"
    )
    due_before = django_filters.DateFilter(
        field_name="due_date",
        lookup_expr="lte",
        label="Due on or before",
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, data=None, *args, teams, everyone=False, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.form.fields["team"].set_teams(teams, "All teams" if everyone else "All my teams")

    def filter_team(self, queryset, name, value):
        return queryset.filter(team_id=value.pk)

    def filter_status(self, queryset, name, value):
        if value in Standing.values:
            return queryset.filter(standing_q(value))
        wanted = statuses_for(value)
        return queryset if wanted is None else queryset.filter(status__in=wanted)

    def filter_queryset(self, queryset):
        # The default ("overdue or due soon") applies when the parameter is absent too.
        if not self.form.cleaned_data.get("status"):
            queryset = self.filter_status(queryset, "status", ATTENTION)
        return super().filter_queryset(queryset)

    def matches(self, row: dict) -> bool:
        """The same filters for a row worked out live (a date other than the summary's)."""
        data = self.form.cleaned_data
        choice = data.get("status")
        if choice in Standing.values:
            if standing(row["status"], row["valid_until"]) != choice:
                return False
            wanted = None
        else:
            wanted = statuses_for(choice)
        team, role, requirement, due_before = (
            data.get("team"),
            data.get("role"),
            data.get("requirement"),
            data.get("due_before"),
        )
        return (
            (wanted is None or row["status"] in wanted)
            and (team is None or row["team_name"] == team.name)
            and (role is None or row["role_code"] == role.code)
            and (requirement is None or row["requirement_code"] == requirement.code)
            and (due_before is None or (row["due_date"] is not None and row["due_date"] <= due_before))
        )
