import datetime as dt

import factory
from django.contrib.auth import get_user_model

from people.models import Colleague, Role, RoleAssignment, Team
from training.models import Course, TrainingRecord


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class ColleagueFactory(factory.django.DjangoModelFactory):
    """A colleague; pass `role="NHO"` (and `role_start_date`) to give them a role."""

    class Meta:
        model = Colleague
        skip_postgeneration_save = True

    employee_number = factory.Sequence(lambda n: f"E{10000 + n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda c: f"{c.employee_number.lower()}@example.org")
    team = factory.SubFactory(TeamFactory)
    start_date = dt.date(2020, 1, 1)

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if extracted and create:
            role = extracted if isinstance(extracted, Role) else Role.objects.get(code=extracted)
            started_on = kwargs.get("start_date") or obj.start_date
            RoleAssignment.objects.create(colleague=obj, role=role, started_on=started_on)


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    colleague = factory.SubFactory(ColleagueFactory)
    course = factory.LazyFunction(lambda: Course.objects.get(code="HC-REFRESHER"))
    completed_on = dt.date(2025, 1, 1)
    provider = "Stop Hate UK"


def record(colleague: Colleague, course: str, completed_on: dt.date | str) -> TrainingRecord:
    if isinstance(completed_on, str):
        completed_on = dt.date.fromisoformat(completed_on)
    return TrainingRecordFactory(
        colleague=colleague, course=Course.objects.get(code=course), completed_on=completed_on
    )
