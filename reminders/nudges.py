"""A manager's nudge: one email to a colleague about requirements picked on a list, once a day each.

Claimed like the reminders (reminders/services.py): the claim rows and the
send share one transaction, so a second nudge of the same colleague and
requirement on the same day (another tab, another manager of the team)
finds the key taken and sends nothing, and a failed send leaves no claim.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from compliance.models import Requirement
from core.claims import claim_once
from people.models import Colleague

from .links import colleague_url
from .models import Nudge
from .services import _message_id, _send_claimed


@dataclass
class NudgeOutcome:
    sent: list[tuple[Colleague, Requirement]] = field(default_factory=list)
    already: list[tuple[Colleague, Requirement]] = field(default_factory=list)
    no_email: list[Colleague] = field(default_factory=list)


def _name_of(user) -> str:
    """How the colleague knows the sender: their account's name, else their colleague record's."""
    if user is None:
        return ""
    own = Colleague.objects.filter(user=user).first() if not user.get_full_name() else None
    return user.get_full_name() or (own.full_name if own else user.get_username())


def nudges_send(
    *, picks: list[tuple[Colleague, Requirement]], day: dt.date, by, due: dict | None = None
) -> NudgeOutcome:
    """Email each picked colleague once about their picked requirements not nudged yet on `day`.

    `due` maps (colleague id, requirement code) to the due date the list showed,
    so the email says it.
    """
    outcome, by_colleague = NudgeOutcome(), {}
    for colleague, requirement in picks:
        by_colleague.setdefault(colleague.pk, (colleague, []))[1].append(requirement)
    sender = _name_of(by)
    for colleague, requirements in by_colleague.values():
        if not colleague.email:
            outcome.no_email.append(colleague)
            continue
        # A fixed order, so two managers nudging at once wait on the same first row (one email).
        requirements = sorted(requirements, key=lambda r: r.code)
        with transaction.atomic():
            claimed = []
            for requirement in requirements:
                claim = claim_once(
                    Nudge, colleague=colleague, requirement=requirement, sent_on=day, sent_by=by
                )
                (claimed if claim is not None else outcome.already).append((colleague, requirement))
            if not claimed:
                continue
            _send_claimed(
                to=[colleague.email],
                template="reminders/email/nudge",
                context={
                    "first_name": colleague.first_name,
                    "sender": sender,
                    "items": [
                        {
                            "code": r.code,
                            "name": r.name,
                            "due_date": (due or {}).get((colleague.pk, r.code)),
                        }
                        for _, r in claimed
                    ],
                    "colleague_url": colleague_url(colleague.employee_number),
                    "day": day,
                },
                message_id=_message_id("nudge", colleague.pk, day, *(r.code for _, r in claimed)),
            )
            outcome.sent.extend(claimed)
    return outcome
