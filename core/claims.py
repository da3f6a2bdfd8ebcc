"""Once-only side effects (emails, webhooks): a row claims the send before it happens."""

from django.db import IntegrityError, transaction


def claim_once(model, **key) -> object | None:
    """Create the claim row for `key`, or return None if someone already has it.

    The model's UniqueConstraint on the key fields is what makes this safe when
    a task runs twice or on two workers at once: exactly one INSERT wins (a
    second one waits for the first's transaction, then finds the key taken).
    Callers claim and send inside one transaction, committed after the send
    (`with transaction.atomic(): claim_once(...); send`), so a failed send or a
    killed worker leaves no claim behind and the retry sends; only a kill
    between the mail server's acceptance and the commit could send twice.
    """
    try:
        with transaction.atomic():
            return model.objects.create(**key)
    except IntegrityError:
        return None
