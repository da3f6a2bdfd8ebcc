"""Data protection: subject access exports, the retention rule, and the export log."""

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from core.dates import add_months
from people.models import Colleague
from training import services as training_services

from .declarations import HOLDINGS, Holding, Subject, mentioned
from .models import Anonymisation, DataExport


def export_record(*, user, kind: str, rows: int = 0, description: str = "", subject=None) -> DataExport:
    """Log an export or bulk download of personal data (who, what, how many rows, when)."""
    return DataExport.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        kind=kind,
        row_count=rows,
        description=description[:500],
        subject=subject,
    )


def subject_of(colleague: Colleague) -> Subject:
    return Subject(
        pk=colleague.pk,
        employee_number=colleague.employee_number,
        user_id=colleague.user_id,
        full_name=colleague.full_name,
        email=colleague.email,
    )


def _tables(holding: Holding):
    """The holding's model and, when it keeps history, its history model, each with its section name."""
    model = apps.get_model(holding.model)
    label = model._meta.label_lower
    yield model, label
    history = getattr(model, "history", None)
    if holding.history and history is not None:
        yield history.model, f"{label} (history)"


def subject_access_data(colleague: Colleague) -> dict:
    """Everything held on one colleague, section by section, from privacy.declarations.HOLDINGS."""
    subject = subject_of(colleague)
    sections: dict[str, list[dict]] = {}
    about: dict[str, str] = {}
    for holding in HOLDINGS:
        for model, label in _tables(holding):
            rows = model._default_manager.filter(holding.subject(subject))
            if label.endswith("(history)"):
                rows = rows.order_by("-history_date", "-history_id")
            else:
                rows = rows.order_by("pk")
            found = [_record(row, holding, subject) for row in rows]
            found = [r for r in found if r is not None]
            if found:
                sections[label] = found
                about[label] = holding.about + (" (earlier versions)" if label.endswith("(history)") else "")
    return {
        "employee_number": colleague.employee_number,
        "name": colleague.full_name,
        "about": about,
        "sections": sections,
    }


def _record(row, holding: Holding, subject: Subject) -> dict | None:
    names = holding.export_fields or tuple(
        f.name for f in row._meta.concrete_fields if not isinstance(f, models.BinaryField)
    )
    out, named = {"id": row.pk}, False
    for name in names:
        field = row._meta.get_field(name)
        value = getattr(row, field.attname)
        if holding.shared and name in holding.erase:
            # A message or file row shared with others: only what is about this colleague.
            value = mentioned(value, subject)
            if value in (None, []):
                continue
            named = True
        out[field.attname if field.is_relation else name] = _plain(value)
    if holding.shared and not named:
        return None  # found by the search but not about them (E1 inside E10)
    return out


def _plain(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, memoryview | bytes):
        return f"(a file of {len(value)} bytes)"
    return value


def leavers_due_for_anonymisation(*, today: dt.date):
    """Colleagues who left more than the retention period ago and still carry personal data."""
    cutoff = add_months(today, -12 * settings.RETENTION_YEARS_AFTER_LEAVING)
    return Colleague.objects.filter(leaving_date__lt=cutoff, anonymisation__isnull=True).order_by(
        "leaving_date"
    )


@transaction.atomic
def colleague_anonymise(*, colleague: Colleague) -> Anonymisation:
    """Remove a leaver's personal data everywhere it is declared, history included, keeping the figures.

    privacy.declarations.HOLDINGS says where it lives and how each field is
    erased; the subject access export reads the same list. Dates, statuses,
    course codes and the links between rows stay, so past compliance rates
    and the KPI figures do not change. Rows are changed through update(), so
    no new history row records the old values again.
    """
    left_on = colleague.leaving_date
    subject = subject_of(colleague)
    # Certificate files name their holder and cannot be edited: they go whole (the
    # declaration below blanks their names in the history).
    training_services.evidence_erase(colleague_id=colleague.pk)
    # The colleague's own row last: the others are found through its number and name.
    for holding in sorted(HOLDINGS, key=lambda h: h.model == "people.Colleague"):
        for model, _ in _tables(holding):
            _erase(model, holding, subject)
    return Anonymisation.objects.create(colleague=colleague, left_on=left_on)


def _erase(model, holding: Holding, subject: Subject) -> None:
    if not holding.erase:
        return
    rows = model._default_manager.filter(holding.subject(subject))
    fixed, per_row = {}, {}
    for name, eraser in holding.erase.items():
        field = model._meta.get_field(name)
        is_constant, value = eraser.constant(subject)
        if is_constant:
            fixed[field.attname] = value
        else:
            per_row[field.attname] = eraser
    for row in rows.only("pk", *per_row) if per_row else ():
        changes = {name: eraser.value(getattr(row, name), subject) for name, eraser in per_row.items()}
        model._default_manager.filter(pk=row.pk).update(**changes)
    if fixed:
        rows.update(**fixed)


def anonymise_leavers(*, today: dt.date) -> list[str]:
    """Apply the retention rule; returns the employee numbers that were anonymised."""
    done = []
    for colleague in leavers_due_for_anonymisation(today=today):
        done.append(colleague.employee_number)
        colleague_anonymise(colleague=colleague)
    return done
