"""Who may import: HR (and superusers). Anyone may see the imports they ran themselves."""

from core.access import AccessGroup, user_groups

from .models import ImportBatch


def may_import(user) -> bool:
    return user.is_authenticated and (user.is_superuser or AccessGroup.HR in user_groups(user))


def batches_for(user):
    if may_import(user):
        return ImportBatch.objects.all()
    if not user.is_authenticated:
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(uploaded_by=user)
