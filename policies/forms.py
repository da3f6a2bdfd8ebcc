from django import forms

from .enums import DocumentKind, EiaRating, ReviewTrigger

# docs/rules.md §2: UK day-first as well as ISO (what a date picker sends); never US month-first.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"]


def date_field(label: str, required: bool = True, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class ReviewStartForm(forms.Form):
    trigger = forms.ChoiceField(
        label="Why is the review starting?", choices=ReviewTrigger.choices, widget=forms.RadioSelect
    )
    trigger_detail = forms.CharField(
        label="What happened",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for an early review: the incident, complaint, legislation or case review.",
    )
    trigger_reference = forms.CharField(
        label="Reference",
        required=False,
        max_length=100,
        help_text="Incident, complaint or case number; the Act.",
    )
    started_on = date_field("Review started on")
    version_label = forms.CharField(label="Version it will publish", max_length=20)
    eia_meeting_on = date_field("EIA Review Group meeting (planned)", required=False)
    forum_meeting_on = date_field("Policy Forum meeting (planned)", required=False)
    board_meeting_on = date_field("Board meeting (planned)", required=False)


class MeetingsForm(forms.Form):
    eia_meeting_on = date_field("EIA Review Group meeting", required=False)
    forum_meeting_on = date_field("Policy Forum meeting", required=False)
    board_meeting_on = date_field("Board meeting", required=False)


class ConsultationForm(forms.Form):
    opened_on = date_field("Consultation opened")
    closed_on = date_field("Consultation closed")
    summary = forms.CharField(
        label="Who was consulted and what they said", widget=forms.Textarea(attrs={"rows": 4})
    )


class EiaForm(forms.Form):
    endorsed_on = date_field("Endorsed by the EIA Review Group on")
    rating = forms.ChoiceField(
        label="EIA rating", choices=[("", "Choose the rating"), *EiaRating.recordable()]
    )
    minute_ref = forms.CharField(label="Minute reference", required=False, max_length=100)


class ForumForm(forms.Form):
    endorsed_on = date_field("Endorsed by the Policy Forum on")
    minute_ref = forms.CharField(label="Minute reference", max_length=100)


class BoardForm(forms.Form):
    approval_body = forms.CharField(label="Approved by", max_length=200)
    approved_on = date_field("Approved on")
    minute_ref = forms.CharField(label="Minute reference", max_length=100)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Document", choices=DocumentKind.choices)
    file = forms.FileField(label="File (PDF, Word .docx or OpenDocument .odt, up to 20 MB)")


class PublishForm(forms.Form):
    version_label = forms.CharField(label="Version", max_length=20)
    no_change = forms.BooleanField(
        label="No change: the policy was reviewed and stays as it was", required=False
    )
    change_summary = forms.CharField(
        label="What changed", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Left empty: the review's trigger (scheduled, or what triggered it early).",
    )
    effective_from = date_field("Takes effect from", required=False, help_text="Empty: the approval date.")
    review_frequency_months = forms.IntegerField(label="Review every (months)", min_value=1, max_value=120)
    next_review_override = date_field("Next review on (only to change the computed date)", required=False)
    next_review_override_reason = forms.CharField(label="Why that date", required=False, max_length=300)


class RescheduleForm(forms.Form):
    next_review = date_field("Next review on", required=False, help_text="Empty: back to the computed date.")
    reason = forms.CharField(label="Why", required=False, max_length=300)


class RequirementReviseForm(forms.Form):
    requirement = forms.ChoiceField(label="Requirement to replace")
    code = forms.SlugField(label="New requirement code", max_length=50)
    name = forms.CharField(label="Name", required=False, max_length=200)
    clause = forms.CharField(label="Clause", max_length=100)
    first_due_months = forms.IntegerField(label="Due (months after role start)", min_value=1, max_value=120)
    recurrence_months = forms.IntegerField(
        label="Renew every (months; empty for a one-off)", required=False, min_value=1, max_value=120
    )

    def __init__(self, *args, requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [(r.pk, f"{r.code}: {r.name}") for r in requirements]
