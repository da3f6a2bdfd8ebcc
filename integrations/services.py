"""Writes for machine clients: keys, the decision log, webhooks and their deliveries."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .enums import DEFAULT_SCOPES, Scope
from .models import ApiClient, Decision, Webhook


class UnknownScope(ValueError):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scopes_parse(value: str | Iterable[str] | None) -> list[str]:
    """`eligibility,policies` (or a list) as a sorted list of known scopes; empty means the default."""
    if value is None:
        items = []
    elif isinstance(value, str):
        items = [s.strip() for s in value.split(",")]
    else:
        items = [str(s).strip() for s in value]
    items = [s for s in items if s]
    unknown = sorted(set(items) - set(Scope.values))
    if unknown:
        raise UnknownScope(f"unknown scope {', '.join(unknown)}; known scopes: {', '.join(Scope.values)}")
    return sorted(set(items) or {str(s) for s in DEFAULT_SCOPES})


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def api_client_issue(*, name: str, scopes: str | Iterable[str] | None = None) -> tuple[ApiClient, str]:
    """Create the client `name`, or give it a new key (the old one stops working at once).

    Returns the client and the key in clear: the only time anyone sees it.
    Rotating also lifts a revocation and sets the scopes asked for.
    """
    wanted = scopes_parse(scopes)
    token = _new_token()
    client = ApiClient.objects.select_for_update().filter(name=name).first()
    if client is None:
        client = ApiClient(name=name)
    else:
        client.rotated_at = timezone.now()
        client.revoked_at = None
    client.scopes = wanted
    client.token_hash = token_hash(token)
    client.token_prefix = token[:8]
    client.save()
    return client, token


def api_client_rotate(*, client: ApiClient) -> str:
    """A new key for an existing client (the admin's "issue a new key")."""
    token = _new_token()
    client.token_hash = token_hash(token)
    client.token_prefix = token[:8]
    client.rotated_at = timezone.now()
    client.save(update_fields=["token_hash", "token_prefix", "rotated_at"])
    return token


def api_client_revoke(*, client: ApiClient) -> None:
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])


def api_client_authenticate(*, token: str) -> ApiClient | None:
    """The live client holding `token`, or None. One query, plus a write at most once a minute.

    The last-used time is only as precise as API_LAST_USED_PRECISION_SECONDS so
    that a busy client does not turn every read into a write.
    """
    client = ApiClient.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True).first()
    if client is None:
        return None
    now = timezone.now()
    precision = dt.timedelta(seconds=settings.API_LAST_USED_PRECISION_SECONDS)
    if client.last_used_at is None or now - client.last_used_at >= precision:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


def _reasons(answer) -> list[dict]:
    return [
        {
            "code": str(r.code),
            "requirement": r.requirement,
            "due_date": r.due_date.isoformat() if r.due_date else None,
        }
        for r in answer.reasons
    ]


_INSERT_MANY = """
INSERT INTO integrations_decision
  (client_id, answered_at, employee_number, case_type, as_of, eligible, supervision_required, eligible_until, reasons)
SELECT %s, %s, d.employee_number, d.case_type, d.as_of, d.eligible, d.supervision_required, d.eligible_until,
       d.reasons
FROM jsonb_to_recordset(%s::jsonb) AS d(employee_number varchar, case_type varchar, as_of date, eligible boolean,
                                        supervision_required boolean, eligible_until date, reasons jsonb)
"""


def decision_log_record(*, client: ApiClient, answers) -> None:
    """Record every eligibility answer given to a machine client, in one INSERT whatever their number.

    On PostgreSQL many answers travel as one JSON document unpacked by the
    database (`jsonb_to_recordset`): a thousand rows through `bulk_create` are
    nine thousand placeholders, which cost the driver far more than the
    database. One answer is a plain INSERT.
    """
    now = timezone.now()
    answers = list(answers)
    if len(answers) > 1 and connection.vendor == "postgresql":
        document = json.dumps(
            [
                {
                    "employee_number": a.employee_number,
                    "case_type": a.case_type,
                    "as_of": a.as_of.isoformat(),
                    "eligible": a.eligible,
                    "supervision_required": a.supervision_required,
                    "eligible_until": a.eligible_until.isoformat() if a.eligible_until else None,
                    "reasons": _reasons(a),
                }
                for a in answers
            ]
        )
        with connection.cursor() as cursor:
            cursor.execute(_INSERT_MANY, [client.pk, now, document])
        return
    decisions = [
        Decision(
            client_id=client.pk,
            employee_number=a.employee_number,
            case_type=a.case_type,
            as_of=a.as_of,
            eligible=a.eligible,
            supervision_required=a.supervision_required,
            eligible_until=a.eligible_until,
            reasons=_reasons(a),
            answered_at=now,
        )
        for a in answers
    ]
    if len(decisions) == 1:
        decisions[0].save()  # one statement; bulk_create would wrap it in BEGIN and COMMIT
    else:
        Decision.objects.bulk_create(decisions)


def decision_log_prune(*, now: dt.datetime | None = None) -> int:
    """Delete decisions older than API_DECISION_LOG_RETENTION_DAYS; returns how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.API_DECISION_LOG_RETENTION_DAYS)
    deleted, _ = Decision.objects.filter(answered_at__lt=cutoff).delete()
    return deleted


def webhook_register(*, client: ApiClient, url: str, case_type) -> Webhook:
    """A new webhook with its own signing secret (returned once, in the API's answer)."""
    return Webhook.objects.create(client=client, url=url, case_type=case_type, secret=secrets.token_hex(32))


def webhook_remove(*, webhook: Webhook) -> None:
    webhook.delete()
