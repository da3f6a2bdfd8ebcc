"""Writes of the HR workspace: completions with their certificates, and requests decided by four eyes.

Every function checks everything before it writes, so a refusal (a bad file,
a waiver ending before it starts, approving one's own request, approving
twice) raises ValidationError with a message and leaves the database as it
was. Changes to training records and waivers reach the figures through the
compliance change capture, like any other write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance.enums import WaiverKind
from compliance.models import Requirement, Waiver
from core.access import AccessGroup, user_groups
from core.dates import uk_date
from core.mail import send_templated_mail
from people.models import Colleague
from programme.enums import BookingStatus
from programme.models import Booking
from programme.services import booking_attendance_mark
from training.evidence import CheckedEvidence, evidence_check
from training.models import Course, Equivalence, Evidence, RecordSource, TrainingRecord

from .enums import RequestKind, RequestStatus
from .models import Request
from .selectors import due_date_of


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


# ---------------------------------------------------------------------- evidence


def _evidence_store(
    *, records: Sequence[TrainingRecord], uploaded, checked: CheckedEvidence, by
) -> list[Evidence]:
    """Store the file once and attach it to every record (a session's certificate backs each attendee's)."""
    first = Evidence(
        record=records[0],
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    first.file.save(checked.name, uploaded, save=False)
    first.save()
    made = [first]
    for record in records[1:]:
        made.append(
            Evidence.objects.create(
                record=record,
                file=first.file.name,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=by,
            )
        )
    return made


def _completed_on_check(completed_on: dt.date) -> None:
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "A completion date cannot be in the future."})


@transaction.atomic
def completion_record(
    *,
    colleague: Colleague,
    course: Course,
    completed_on: dt.date,
    uploaded,
    by,
    provider: str = "",
    notes: str = "",
) -> TrainingRecord:
    """HR records a completion with its certificate: verified at once (HR has seen the certificate)."""
    return _record_with_evidence(
        colleague=colleague,
        course=course,
        completed_on=completed_on,
        uploaded=uploaded,
        by=by,
        provider=provider,
        notes=notes,
        verified=True,
    )


def _record_with_evidence(
    *, colleague, course, completed_on, uploaded, by, provider: str, notes: str, verified: bool
) -> TrainingRecord:
    """A completion typed in by a person, with its certificate checked and stored."""
    _completed_on_check(completed_on)
    checked = evidence_check(uploaded)
    if TrainingRecord.objects.filter(colleague=colleague, course=course, completed_on=completed_on).exists():
        raise ValidationError(
            f"{colleague.full_name} already has {course.code} completed on {uk_date(completed_on)}."
        )
    record = TrainingRecord.objects.create(
        colleague=colleague,
        course=course,
        completed_on=completed_on,
        provider=provider,
        notes=notes,
        certificate=checked.name,
        source=RecordSource.MANUAL,
        recorded_by=by,
        verified=verified,
    )
    _evidence_store(records=[record], uploaded=uploaded, checked=checked, by=by)
    return record


@transaction.atomic
def session_completion_record(*, bookings: Sequence[Booking], uploaded, by) -> list[TrainingRecord]:
    """Mark each booking attended (which records the completion) and attach the one certificate to all."""
    if not bookings:
        raise ValidationError("Choose at least one attendee.")
    checked = evidence_check(uploaded)
    records = []
    for booking in bookings:
        if booking.status not in (BookingStatus.BOOKED, BookingStatus.ATTENDED):
            raise ValidationError(f"{booking.colleague.full_name} has no place to mark on this session.")
        marked = booking_attendance_mark(booking=booking, attended=True, by=by)
        records.append(marked.training_record)
    _evidence_store(records=records, uploaded=uploaded, checked=checked, by=by)
    return records


# ---------------------------------------------------------------------- requests


def _trusted(provider: str) -> bool:
    return provider.strip() != "" and provider.strip() in settings.TRAINING_TRUSTED_PROVIDERS


@transaction.atomic
def training_request_submit(
    *,
    colleague: Colleague,
    course: Course,
    completed_on: dt.date,
    uploaded,
    reason: str,
    by,
    provider: str = "",
) -> Request:
    """Outside training with its certificate: the record counts once HR has checked it.

    A provider named in TRAINING_TRUSTED_PROVIDERS is the exception: its
    records count at once; the request still asks HR to look at the file.
    """
    if not reason.strip():
        raise ValidationError({"reason": "Say what the training was and why it should count."})
    record = _record_with_evidence(
        colleague=colleague,
        course=course,
        completed_on=completed_on,
        uploaded=uploaded,
        by=by,
        provider=provider,
        notes=reason,
        verified=_trusted(provider),
    )
    return Request.objects.create(
        kind=RequestKind.TRAINING,
        colleague=colleague,
        course=course,
        record=record,
        reason=reason,
        requested_by=by,
    )


@transaction.atomic
def waiver_request_submit(
    *,
    colleague: Colleague,
    requirement: Requirement,
    kind: str,
    reason: str,
    by,
    new_due_date: dt.date | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Request:
    """An extension (a new due date for this cycle) or an exemption (from a date, until a date or for good)."""
    today = timezone.localdate()
    if not reason.strip():
        raise ValidationError(
            {"reason": "Give the reason (for example long-term sickness or a cancelled course)."}
        )
    original = None
    if kind == WaiverKind.EXTENSION:
        if new_due_date is None:
            raise ValidationError({"new_due_date": "An extension needs its new due date."})
        original = due_date_of(colleague, requirement.code, today)
        if original is None:
            raise ValidationError(
                {"requirement": f"{requirement.code} has no due date for {colleague.full_name} today."}
            )
        if new_due_date <= original:
            raise ValidationError(
                {"new_due_date": f"The new due date must be after the current one ({uk_date(original)})."}
            )
        starts_on = ends_on = None
    elif kind == WaiverKind.EXEMPTION:
        if starts_on is None:
            raise ValidationError({"starts_on": "An exemption needs the date it starts."})
        if ends_on is not None and ends_on < starts_on:
            raise ValidationError({"ends_on": "The exemption cannot end before it starts."})
        new_due_date = None
    else:
        raise ValidationError({"kind": "Choose an extension or an exemption."})
    return Request.objects.create(
        kind=kind,
        colleague=colleague,
        requirement=requirement,
        new_due_date=new_due_date,
        original_due_date=original,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        requested_by=by,
    )


@transaction.atomic
def equivalence_request_submit(
    *,
    satisfies: Course,
    reason: str,
    by,
    course: Course | None = None,
    new_code: str = "",
    new_title: str = "",
) -> Request:
    """Ask that holding `course` (or a new outside course, added on approval) count as holding `satisfies`."""
    new_code, new_title = new_code.strip().upper(), new_title.strip()
    if course is None:
        if not (new_code and new_title):
            raise ValidationError("Choose the outside course, or give the new one's code and title.")
        if Course.objects.filter(code__iexact=new_code).exists():
            raise ValidationError({"new_code": f"A course {new_code} exists already: choose it in the list."})
    elif new_code or new_title:
        raise ValidationError("Choose a course from the list or give a new one, not both.")
    if course is not None and course.pk == satisfies.pk:
        raise ValidationError({"satisfies": "A course cannot be equivalent to itself."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the course is equivalent (level, content, awarding body)."})
    if course is not None and Equivalence.objects.filter(course=course, satisfies=satisfies).exists():
        raise ValidationError(f"{course.code} already counts as {satisfies.code}.")
    waiting = Request.objects.filter(
        kind=RequestKind.EQUIVALENCE, satisfies=satisfies, status=RequestStatus.PENDING
    )
    if waiting.filter(course=course, new_course_code=new_code).exists():
        raise ValidationError(
            f"A request that {course.code if course else new_code} count as {satisfies.code} is already waiting."
        )
    return Request.objects.create(
        kind=RequestKind.EQUIVALENCE,
        course=course,
        new_course_code=new_code,
        new_course_title=new_title,
        satisfies=satisfies,
        reason=reason,
        requested_by=by,
    )


def decides_requests(user) -> bool:
    """HR decides requests (SPEC: HR records waivers and equivalences); never their own."""
    return user.is_authenticated and (user.is_superuser or AccessGroup.HR in user_groups(user))


def _decision_check(request: Request, by) -> None:
    if not decides_requests(by):
        raise ValidationError("Only HR decides requests.")
    if request.status != RequestStatus.PENDING:
        when = timezone.localtime(request.decided_at)
        raise ValidationError(
            f"This request was already {request.get_status_display().lower()} by"
            f" {_user_name(request.decided_by)} at {when:%H:%M} on {uk_date(when.date())}: nothing was changed."
        )
    if request.requested_by_id == by.pk:
        raise ValidationError("You made this request: someone else in HR must decide it (four eyes).")
    if request.colleague_id and request.colleague.user_id == by.pk:
        raise ValidationError("This request is about your own record: someone else in HR must decide it.")


def _locked(request: Request) -> Request:
    # Two tabs (or two people) deciding at once: the second waits here, then finds it decided.
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related(
            "colleague", "requirement", "course", "satisfies", "record", "requested_by", "decided_by"
        )
        .get(pk=request.pk)
    )


def request_approve(*, request: Request, by, comment: str = "") -> Request:
    with transaction.atomic():
        request = _locked(request)
        _decision_check(request, by)
        today = timezone.localdate()
        if request.kind == RequestKind.TRAINING:
            TrainingRecord.objects.filter(pk=request.record_id).update(verified=True)
            # .update() skips history: record who verified it, as the admin would.
            record = TrainingRecord.objects.get(pk=request.record_id)
            record._change_reason = f"verified by {_user_name(by)}"
            record.save()
        elif request.kind == RequestKind.EQUIVALENCE:
            if request.course is None:
                # An outside qualification HR adds to the catalogue (SPEC: "BTEC or equivalent").
                request.course = Course.objects.create(
                    code=request.new_course_code,
                    title=request.new_course_title,
                    kind=request.satisfies.kind,
                    level=request.satisfies.level,
                )
            try:
                with transaction.atomic():
                    request.equivalence = Equivalence.objects.create(
                        course=request.course,
                        satisfies=request.satisfies,
                        approved_by=_user_name(by),
                        approved_on=today,
                        notes=request.reason,
                    )
            except IntegrityError:
                raise ValidationError(
                    f"{request.course.code} already counts as {request.satisfies.code}."
                ) from None
        else:
            request.waiver = Waiver.objects.create(
                colleague=request.colleague,
                requirement=request.requirement,
                kind=request.kind,
                reason=request.reason,
                approved_by=_user_name(by),
                approved_on=today,
                new_due_date=request.new_due_date,
                original_due_date=request.original_due_date,
                starts_on=request.starts_on,
                ends_on=request.ends_on,
                recorded_by=by,
            )
        return _decide(request, RequestStatus.APPROVED, by, comment)


def request_reject(*, request: Request, by, comment: str) -> Request:
    if not comment.strip():
        raise ValidationError({"comment": "Say why the request is rejected: the requester is told."})
    with transaction.atomic():
        request = _locked(request)
        _decision_check(request, by)
        return _decide(request, RequestStatus.REJECTED, by, comment)


def _decide(request: Request, status: str, by, comment: str) -> Request:
    request.status = status
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_comment = comment
    request.save()
    if request.requested_by.email:
        from .tasks import request_decided_notify

        pk = request.pk
        transaction.on_commit(lambda: request_decided_notify.delay(pk))
    return request


def request_decided_notify(*, request_id: int) -> None:
    """Tell the requester the decision and the comment, with a link to the request."""
    request = Request.objects.select_related(
        "colleague", "requirement", "course", "satisfies", "requested_by", "decided_by"
    ).get(pk=request_id)
    send_templated_mail(
        to=[request.requested_by.email],
        template="workspace/email/request_decided",
        context={
            "request": request,
            "decided_by": _user_name(request.decided_by),
            # About the requester's own record: their /me/ page shows what it changed and what is next.
            "own": request.colleague is not None and request.colleague.user_id == request.requested_by_id,
        },
    )
