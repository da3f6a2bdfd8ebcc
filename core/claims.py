"""Once-only side effects (emails, webhooks): a row claims the send before it happens."""

from django.db import IntegrityError, transaction


def claim_once(model, **key) -> object | None:
    """Create the claim row for `key`, or return None if someone already has it.

    The model's UniqueConstraint on the key fields is what makes this safe when
    a task runs twice or on two workers at once: exactly one INSERT wins. Call
    it inside the same transaction as nothing else that may roll back, then
    send; if the send fails, delete the claim so a retry can have it.
    """
    try:
        with transaction.atomic():
            return model.objects.create(**key)
    except IntegrityError:
        return None
