"""Writes on training records' evidence that other apps call (keyword-only, `<thing>_<action>`)."""

from django.db import transaction

from .models import Evidence


@transaction.atomic
def evidence_erase(*, colleague_id: int) -> int:
    """Erase a colleague's certificate files under the retention rule; returns how many were erased.

    A certificate names its holder, so the file goes, and its name goes from
    the history too; the training record (course and date) stays for the
    figures. A file shared with another colleague's record (one session's
    certificate) stays while that record still points at it.
    """
    evidence = list(Evidence.objects.filter(record__colleague_id=colleague_id))
    names = {e.file.name for e in evidence}
    Evidence.objects.filter(pk__in=[e.pk for e in evidence]).delete()
    Evidence.history.model.objects.filter(record_id__in={e.record_id for e in evidence}).update(
        original_name="", file=""
    )
    storage = Evidence._meta.get_field("file").storage
    for name in names:
        if not Evidence.objects.filter(file=name).exists():
            storage.delete(name)
    return len(evidence)
