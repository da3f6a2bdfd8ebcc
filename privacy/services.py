"""Data protection: subject access exports, the retention rule, and the export log."""

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.db import models, transaction

from core.dates import add_months
from people.models import Colleague

from .models import Anonymisation, DataExport

# Fields that identify a person or may hold free text about them (a waiver's reason can be
# a health condition). Course codes and dates stay: they are what the aggregate figures need.
SCRUB = {
    "first_name": "Former",
    "last_name": "colleague",
    "email": "",
    "certificate": "",
    "notes": "",
    "reason": "Removed under the retention rule",
    "training_discussed": "Removed under the retention rule",  # a colleague review's notes
}


def export_record(*, user, kind: str, rows: int = 0, description: str = "", subject=None) -> DataExport:
    """Log an export or bulk download of personal data (who, what, how many rows, when)."""
    return DataExport.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        kind=kind,
        row_count=rows,
        description=description[:500],
        subject=subject,
    )


def _colleague_foreign_keys():
    """Every (model, field) whose ForeignKey points at a colleague, history tables included."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey)
                and field.related_model is Colleague
                and field.name not in ("line_manager", "manager")  # those rows are about someone else
            ):
                yield model, field


def subject_access_data(colleague: Colleague) -> dict:
    """Everything held on one colleague, section by section (model label -> list of records)."""
    sections = {
        "people.colleague": serializers.serialize("python", [colleague]),
        "people.colleague (history)": serializers.serialize("python", colleague.history.all()),
    }
    for model, field in sorted(_colleague_foreign_keys(), key=lambda mf: mf[0]._meta.label_lower):
        objects = model._default_manager.filter(**{field.attname: colleague.pk})
        label = model._meta.label_lower
        if model.__name__.startswith("Historical"):
            label = f"{model.instance_type._meta.label_lower} (history)"
        if objects.exists():
            sections.setdefault(label, []).extend(serializers.serialize("python", objects))
    if colleague.user_id:
        user = colleague.user
        sections["account"] = [
            {
                "username": user.username,
                "email": user.email,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
                "groups": list(user.groups.values_list("name", flat=True)),
            }
        ]
    sections["teams managed"] = [
        {"team": name} for name in colleague.managed_teams.values_list("name", flat=True)
    ]
    return {
        "employee_number": colleague.employee_number,
        "name": colleague.full_name,
        "sections": {k: [_plain(r) for r in v] for k, v in sections.items() if v},
    }


def _plain(record: dict) -> dict:
    fields = record.get("fields", record)
    out = {"id": record["pk"]} if "pk" in record else {}
    for key, value in fields.items():
        out[key] = value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
    return out


def leavers_due_for_anonymisation(*, today: dt.date):
    """Colleagues who left more than the retention period ago and still carry personal data."""
    cutoff = add_months(today, -12 * settings.RETENTION_YEARS_AFTER_LEAVING)
    return Colleague.objects.filter(leaving_date__lt=cutoff, anonymisation__isnull=True).order_by(
        "leaving_date"
    )


@transaction.atomic
def colleague_anonymise(*, colleague: Colleague) -> Anonymisation:
    """Remove a leaver's personal data everywhere, history included, keeping the figures.

    Training records keep their course and date, so past compliance rates and
    the KPI report do not change; names, email, certificate numbers, notes and
    waiver reasons go, in the live tables and in every history table.
    """
    left_on = colleague.leaving_date
    pseudonym = f"ANON-{colleague.pk}"
    for model, field in _colleague_foreign_keys():
        scrub = {f: v for f, v in SCRUB.items() if _has_field(model, f)}
        if scrub:
            model._default_manager.filter(**{field.attname: colleague.pk}).update(**scrub)
    historical = colleague.history.model
    historical.objects.filter(id=colleague.pk).update(
        first_name=SCRUB["first_name"], last_name=SCRUB["last_name"], email="", employee_number=pseudonym
    )
    if colleague.user_id:
        type(colleague.user).objects.filter(pk=colleague.user_id).update(
            first_name="", last_name="", email="", is_active=False
        )
    # The live row last, through update() so no new history row re-records the old values.
    Colleague.objects.filter(pk=colleague.pk).update(
        first_name=SCRUB["first_name"],
        last_name=SCRUB["last_name"],
        email="",
        employee_number=pseudonym,
        user=None,
    )
    return Anonymisation.objects.create(colleague=colleague, left_on=left_on)


def _has_field(model, name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except Exception:
        return False
    return isinstance(field, models.CharField | models.TextField | models.EmailField)


def anonymise_leavers(*, today: dt.date) -> list[str]:
    """Apply the retention rule; returns the employee numbers that were anonymised."""
    done = []
    for colleague in leavers_due_for_anonymisation(today=today):
        done.append(colleague.employee_number)
        colleague_anonymise(colleague=colleague)
    return done
