"""Where personal data about a colleague lives: one declaration per model.

Both the subject access export (`privacy.services.subject_access_data`) and
the retention rule (`privacy.services.colleague_anonymise`) are built from
`HOLDINGS` and nothing else, so what is exported and what is erased cannot
disagree. `tests/privacy/test_declarations.py` fails when a model that could
hold personal data (a foreign key to a colleague or an account, or a field of
free text, JSON or a file) is neither declared here nor listed in
`NOT_PERSONAL` with the reason.

A declaration says:

- `subject`: how to find the rows about one colleague: through a foreign key
  (`via("colleague")`), by their employee number (`number(...)`), or by the
  rows that mention them in a shared text or JSON field (`mentions(...)`,
  for an import's messages naming many people).
- `erase`: what the retention rule does to each field that identifies them or
  holds free text about them. Dates, statuses, course codes and the links
  between rows stay: they are what the aggregate figures are counted from.
- `kept`: free-text or JSON fields deliberately left, each with the reason.

Every declaration covers the model's history table (django-simple-history)
too: the same subject, the same erasure, applied to every past version.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Q

REMOVED = "Removed under the retention rule"


@dataclass(frozen=True)
class Subject:
    """One colleague as the declarations need them: ids and the strings that identify them."""

    pk: int
    employee_number: str
    user_id: int | None
    full_name: str
    email: str

    @property
    def pseudonym(self) -> str:
        return f"ANON-{self.pk}"

    @property
    def needles(self) -> tuple[str, ...]:
        """What a text mentioning them contains (a search finds candidates; `patterns` decides)."""
        return tuple(n for n in (self.employee_number, self.email, self.full_name) if n)

    @cached_property
    def patterns(self) -> re.Pattern:
        # The employee number as a whole word: E1 is not inside E10.
        parts = [rf"(?<![\w-]){re.escape(self.employee_number)}(?![\w-])"]
        parts += [re.escape(n) for n in (self.email, self.full_name) if n]
        return re.compile("|".join(parts), re.IGNORECASE)


# ---------------------------------------------------------------- how rows are found


def via(path: str) -> Callable[[Subject], Q]:
    """Rows whose foreign key (or chain of them, `review__colleague`) reaches the colleague."""
    return lambda s: Q(**{f"{path}_id": s.pk})


def via_user(path: str) -> Callable[[Subject], Q]:
    """Rows about the colleague's login account (none when they have no login)."""
    return lambda s: Q(**{path: s.user_id}) if s.user_id else Q(pk__in=[])


def number(path: str) -> Callable[[Subject], Q]:
    """Rows that name the colleague by employee number (the API's log, a webhook's payload)."""
    return lambda s: Q(**{path: s.employee_number})


def mentions(*fields: str) -> Callable[[Subject], Q]:
    """Rows whose text or JSON mentions the colleague: their name, email or employee number."""

    def q(s: Subject) -> Q:
        found = Q(pk__in=[])
        for name in fields:
            for needle in s.needles:
                found |= Q(**{f"{name}__icontains": needle})
        return found

    return q


# ---------------------------------------------------------------- how a field is erased


class Eraser:
    def value(self, old: Any, s: Subject) -> Any:  # pragma: no cover - an interface
        raise NotImplementedError

    def constant(self, s: Subject) -> tuple[bool, Any]:
        """(True, value) when every row gets the same value: one UPDATE, no row read."""
        return False, None


@dataclass(frozen=True)
class Fixed(Eraser):
    replacement: Any

    def value(self, old, s):
        return self.replacement

    def constant(self, s):
        return True, self.replacement


class Pseudonym(Eraser):
    """`ANON-<id>`: unique like the employee number it replaces, and says nothing."""

    def value(self, old, s):
        return s.pseudonym

    def constant(self, s):
        return True, s.pseudonym


class Scrub(Eraser):
    """Replace each mention of the colleague inside a text or JSON value shared with others.

    An import's messages and preview rows name many colleagues: only this
    one's name, email and number are replaced; the rest stay readable.
    """

    def value(self, old, s):
        return scrub(old, s)


class Forget(Eraser):
    """A stored file or blob that mentions the colleague is dropped whole (it cannot be edited)."""

    def value(self, old, s):
        return None


def scrub(value: Any, s: Subject, whole: bool = False) -> Any:
    """`value` with each mention of the colleague replaced by "[removed]".

    Their number, email and full name are replaced wherever they occur. An
    item that names them (a preview row, a problem line, a webhook's
    eligibility) is about them as a whole, notes and first name included:
    each of its values is replaced. A first or last name alone is too common
    to look for anywhere else.
    """
    if isinstance(value, str):
        if whole and value:
            return "[removed]"
        return s.patterns.sub("[removed]", value)
    if isinstance(value, list | tuple):
        return [scrub(v, s, whole or _names_them(v, s)) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v, s, whole or _names_them(v, s)) for k, v in value.items()}
    return value


def _names_them(value: Any, s: Subject) -> bool:
    if isinstance(value, str):
        return False  # a string is judged by itself, above
    return bool(s.patterns.search(json.dumps(value, default=str, ensure_ascii=False)))


def mentioned(value: Any, s: Subject) -> Any:
    """The parts of a shared value that mention the colleague: what the export shows of it."""
    if isinstance(value, list | tuple):
        return [v for v in value if scrub(v, s) != v]
    return value if scrub(value, s) != value else None


# ---------------------------------------------------------------- the declarations


@dataclass(frozen=True)
class Holding:
    model: str  # "app_label.ModelName"
    subject: Callable[[Subject], Q]
    about: str  # what it is, for the export's reader
    erase: dict[str, Eraser] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)  # field -> why it stays
    export_fields: tuple[str, ...] | None = None  # None: every field of the row
    shared: bool = False  # rows hold others' data too: the export shows only what mentions the colleague
    history: bool = True


BLANK = Fixed("")
GONE = Fixed(REMOVED)

HOLDINGS: tuple[Holding, ...] = (
    Holding(
        "people.Colleague",
        lambda s: Q(id=s.pk),  # `id`, not `pk`: the history table's pk is its own
        "Your record: name, email, employee number, team, manager, dates",
        erase={
            "first_name": Fixed("Former"),
            "last_name": Fixed("colleague"),
            "email": BLANK,
            "employee_number": Pseudonym(),
            "user": Fixed(None),
        },
    ),
    Holding("people.RoleAssignment", via("colleague"), "Your roles and when each started"),
    Holding(
        "people.Team",
        via("manager"),
        "Teams you manage",
        export_fields=("name",),
        kept={"name": "the team's name, not about the manager"},
    ),
    Holding(
        "training.TrainingRecord",
        via("colleague"),
        "Your training records",
        erase={"certificate": BLANK, "notes": BLANK},
        kept={"provider": "the course provider (an organisation), needed for the figures"},
    ),
    Holding(
        "training.Evidence",
        via("record__colleague"),
        "Certificates attached to your training records (each file is a download from your page)",
        # The file itself is deleted by training.services.evidence_erase: a certificate names
        # its holder and cannot be edited. Its name goes from every version.
        erase={"original_name": BLANK, "file": BLANK},
        # The storage's name of the file is internal; the file is a logged download.
        export_fields=("record", "original_name", "content_type", "size", "sha256", "uploaded_at"),
    ),
    Holding(
        "workspace.Request",
        via("colleague"),
        "Requests about your training: extensions, exemptions, training to verify, and their decisions",
        erase={"reason": GONE, "decision_comment": GONE},
        kept={
            "new_course_code": "an outside course's code (equivalences, which name no colleague)",
            "new_course_title": "an outside course's title",
        },
    ),
    Holding(
        "compliance.Waiver",
        via("colleague"),
        "Exemptions and extensions granted to you",
        erase={"reason": GONE},
        kept={"approved_by": "who approved it: a record about the approver, not you"},
    ),
    Holding(
        "reviews.ColleagueReview",
        via("colleague"),
        "Your reviews: the training discussed and your statuses on the day",
        # The snapshot is statuses on the review date, figures like a training record's dates:
        # kept, with any mention of the colleague inside it scrubbed.
        erase={"training_discussed": GONE, "snapshot": Scrub()},
        kept={"reviewer_name": "who reviewed you: a record about the reviewer"},
    ),
    Holding(
        "reviews.ReviewAction",
        via("review__colleague"),
        "Actions agreed at your reviews",
        # Agreed actions can be health data ("refer to occupational health"): the most sensitive kind.
        erase={"action": GONE},
    ),
    Holding("programme.Booking", via("colleague"), "Your places on training sessions"),
    Holding("programme.BookingMessage", via("booking__colleague"), "Invitations sent to you", history=False),
    Holding("reminders.Reminder", via("colleague"), "Reminders sent to you", history=False),
    Holding(
        "reminders.Nudge", via("colleague"), "Nudges your manager sent you about a requirement", history=False
    ),
    Holding(
        "integrations.Decision",
        number("employee_number"),
        "Eligibility decisions given about you to the case management system",
        erase={"employee_number": Pseudonym(), "reasons": Scrub()},
        history=False,
    ),
    Holding(
        "integrations.EligibilityState",
        via("colleague"),
        "Your last known eligibility per case type",
        history=False,
    ),
    Holding(
        "integrations.WebhookDelivery",
        number("payload__eligibility__employee_number"),
        "Notices sent to the case management system when your eligibility changed",
        erase={"payload": Scrub(), "last_error": Scrub()},
        history=False,
    ),
    Holding(
        "integrations.DeliveryAttempt",
        mentions("error"),
        "Errors from sending those notices that name you",
        erase={"error": Scrub()},
        shared=True,
        history=False,
    ),
    Holding(
        "imports.ImportBatch",
        mentions("outcomes", "problems", "warnings", "file_name"),
        "HR files imported that name you: the rows and messages about you",
        erase={
            "outcomes": Scrub(),
            "problems": Scrub(),
            "warnings": Scrub(),
            "file_name": Scrub(),
            # A file waiting for confirmation (kept a day at most, imports.services.import_age_out).
            "content": Forget(),
        },
        kept={"skipped_rows": "row numbers only"},
        export_fields=("started_at", "file_name", "kind", "outcomes", "problems", "warnings"),
        shared=True,
        history=False,
    ),
    Holding(
        "dashboard.StatusSummary",
        via("colleague"),
        "Your statuses as the dashboard shows them",
        erase={
            "employee_number": Pseudonym(),
            "first_name": Fixed("Former"),
            "last_name": Fixed("colleague"),
        },
        history=False,
    ),
    Holding(
        "dashboard.EligibilitySummary",
        via("colleague"),
        "Your eligibility as the dashboard shows it",
        history=False,
    ),
    Holding(
        "privacy.DataExport",
        via("subject"),
        "Subject access exports made about you",
        erase={"description": Scrub()},
        history=False,
    ),
    Holding(
        "privacy.Anonymisation", via("colleague"), "When the retention rule was applied to you", history=False
    ),
    Holding(
        "auth.User",
        via_user("pk"),
        "Your login",
        erase={
            "first_name": BLANK,
            "last_name": BLANK,
            "email": BLANK,
            "username": Pseudonym(),
            "is_active": Fixed(False),
        },
        export_fields=(
            "username",
            "first_name",
            "last_name",
            "email",
            "date_joined",
            "last_login",
            "is_active",
        ),
        kept={"password": "a one-way hash; the account is deactivated"},
        history=False,
    ),
    Holding(
        "core.CalendarFeed",
        via_user("user_id"),
        "Calendar addresses issued to your login",
        export_fields=("kind", "created_at", "revoked_at", "last_fetched_at"),
        kept={"token_hash": "a one-way hash of the address"},
        history=False,
    ),
    Holding(
        "admin.LogEntry",
        mentions("object_repr", "change_message"),
        "Changes made to your records in the admin",
        erase={"object_repr": Scrub(), "change_message": Scrub()},
        kept={"object_id": "the changed row's id"},
        shared=True,
        history=False,
    ),
    Holding(
        "core.QueuedTask",
        mentions("args", "kwargs", "last_error"),
        "Tasks about you waiting for the task queue",
        erase={"args": Scrub(), "kwargs": Scrub(), "last_error": Scrub()},
        shared=True,
        history=False,
    ),
)

# Models with free text, JSON, a file or a link to an account that hold nothing about a colleague.
NOT_PERSONAL: dict[str, str] = {
    "auth.Permission": "names of permissions",
    "auth.Group": "names of access groups",
    "contenttypes.ContentType": "names of models",
    "sessions.Session": "a signed-in browser's session: the account id, gone when it expires",
    "people.Role": "the roles an organisation has",
    "training.Course": "the course catalogue",
    "core.StoredFile": "names and sizes of stored files: evidence and policy documents, declared there",
    "core.StoredChunk": "the bytes of stored files, deleted with the evidence or document that owns them",
    "training.Equivalence": "which course counts for which; approved_by/notes name the approver",
    "policies.Post": "a post in the policy register and who holds it (staff in their role, not as subjects)",
    "policies.Policy": "policy register entries",
    "policies.PolicyAmendment": "changes to a policy's text",
    "policies.ReviewCalendarEntry": "a policy's review date",
    "policies.ReviewReminder": "reminders to a policy's owner about the policy",
    "policies.PolicyVersion": "published policy versions",
    "policies.PolicyDocument": "policy documents (files) and who uploaded them",
    "policies.PolicyReview": "reviews of a policy, not of a colleague",
    "compliance.CaseType": "case types",
    "compliance.Requirement": "training requirements",
    "programme.Session": "training sessions; notes are about the session",
    "reminders.ManagerDigest": "a digest sent to a manager's login: the date and account only",
    "integrations.ApiClient": "a machine client and its hashed key",
    "integrations.Webhook": "a client's webhook address and signing secret",
    "dashboard.SummaryRun": "when the summary was rebuilt",
    "dashboard.TeamSummary": "counts per team",
    "dashboard.ComplianceSnapshot": "counts per team and requirement",
    "dashboard.CommitteePackSend": "the quarter sent, and the committee's addresses from the COMMITTEE_PACK_RECIPIENTS setting: no colleague's record",
    "otp_totp.TOTPDevice": "a second-factor device of an account: its secret key, no personal details",
    "otp_static.StaticDevice": "a second-factor device of an account",
    "otp_static.StaticToken": "one-time codes of such a device",
    "axes.AccessAttempt": "failed sign-ins: kept AXES_COOLOFF, then reset; names the typed username",
    "axes.AccessFailureLog": "failed sign-ins (security log, kept for its own period)",
    "axes.AccessLog": "sign-ins (security log, kept for its own period)",
    "axes.AccessAttemptExpiration": "when a failed sign-in record expires",
}


def holding_for(label: str) -> Holding | None:
    return next((h for h in HOLDINGS if h.model.lower() == label.lower()), None)
