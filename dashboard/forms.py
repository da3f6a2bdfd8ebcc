"""The small forms every page shares (the "as of" date, a team to narrow to), and the lists' parameters."""

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from compliance.models import CaseType
from core.text import quoted
from people.models import Team

from .selectors.eligibility import ALL_OFFICERS, OFFICER_FIGURES
from .selectors.kpi import Quarter
from .selectors.refreshers import RefresherFigure

DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]  # ISO from the date picker, UK day-first typed by hand


class QuickSelect(forms.Select):
    """A select rendered with one string join.

    Django renders each option through a template, about a third of a
    millisecond apiece on a busy machine; a 400-team organisation's team
    filter has 400 of them on every page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) in chosen else ""}>{escape(label)}</option>'
            for key, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))  # noqa: S308 - escaped above


class TeamField(forms.ChoiceField):
    """One of the teams in the user's scope; read in one query, cleaned to a Team without another.

    A team outside the scope is not among the choices, so it is refused like
    any unknown value (400), never shown.
    """

    widget = QuickSelect

    def __init__(self, **kwargs):
        kwargs.update(required=False, label=kwargs.get("label") or "Team")
        super().__init__(**kwargs)
        self.names: dict[str, str] = {}

    def set_teams(self, teams, empty_label):
        self.names = {str(pk): name for pk, name in teams.values_list("pk", "name")}
        self.choices = [("", empty_label), *self.names.items()]

    def to_python(self, value):
        value = super().to_python(value)
        return Team(pk=int(value), name=self.names[value]) if value in self.names else value or None

    def validate(self, value):
        if value is not None and not isinstance(value, Team):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )


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
    team = TeamField()

    def __init__(self, data=None, *, teams, everyone=False, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["team"].set_teams(teams, "All teams" if everyone else "All my teams")


class DashboardForm(TeamForm):
    ORDERS = (
        ("name", "Team name"),
        ("overdue", "Most overdue first"),
        ("compliance", "Lowest compliance first"),
    )
    order = forms.ChoiceField(choices=ORDERS, required=False, label="Order teams by")


class OfficersForm(TeamForm):
    """Which officers to list: those one eligibility figure of the dashboard counts (`show`)."""

    case_type = forms.ChoiceField(label="Case type", required=False, widget=QuickSelect)
    show = forms.ChoiceField(
        label="Officers",
        required=False,
        choices=[(show, figure.label) for show, figure in OFFICER_FIGURES.items()],
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.case_types = dict(CaseType.objects.order_by("code").values_list("code", "name"))
        self.fields["case_type"].choices = list(self.case_types.items())

    def clean_case_type(self):
        # With one case type there is nothing to choose; with several, the link names one.
        code = self.cleaned_data["case_type"]
        if not code and len(self.case_types) == 1:
            return next(iter(self.case_types))
        if not code:
            raise forms.ValidationError("Choose a case type.", code="required")
        return code

    def clean_show(self):
        return self.cleaned_data["show"] or ALL_OFFICERS

    def case_type_name(self) -> str:
        return self.case_types[self.cleaned_data["case_type"]]


class RefresherListForm(forms.Form):
    """The list behind one of the KPI page's refresher figures: which quarter, requirement and figure.

    The quarter reads as on the KPI page (the last complete one unless named);
    the requirement must be a recurring one (the first of them unless named);
    the figure is one of the page's (everyone whose refresher fell due unless
    named). Anything else is a 400 naming the parameter.
    """

    quarter = forms.CharField(required=False, strip=False)
    requirement = forms.CharField(required=False, strip=False)
    outcome = forms.CharField(required=False, strip=False)

    def __init__(self, data=None, *, recurring: dict[str, str], today, **kwargs):
        super().__init__(data, **kwargs)
        self.recurring, self.today = recurring, today

    def clean_quarter(self):
        try:
            return Quarter.asked(self.cleaned_data["quarter"], self.today)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc

    def clean_requirement(self):
        code = self.cleaned_data["requirement"]
        if not self.recurring:
            raise forms.ValidationError("No recurring requirement is in force.", code="invalid_choice")
        if not code:
            return next(iter(self.recurring))
        if code not in self.recurring:
            raise forms.ValidationError(
                f"{quoted(code)} is not a recurring requirement (those are: {', '.join(self.recurring)}).",
                code="invalid_choice",
            )
        return code

    def clean_outcome(self):
        value = self.cleaned_data["outcome"]
        if not value:
            return RefresherFigure.FELL_DUE
        if value not in RefresherFigure.values:
            raise forms.ValidationError(
                f"{quoted(value)} is not one of the figures: {', '.join(RefresherFigure.values)}.",
                code="invalid_choice",
            )
        return RefresherFigure(value)
