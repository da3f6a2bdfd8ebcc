"""Forms of the HR workspace and the requests. Fields only: the rules are in services."""

from django import forms
from django.db.models import QuerySet

from compliance.enums import WaiverKind
from compliance.models import Requirement
from people.models import Colleague
from training.evidence import MAX_BYTES
from training.models import Course

DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]  # ISO from the date picker, UK day-first typed by hand


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, input_formats=DATE_INPUTS, widget=DateInput(), help_text=help_text
    )


CERTIFICATE_LABEL = f"Certificate (PDF, JPEG or PNG, up to {MAX_BYTES // (1024 * 1024)} MB)"


class ColleagueField(forms.CharField):
    """An employee number, cleaned to a colleague of the user's scope (another's is not found)."""

    def __init__(self, *, scope: QuerySet[Colleague], **kwargs):
        self.scope = scope
        super().__init__(label="Employee number", max_length=30, **kwargs)

    def clean(self, value):
        number = super().clean(value).strip()
        found = self.scope.filter(employee_number=number).select_related("team").first()
        if found is None:
            raise forms.ValidationError(f"No colleague {number} that you can act for.")
        return found


class CompletionForm(forms.Form):
    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"] = ColleagueField(scope=scope)
        self.order_fields(["colleague"])

    course = forms.ModelChoiceField(queryset=Course.objects.order_by("code"), empty_label=None)
    completed_on = date_field("Completed on")
    provider = forms.CharField(max_length=200, required=False)
    certificate = forms.FileField(label=CERTIFICATE_LABEL)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SessionCompletionForm(forms.Form):
    def __init__(self, *args, bookings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bookings"] = forms.ModelMultipleChoiceField(
            queryset=bookings, widget=forms.CheckboxSelectMultiple, label="Attendees"
        )
        self.fields["bookings"].label_from_instance = lambda b: (
            f"{b.colleague.full_name} ({b.colleague.employee_number})"
        )
        self.order_fields(["bookings"])

    certificate = forms.FileField(label=CERTIFICATE_LABEL)


class TrainingRequestForm(forms.Form):
    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"] = ColleagueField(scope=scope)
        self.order_fields(["colleague"])

    course = forms.ModelChoiceField(queryset=Course.objects.order_by("code"), empty_label=None)
    completed_on = date_field("Completed on")
    provider = forms.CharField(max_length=200, required=False)
    certificate = forms.FileField(label=CERTIFICATE_LABEL)
    reason = forms.CharField(label="What the training was", widget=forms.Textarea(attrs={"rows": 3}))


class WaiverRequestForm(forms.Form):
    def __init__(self, *args, scope, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["colleague"] = ColleagueField(scope=scope)
        if kind == WaiverKind.EXTENSION:
            self.fields["new_due_date"] = date_field("New due date")
        else:
            self.fields["starts_on"] = date_field("Exempt from")
            self.fields["ends_on"] = date_field(
                "Exempt until", required=False, help_text="Empty: indefinitely."
            )
        self.order_fields(["colleague", "requirement"])

    requirement = forms.ModelChoiceField(queryset=Requirement.objects.order_by("code"), empty_label=None)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class EquivalenceRequestForm(forms.Form):
    course = forms.ModelChoiceField(
        queryset=Course.objects.order_by("code"),
        required=False,
        empty_label="A new outside course (below)",
        label="Outside course",
    )
    new_code = forms.CharField(label="New course code", max_length=30, required=False)
    new_title = forms.CharField(label="New course title", max_length=300, required=False)
    satisfies = forms.ModelChoiceField(
        queryset=Course.objects.order_by("code"), empty_label=None, label="Counts as"
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
