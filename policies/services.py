"""Writes for the policy register: the review workflow from trigger to publication.

Every function is keyword-only and raises ValidationError (with field names
where a form can show them) for anything the organisation's process forbids,
before writing anything.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance.models import Requirement
from core.text import one_line, quoted

from . import feed
from .enums import DocumentKind, EiaRating, ReviewStep, ReviewTrigger
from .models import Policy, PolicyAmendment, PolicyDocument, PolicyReview, PolicyVersion
from .rules import next_review_date, version_after
from .uploads import check_upload


def _not_future(value: dt.date | None, field: str, what: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: f"{what} cannot be in the future: record it once it has happened."})


def _open(review: PolicyReview) -> PolicyReview:
    """The review, locked, so two people recording steps or publishing at once cannot both win."""
    locked = PolicyReview.objects.select_for_update().select_related("version", "policy").get(pk=review.pk)
    if locked.completed_on is not None:
        raise ValidationError("This review is finished: its version is published and cannot be changed.")
    return locked


def review_start(
    *,
    policy: Policy,
    trigger: str,
    started_by=None,
    started_on: dt.date | None = None,
    trigger_detail: str = "",
    trigger_reference: str = "",
    version_label: str = "",
    eia_meeting_on: dt.date | None = None,
    forum_meeting_on: dt.date | None = None,
    board_meeting_on: dt.date | None = None,
) -> PolicyReview:
    """Open a review (scheduled, or early with what triggered it) and the draft version it will publish."""
    started_on = started_on or timezone.localdate()
    trigger_detail = trigger_detail.strip()
    if trigger not in ReviewTrigger.values:
        raise ValidationError({"trigger": "Choose why the review is starting."})
    if trigger != ReviewTrigger.SCHEDULED and not trigger_detail:
        raise ValidationError(
            {
                "trigger_detail": "An early review must record what triggered it (the incident, complaint, "
                "legislation or case review)."
            }
        )
    _not_future(started_on, "started_on", "The start of the review")
    label = (version_label or version_after(policy.version)).strip()
    with transaction.atomic():
        Policy._base_manager.select_for_update().filter(pk=policy.pk).first()
        if PolicyReview.objects.filter(policy=policy, completed_on__isnull=True).exists():
            raise ValidationError(f"A review of {quoted(policy.title)} is already in progress.")
        if PolicyVersion.objects.filter(policy=policy, version=label).exists():
            raise ValidationError(
                {"version_label": f"Version {quoted(label)} of this policy already exists."}
            )
        version = PolicyVersion.objects.create(
            policy=policy,
            version=label,
            approval_body=policy.approval_body,
            review_frequency_months=policy.review_frequency_months,
        )
        return PolicyReview.objects.create(
            policy=policy,
            version=version,
            trigger=trigger,
            trigger_detail=trigger_detail,
            trigger_reference=trigger_reference.strip(),
            started_on=started_on,
            started_by=started_by,
            due_on=policy.next_review_date,
            eia_meeting_on=eia_meeting_on,
            forum_meeting_on=forum_meeting_on,
            board_meeting_on=board_meeting_on,
        )


@transaction.atomic
def review_meetings_plan(
    *,
    review: PolicyReview,
    eia_meeting_on: dt.date | None,
    forum_meeting_on: dt.date | None,
    board_meeting_on: dt.date | None,
) -> PolicyReview:
    """The dates the EIA Review Group, the Policy Forum and the board will look at the review."""
    review = _open(review)
    review.eia_meeting_on = eia_meeting_on
    review.forum_meeting_on = forum_meeting_on
    review.board_meeting_on = board_meeting_on
    review.save(update_fields=["eia_meeting_on", "forum_meeting_on", "board_meeting_on"])
    return review


@transaction.atomic
def review_consultation_record(
    *, review: PolicyReview, opened_on: dt.date, closed_on: dt.date, summary: str
) -> PolicyReview:
    review = _open(review)
    summary = summary.strip()
    if not summary:
        raise ValidationError({"summary": "Say who was consulted and what they said."})
    if closed_on < opened_on:
        raise ValidationError({"closed_on": "The consultation cannot close before it opened."})
    _not_future(closed_on, "closed_on", "The close of the consultation")
    review.consultation_opened_on = opened_on
    review.consultation_closed_on = closed_on
    review.consultation_summary = summary
    review.save(update_fields=["consultation_opened_on", "consultation_closed_on", "consultation_summary"])
    return review


@transaction.atomic
def review_eia_record(
    *, review: PolicyReview, endorsed_on: dt.date, rating: str, minute_ref: str = ""
) -> PolicyReview:
    """The equality impact assessment, its rating and its endorsement by the EIA Review Group."""
    review = _open(review)
    if rating not in dict(EiaRating.recordable()):
        raise ValidationError({"rating": "Choose the EIA's rating."})
    _not_future(endorsed_on, "endorsed_on", "The EIA Review Group's endorsement")
    version = review.version
    if version.forum_endorsed_on is not None and endorsed_on > version.forum_endorsed_on:
        raise ValidationError(
            {"endorsed_on": "The EIA must be endorsed before the Policy Forum endorsed the policy."}
        )
    version.eia_endorsed_on = endorsed_on
    version.eia_rating = rating
    version.eia_minute_ref = minute_ref.strip()
    version.save(update_fields=["eia_endorsed_on", "eia_rating", "eia_minute_ref"])
    return review


@transaction.atomic
def review_forum_record(*, review: PolicyReview, endorsed_on: dt.date, minute_ref: str) -> PolicyReview:
    """The Policy Forum's endorsement. It considers the consultation and the EIA, so both come first."""
    review = _open(review)
    version = review.version
    if not review.consultation_done:
        raise ValidationError("Record the consultation before the Policy Forum's endorsement.")
    if version.eia_endorsed_on is None:
        raise ValidationError("Record the equality impact assessment before the Policy Forum's endorsement.")
    if endorsed_on < version.eia_endorsed_on:
        raise ValidationError({"endorsed_on": "The Policy Forum cannot endorse before the EIA was endorsed."})
    if version.approved_on is not None and endorsed_on > version.approved_on:
        raise ValidationError({"endorsed_on": "The Policy Forum must endorse before the board approves."})
    _not_future(endorsed_on, "endorsed_on", "The Policy Forum's endorsement")
    if not minute_ref.strip():
        raise ValidationError({"minute_ref": "Give the Policy Forum minute reference."})
    version.forum_endorsed_on = endorsed_on
    version.forum_minute_ref = minute_ref.strip()
    version.save(update_fields=["forum_endorsed_on", "forum_minute_ref"])
    return review


@transaction.atomic
def review_board_record(
    *, review: PolicyReview, approval_body: str, approved_on: dt.date, minute_ref: str
) -> PolicyReview:
    """Approval by the approving board (the Leadership Board for the Hate Harassment Policy)."""
    review = _open(review)
    version = review.version
    if version.forum_endorsed_on is None:
        raise ValidationError("Record the Policy Forum's endorsement before the board's approval.")
    if approved_on < version.forum_endorsed_on:
        raise ValidationError({"approved_on": "The board cannot approve before the Policy Forum endorsed."})
    _not_future(approved_on, "approved_on", "The board's approval")
    if not approval_body.strip():
        raise ValidationError({"approval_body": "Name the body that approved the policy."})
    if not minute_ref.strip():
        raise ValidationError({"minute_ref": "Give the board minute reference."})
    version.approval_body = approval_body.strip()
    version.approved_on = approved_on
    version.approval_minute_ref = minute_ref.strip()
    version.save(update_fields=["approval_body", "approved_on", "approval_minute_ref"])
    return review


def policy_document_upload(*, review: PolicyReview, kind: str, uploaded, uploaded_by=None) -> PolicyDocument:
    """Attach the policy or its EIA to the review's draft version (a new revision if one is there)."""
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": "Choose the policy document or the equality impact assessment."})
    checked = check_upload(uploaded)  # before any write: a rejected file leaves nothing behind
    with transaction.atomic():
        review = _open(review)
        version = review.version
        latest = (
            version.documents.filter(kind=kind)
            .order_by("-revision")
            .values_list("revision", flat=True)
            .first()
        )
        document = PolicyDocument(
            version=version,
            kind=kind,
            revision=(latest or 0) + 1,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=uploaded_by,
        )
        document.file.save(checked.name, uploaded, save=False)
        try:
            document.save()
        except Exception:
            document.file.delete(save=False)
            raise
    return document


DEFAULT_NO_CHANGE = "Reviewed; no change to the policy. Reissued as a new version to record the review."


def _amendment_reason(review: PolicyReview, reason: str) -> str:
    if reason.strip():
        return reason.strip()
    if review.trigger == ReviewTrigger.SCHEDULED:
        return "Scheduled review."
    reference = f" ({review.trigger_reference})" if review.trigger_reference else ""
    return f"Early review triggered by {review.get_trigger_display().lower()}{reference}: {review.trigger_detail}"


def review_publish(
    *,
    review: PolicyReview,
    published_by=None,
    version_label: str | None = None,
    change_summary: str = "",
    no_change: bool = False,
    reason: str = "",
    effective_from: dt.date | None = None,
    review_frequency_months: int | None = None,
    next_review_override: dt.date | None = None,
    next_review_override_reason: str = "",
) -> PolicyVersion:
    """Publish the review's version: freeze it, add the amendment log entry, move the next review on.

    The log gains an entry even when nothing changed, so the review itself is
    on the record (issue 5). The next review is the Policy Forum's endorsement
    of this version plus the review frequency (docs/rules.md §6) unless overridden
    with a reason.
    """
    today = timezone.localdate()
    with transaction.atomic():
        review = _open(review)
        policy = Policy._base_manager.select_for_update().get(pk=review.policy_id)
        version = review.version
        if review.step != ReviewStep.PUBLISH:
            raise ValidationError(
                f"The review is not ready to publish: {review.step.label.lower()} is still to record."
            )
        kinds = set(version.documents.values_list("kind", flat=True))
        missing = [DocumentKind(k).label.lower() for k in DocumentKind.values if k not in kinds]
        if missing:
            raise ValidationError(f"Attach the {' and the '.join(missing)} before publishing.")
        label = (version_label or version.version).strip()
        if label != version.version and PolicyVersion.objects.filter(policy=policy, version=label).exists():
            raise ValidationError(
                {"version_label": f"Version {quoted(label)} of this policy already exists."}
            )
        summary = DEFAULT_NO_CHANGE if no_change and not change_summary.strip() else change_summary.strip()
        if not summary:
            raise ValidationError({"change_summary": "Say what changed, or tick 'no change'."})
        effective_from = effective_from or version.approved_on
        if effective_from < version.approved_on:
            raise ValidationError(
                {"effective_from": "A version cannot take effect before the board approved it."}
            )
        frequency = review_frequency_months or version.review_frequency_months
        if frequency < 1:
            raise ValidationError({"review_frequency_months": "The review frequency is at least a month."})
        if next_review_override is not None and not next_review_override_reason.strip():
            raise ValidationError(
                {"next_review_override_reason": "Say why the review date is not the usual one."}
            )
        next_review = next_review_date(version.forum_endorsed_on, frequency, next_review_override)
        if next_review <= effective_from:
            raise ValidationError(
                {"next_review_override": "The next review must fall after the version takes effect."}
            )

        version.version = label
        version.change_summary = summary
        version.effective_from = effective_from
        version.review_frequency_months = frequency
        version.next_review_date = next_review
        version.published_on = today
        version.published_by = published_by
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError as error:
            raise ValidationError(f"The version could not be published: {one_line(str(error))}") from error

        PolicyAmendment.objects.create(
            policy=policy,
            amended_on=effective_from,
            version=label,
            change=summary,
            reason=_amendment_reason(review, reason),
        )
        policy.version = label
        policy.approval_body = version.approval_body
        policy.approved_on = version.approved_on
        policy.eia_endorsed_on = version.eia_endorsed_on
        policy.forum_endorsed_on = version.forum_endorsed_on
        policy.review_frequency_months = frequency
        policy.next_review_override = next_review_override
        policy.next_review_override_reason = (
            next_review_override_reason.strip() if next_review_override else ""
        )
        policy.published = True
        policy.save()
        review.completed_on = today
        review.save(update_fields=["completed_on"])
        feed.review_calendar_sync(policies=[policy])
    return version


@transaction.atomic
def policy_review_reschedule(*, policy: Policy, next_review: dt.date | None, reason: str) -> Policy:
    """Move the next review away from the computed date (or back to it with None), with a reason."""
    policy = Policy._base_manager.select_for_update().get(pk=policy.pk)
    if next_review is not None and not reason.strip():
        raise ValidationError({"reason": "Say why the review date is moving."})
    policy.next_review_override = next_review
    policy.next_review_override_reason = reason.strip() if next_review else ""
    policy.save(update_fields=["next_review_override", "next_review_override_reason"])
    feed.review_calendar_sync(policies=[policy])
    return policy


_KEEP = object()


@transaction.atomic
def requirement_revise(
    *,
    requirement: Requirement,
    version: PolicyVersion,
    code: str,
    clause: str,
    name: str = "",
    first_due_months: int | None = None,
    recurrence_months=_KEEP,
) -> Requirement:
    """A new version changes a requirement from its effective date, leaving earlier dates as they were.

    The old requirement stays, in force until the day before; the new one,
    citing the new version and clause, is in force from its effective date.
    The engine honours both periods, so an audit of an earlier date is still
    judged by the requirement then in force.
    """
    if not version.is_published:
        raise ValidationError("A requirement changes with a published version: publish the version first.")
    starts = version.effective_from
    requirement = Requirement.objects.select_for_update().get(pk=requirement.pk)
    if requirement.in_force_until is not None and requirement.in_force_until < starts:
        raise ValidationError(f"{quoted(requirement.code)} was no longer in force on {starts:%d/%m/%Y}.")
    if starts <= requirement.in_force_from:
        raise ValidationError(
            f"{quoted(requirement.code)} only came into force on {requirement.in_force_from:%d/%m/%Y}: "
            "edit it rather than replace it."
        )
    if Requirement.objects.filter(code=code).exists():
        raise ValidationError({"code": f"A requirement coded {quoted(code)} already exists."})
    new = Requirement.objects.create(
        code=code,
        name=name or requirement.name,
        first_due_months=first_due_months or requirement.first_due_months,
        recurrence_months=requirement.recurrence_months if recurrence_months is _KEEP else recurrence_months,
        policy=version.policy,
        policy_version=version.version,
        clause=clause,
        in_force_from=starts,
        in_force_until=requirement.in_force_until,
    )
    new.roles.set(requirement.roles.all())
    new.courses.set(requirement.courses.all())
    new.gates.set(requirement.gates.all())
    requirement.in_force_until = starts - dt.timedelta(days=1)
    requirement.save(update_fields=["in_force_until"])
    return new
