"""Saves that can change an officer's eligibility queue a check for change events (after commit).

Bulk writes that bypass signals (say, a `bulk_create` import) are caught by
the daily task, and an import may call `eligibility_changes_check_soon` itself.
"""

from django.core.signals import setting_changed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from compliance.models import CaseType, Requirement, Waiver
from compliance.selectors import catalogue_forget
from people.models import Colleague, Role, RoleAssignment
from training.models import Course, Equivalence, TrainingRecord

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


# The API answers from a catalogue cached per process (`catalogue_cached`): an
# edit to it in this process is seen at once.
for model in (Requirement, CaseType, Equivalence, Course, Role):
    post_save.connect(catalogue_forget, sender=model, dispatch_uid=f"catalogue-saved-{model.__name__}")
    post_delete.connect(catalogue_forget, sender=model, dispatch_uid=f"catalogue-deleted-{model.__name__}")
for through in (
    Requirement.roles.through,
    Requirement.courses.through,
    Requirement.gates.through,
    CaseType.roles.through,
):
    m2m_changed.connect(catalogue_forget, sender=through, dispatch_uid=f"catalogue-links-{through.__name__}")
setting_changed.connect(catalogue_forget, dispatch_uid="catalogue-settings")
