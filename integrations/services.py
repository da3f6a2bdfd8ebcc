"""Writes for machine clients: keys, the decision log, webhooks and their deliveries."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import secrets
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.db import prepared_cursor

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


# token hash -> (when fetched, the client then): see api_client_authenticate.
_known_keys: dict[str, tuple[float, ApiClient]] = {}


def api_client_authenticate(*, token: str, confirmed_later: bool = False) -> ApiClient | None:
    """The live client holding `token`, or None. One query, plus a write at most once a minute.

    `confirmed_later`: the caller will write the decision log with
    `decision_log_record`, whose INSERT itself checks, in the same statement,
    that the key is still live and still has the scope; so a key seen in the
    last API_KEY_CACHE_SECONDS is taken from this process's memory, saving a
    round trip on every lookup, while a revoked or rotated key still gets no
    answer (PostgreSQL only). The last-used time is only as precise as
    API_LAST_USED_PRECISION_SECONDS, so a busy client does not turn reads into writes.
    """
    digest = token_hash(token)
    now = timezone.now()
    remembered = _known_keys.get(digest) if confirmed_later and connection.vendor == "postgresql" else None
    if remembered is not None and time.monotonic() - remembered[0] < settings.API_KEY_CACHE_SECONDS:
        client = copy.copy(remembered[1])
        client.confirmed = False
    else:
        client = ApiClient.objects.filter(token_hash=digest, revoked_at__isnull=True).first()
        if client is None:
            _known_keys.pop(digest, None)
            return None
        client.confirmed = True
        _known_keys[digest] = (time.monotonic(), copy.copy(client))
    precision = dt.timedelta(seconds=settings.API_LAST_USED_PRECISION_SECONDS)
    if client.last_used_at is None or now - client.last_used_at >= precision:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
        _known_keys[digest] = (time.monotonic(), copy.copy(client))
    return client


def api_client_forget(client: ApiClient) -> None:
    _known_keys.pop(client.token_hash, None)


def api_client_still_live(*, client: ApiClient, scope: str) -> str | None:
    """None when the key is still live with `scope`; else why not (`revoked` or `scope`)."""
    fresh = ApiClient.objects.filter(
        pk=client.pk, token_hash=client.token_hash, revoked_at__isnull=True
    ).first()
    if fresh is None:
        return "revoked"
    return None if fresh.has_scope(scope) else "scope"


def _reasons(answer) -> list[dict]:
    return [
        {
            "code": str(r.code),
            "requirement": r.requirement,
            "due_date": r.due_date.isoformat() if r.due_date else None,
        }
        for r in answer.reasons
    ]


# One statement, whatever the number of answers: they travel as one JSON
# document unpacked by the database (a thousand rows through bulk_create are
# nine thousand placeholders, which cost the driver more than the database),
# and the key is checked live, with its scope, in the same statement.
_INSERT_CHECKED = """
INSERT INTO integrations_decision
  (client_id, answered_at, employee_number, case_type, as_of, eligible, supervision_required, eligible_until, reasons)
SELECT c.id, %s, d.employee_number, d.case_type, d.as_of, d.eligible, d.supervision_required, d.eligible_until,
       d.reasons
FROM integrations_apiclient c,
     jsonb_to_recordset(%s::jsonb) AS d(employee_number varchar, case_type varchar, as_of date, eligible boolean,
                                        supervision_required boolean, eligible_until date, reasons jsonb)
WHERE c.id = %s AND c.token_hash = %s AND c.revoked_at IS NULL AND c.scopes @> %s::jsonb
"""


def decision_log_record(*, client: ApiClient, answers, scope: str = "eligibility") -> bool:
    """Record every eligibility answer given to a machine client; False if the key is no longer live.

    The caller gives the answers only when this returns True: an answer is
    never given without being logged, nor to a key revoked a moment ago.
    """
    now = timezone.now()
    answers = list(answers)
    if connection.vendor == "postgresql":
        if not answers:
            return (
                getattr(client, "confirmed", True)
                or api_client_still_live(client=client, scope=scope) is None
            )
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
        with prepared_cursor() as cursor:
            cursor.execute(
                _INSERT_CHECKED, [now, document, client.pk, client.token_hash, json.dumps([scope])]
            )
            return cursor.rowcount == len(answers)
    Decision.objects.bulk_create(
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
    )
    return True


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
