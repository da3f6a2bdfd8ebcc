from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Colleague reviews"
    hr_records = True  # HR edits its records by hand (core.access.groups_ensure)
