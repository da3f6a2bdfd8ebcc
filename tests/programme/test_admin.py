"""HR reads sessions, bookings and reviews in the admin; changes go through the programme's pages."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from core.access import AccessGroup
from programme.services import booking_create
from tests.factories import ColleagueFactory, UserFactory

from .helpers import D, at, session_on

pytestmark = pytest.mark.django_db


def test_hr_gets_the_programme_and_review_permissions_when_the_database_is_migrated():
    # The test database was migrated once, from empty: what HR holds now is what a new install gives.
    hr = Group.objects.get(name=AccessGroup.HR)
    codenames = set(
        hr.permissions.filter(content_type__app_label__in=["programme", "reviews"]).values_list(
            "codename", flat=True
        )
    )
    assert {"view_session", "view_booking", "add_colleaguereview", "change_colleaguereview"} <= codenames
    assert Permission.objects.filter(content_type__app_label="programme").count() == len(
        set(hr.permissions.filter(content_type__app_label="programme"))
    )


@pytest.mark.parametrize(
    "name",
    [
        "admin:programme_session_changelist",
        "admin:programme_booking_changelist",
        "admin:programme_bookingmessage_changelist",
        "admin:reviews_colleaguereview_changelist",
    ],
)
def test_admin_lists_open_with_search(client, reference, name):
    booking_create(
        session=session_on(at("2030-07-14")),
        colleague=ColleagueFactory(role="NHO", start_date=D("2020-01-01")),
    )
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    assert client.get(reverse(name), {"q": "a"}).status_code == 200


def test_sessions_cannot_be_changed_in_the_admin(client, reference):
    session = session_on(at("2030-07-14"))
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:programme_session_change", args=[session.pk]))
    assert (page.status_code, page.context["has_change_permission"]) == (200, False)
    assert client.get(reverse("admin:programme_session_add")).status_code == 403
