"""`loaddata reference` seeds the register; it never overwrites what the organisation has recorded since.

A fixture load saves every object "raw", replacing the whole row. For the
policies that would put the Hate Harassment Policy's cover sheet back to
version 2 after a review had published version 3, and empty the post holders
HR had named. So a raw save of a row that already exists keeps the stored
values: the seed creates what is missing and leaves the rest alone.
"""

from django.db.models.signals import pre_save


def keep_stored_values_on_reload(sender, instance, raw=False, **kwargs):
    if not raw or instance.pk is None:
        return
    names = [f.attname for f in sender._meta.concrete_fields if not f.primary_key]
    stored = sender._base_manager.filter(pk=instance.pk).values(*names).first()
    if stored is not None:
        for name, value in stored.items():
            setattr(instance, name, value)


def connect():
    from .models import Policy, PolicyAmendment, PolicyVersion, Post

    for model in (Post, Policy, PolicyAmendment, PolicyVersion):
        pre_save.connect(
            keep_stored_values_on_reload, sender=model, dispatch_uid=f"seed-keeps-{model.__name__}"
        )
