import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone

from training.models import Course

from .enums import RepeatPattern
from .services import MAX_SESSIONS_PER_PLAN


class DateInput(forms.DateInput):
    """A browser date picker; it only accepts ISO dates, whatever the site's locale."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None, format="%H:%M"):
        super().__init__(attrs, format)


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code}: {obj.title}"


class _PlaceFields(forms.Form):
    venue = forms.CharField(max_length=300, required=False, help_text="Room and address, if in person.")
    online_link = forms.URLField(
        max_length=500, required=False, assume_scheme="https", help_text="Meeting link, if online."
    )
    facilitator = forms.CharField(max_length=200, required=False)
    capacity = forms.IntegerField(min_value=1, max_value=500, initial=12, help_text="Places available.")
    provider = forms.CharField(
        max_length=200, required=False, help_text="Leave empty for the course's provider."
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("venue") and not data.get("online_link"):
            self.add_error(None, "Give a venue, an online link, or both.")
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The session must end after it starts.")
        return data


class SessionPlanForm(_PlaceFields):
    """HR's one-step plan: the first session, how it repeats, and how many."""

    field_order = [
        "course",
        "first_date",
        "start_time",
        "end_time",
        "pattern",
        "every_months",
        "count",
        "venue",
        "online_link",
        "facilitator",
        "capacity",
        "provider",
        "notes",
    ]
    course = CourseChoiceField(queryset=Course.objects.order_by("code"))
    first_date = forms.DateField(widget=DateInput, label="First session on")
    start_time = forms.TimeField(widget=TimeInput, initial=dt.time(10, 0), label="Starts at")
    end_time = forms.TimeField(widget=TimeInput, initial=dt.time(13, 0), label="Ends at")
    pattern = forms.ChoiceField(
        choices=RepeatPattern.choices, initial=RepeatPattern.SAME_WEEKDAY, label="Repeat"
    )
    every_months = forms.IntegerField(min_value=1, max_value=12, initial=1, label="Every how many months")
    count = forms.IntegerField(
        min_value=1, max_value=MAX_SESSIONS_PER_PLAN, initial=12, label="Number of sessions"
    )

    def clean_first_date(self):
        day = self.cleaned_data["first_date"]
        if day < timezone.localdate():
            raise forms.ValidationError("The first session cannot be in the past.")
        return day


class SessionEditForm(_PlaceFields):
    field_order = ["date", "start_time", "end_time"]
    date = forms.DateField(widget=DateInput)
    start_time = forms.TimeField(widget=TimeInput, label="Starts at")
    end_time = forms.TimeField(widget=TimeInput, label="Ends at")

    @classmethod
    def for_session(cls, session, data=None):
        start = timezone.localtime(session.starts_at)
        end = timezone.localtime(session.ends_at)
        initial = {
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            **{
                f: getattr(session, f)
                for f in ("venue", "online_link", "facilitator", "capacity", "provider", "notes")
            },
        }
        return cls(data=data, initial=initial)

    def changes(self) -> dict:
        data = self.cleaned_data
        zone = ZoneInfo(settings.TIME_ZONE)
        return {
            "starts_at": dt.datetime.combine(data["date"], data["start_time"], tzinfo=zone),
            "ends_at": dt.datetime.combine(data["date"], data["end_time"], tzinfo=zone),
            **{f: data[f] for f in ("venue", "online_link", "facilitator", "capacity", "provider", "notes")},
        }
