"""Saves that can change an officer's eligibility queue a check for change events (after commit).

Bulk writes that bypass signals (say, a `bulk_create` import) are caught by
the daily task, and an import may call `eligibility_changes_check_soon` itself.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from compliance.models import Waiver
from people.models import Colleague, RoleAssignment
from training.models import TrainingRecord

from .webhooks import eligibility_changes_check_soon


@receiver(post_save, sender=TrainingRecord, dispatch_uid="integrations-training-saved")
@receiver(post_delete, sender=TrainingRecord, dispatch_uid="integrations-training-deleted")
@receiver(post_save, sender=Waiver, dispatch_uid="integrations-waiver-saved")
@receiver(post_delete, sender=Waiver, dispatch_uid="integrations-waiver-deleted")
@receiver(post_save, sender=RoleAssignment, dispatch_uid="integrations-role-saved")
@receiver(post_delete, sender=RoleAssignment, dispatch_uid="integrations-role-deleted")
def colleague_record_changed(sender, instance, raw=False, using="default", **kwargs):
    if not raw:
        eligibility_changes_check_soon([instance.colleague_id], using=using)


@receiver(post_save, sender=Colleague, dispatch_uid="integrations-colleague-saved")
def colleague_changed(sender, instance, raw=False, using="default", **kwargs):
    if not raw:
        eligibility_changes_check_soon([instance.pk], using=using)
