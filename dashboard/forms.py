"""The small forms every page shares: the "as of" date and a team to narrow to."""

from django import forms
from django.utils import timezone

from people.models import Team

DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]  # ISO from the date picker, UK day-first typed by hand


class AsOfForm(forms.Form):
    on = forms.DateField(
        label="As of",
        required=False,
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="See the picture as it was (or will be, if nobody trains) on this day.",
        error_messages={"invalid": "Enter a date such as 2026-03-31."},
    )

    def day(self):
        return self.cleaned_data.get("on") or timezone.localdate()


class TeamForm(AsOfForm):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="All my teams", label="Team"
    )

    def __init__(self, data=None, *, teams, everyone=False, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["team"].queryset = teams
        if everyone:
            self.fields["team"].empty_label = "All teams"


class DashboardForm(TeamForm):
    ORDERS = (
        ("name", "Team name"),
        ("overdue", "Most overdue first"),
        ("compliance", "Lowest compliance first"),
    )
    order = forms.ChoiceField(choices=ORDERS, required=False, label="Order teams by")
