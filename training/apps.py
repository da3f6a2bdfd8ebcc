from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"
    hr_records = True  # HR edits its records by hand (core.access.groups_ensure)
