"""Every model that could hold personal data is declared in privacy/declarations.py (or said not to).

The subject access export and the retention rule read only those
declarations: a model left out would be missing from both, silently.
"""

from django.apps import apps
from django.conf import settings
from django.db import models

from people.models import Colleague
from privacy.declarations import HOLDINGS, NOT_PERSONAL

FREE_TEXT = (models.TextField, models.JSONField, models.BinaryField, models.FileField, models.EmailField)


def _could_hold_personal_data(model) -> list[str]:
    """Why a model might hold personal data: its links to a colleague or an account, its free text."""
    user = apps.get_model(settings.AUTH_USER_MODEL)
    why = []
    for f in model._meta.concrete_fields:
        if f.is_relation and f.related_model in (Colleague, user):
            why.append(f"{f.name} links to {f.related_model._meta.label}")
        elif isinstance(f, FREE_TEXT):
            why.append(f"{f.name} is {type(f).__name__}")
    return why


def _own_models():
    """Every model but the history tables, which follow the declaration of the model they record."""
    return [m for m in apps.get_models() if not m.__name__.startswith("Historical")]


def test_every_model_that_could_hold_personal_data_is_declared():
    declared = {h.model.lower() for h in HOLDINGS} | {label.lower() for label in NOT_PERSONAL}
    missing = {
        m._meta.label: why
        for m in _own_models()
        if (why := _could_hold_personal_data(m)) and m._meta.label_lower not in declared
    }
    assert not missing, (
        "declare where these hold personal data (privacy.declarations.HOLDINGS) "
        f"or say why they hold none (NOT_PERSONAL): {missing}"
    )


def test_each_declared_model_says_what_happens_to_every_free_text_field():
    undecided = {}
    for holding in HOLDINGS:
        model = apps.get_model(holding.model)
        for f in model._meta.concrete_fields:
            if isinstance(f, FREE_TEXT) and f.name not in {*holding.erase, *holding.kept}:
                undecided.setdefault(holding.model, []).append(f.name)
    assert not undecided, f"erase these or say why they are kept: {undecided}"


def test_declarations_name_real_fields_once():
    labels = [h.model.lower() for h in HOLDINGS]
    assert len(labels) == len(set(labels))
    assert not set(labels) & {label.lower() for label in NOT_PERSONAL}
    for holding in HOLDINGS:
        model = apps.get_model(holding.model)
        for name in (*holding.erase, *holding.kept, *(holding.export_fields or ())):
            model._meta.get_field(name)  # raises FieldDoesNotExist for a misspelt name
        assert holding.about


def test_the_check_itself_notices_an_undeclared_model():
    """A model with a colleague link and a notes field, as a new app would add, counts as personal data."""

    class Sticky(models.Model):
        colleague = models.ForeignKey(Colleague, on_delete=models.CASCADE, related_name="+")
        notes = models.TextField()

        class Meta:
            app_label = "privacy"

        def __str__(self):
            return self.notes

    try:
        assert _could_hold_personal_data(Sticky) == [
            "colleague links to people.Colleague",
            "notes is TextField",
        ]
    finally:
        apps.all_models["privacy"].pop("sticky", None)
        apps.clear_cache()
