from django import forms
from django.conf import settings
from django.utils import timezone

from core.dates import add_months


class DateInput(forms.DateInput):
    """A browser date picker; it only accepts ISO dates, whatever the site's locale."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format)


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(widget=DateInput, label="Review date")
    training_discussed = forms.CharField(
        # A few paragraphs; a paste of a whole document is a mistake (issue 7: over-long input).
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The statuses above, what is booked, what is in the way.",
    )
    next_review_on = forms.DateField(widget=DateInput, label="Next review date")

    @classmethod
    def blank(cls):
        today = timezone.localdate()
        return cls(
            initial={
                "reviewed_on": today,
                "next_review_on": add_months(today, settings.COLLEAGUE_REVIEW_MONTHS),
            }
        )

    def clean(self):
        data = super().clean()
        reviewed, following = data.get("reviewed_on"), data.get("next_review_on")
        if reviewed and reviewed > timezone.localdate():
            self.add_error("reviewed_on", "A review cannot be recorded before it has taken place.")
        if reviewed and following and following <= reviewed:
            self.add_error("next_review_on", "The next review must be after this one.")
        return data


class ActionForm(forms.Form):
    action = forms.CharField(max_length=500, required=False, label="Agreed action")
    due_on = forms.DateField(widget=DateInput, required=False, label="By")

    def clean(self):
        data = super().clean()
        if data.get("action") and not data.get("due_on"):
            self.add_error("due_on", "Give the date this should be done by.")
        if data.get("due_on") and not data.get("action"):
            self.add_error("action", "Say what was agreed.")
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=20, validate_max=True)
