"""/me/ as a colleague sees it: their requirements with actions, their bookings and requests, their record."""

import json

import pytest
from django.contrib.messages import get_messages

from compliance.enums import WaiverKind
from compliance.models import Requirement
from privacy.models import DataExport
from programme import services as programme_services
from programme.enums import BookingStatus
from programme.models import Booking
from tests.organisation import D, client_for
from tests.programme.helpers import at, session_on
from training.models import Course
from workspace import services as workspace_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def amira(client, org):
    return client_for(client, org.users["colleague"])


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_my_page_lists_my_requirements_with_sessions_and_requests(amira, org):
    session = session_on(at("2026-07-01"))
    refresher = Requirement.objects.get(code="HATE-REFRESHER")
    workspace_services.waiver_request_submit(
        colleague=org.people["N1"],
        requirement=refresher,
        kind=WaiverKind.EXTENSION,
        new_due_date=D("2026-09-01"),
        reason="Long-term sickness.",
        by=org.users["colleague"],
    )
    page = amira.get("/me/").content.decode()
    assert "Amira Ahmed, N1" in page
    assert '<article class="card" id="req-HATE-REFRESHER"' in page
    assert "Overdue" in page and "Due 1 Mar 2026." in page
    assert f'action="/me/sessions/{session.pk}/book/"' in page
    assert "In hand:</strong> extension requested." in page
    # Pre-filled requests, next to the requirement they are about.
    assert "/requests/new/extension/?colleague=N1&amp;requirement=HATE-REFRESHER" in page
    assert "/requests/new/training/?colleague=N1&amp;course=HC-REFRESHER" in page
    assert (
        'Extension: Hate crime refresher every two years</a> <span class="muted">HATE-REFRESHER</span>'
        in page
        and "Awaiting a decision" in page
    )


def test_my_page_shows_my_booking_with_a_way_to_cancel_it(amira, org):
    session = session_on(at("2026-07-01"))
    (booking,) = programme_services.bookings_create(session=session, colleagues=[org.people["N1"]])
    page = amira.get("/me/").content.decode()
    assert "In hand:</strong> booked 1 Jul." in page
    assert (
        page.count(f'action="/me/bookings/{booking.pk}/cancel/"') == 2
    )  # under the requirement and in my list


def test_an_account_without_a_colleague_record_is_told_so(client, org):
    response = client_for(client, org.users["hr"]).get("/me/")
    assert response.status_code == 403
    assert "Your account is not linked to a colleague record" in response.content.decode()


def test_a_colleague_arriving_at_the_dashboard_goes_to_their_own_page(amira):
    response = amira.get("/")
    assert (response.status_code, response["Location"]) == (302, "/me/")


def test_booking_from_my_page(amira, org):
    session = session_on(at("2026-07-01"))
    response = amira.post(f"/me/sessions/{session.pk}/book/")
    assert response["Location"] == "/me/"
    assert said(response) == [
        "Booked: Stop Hate UK hate-related training session on Wed 1 Jul 2026, 10:00. An invitation is on its way by email."
    ]
    booking = Booking.objects.get(session=session)
    assert (booking.colleague, booking.status) == (org.people["N1"], BookingStatus.BOOKED)


def test_booking_a_full_session_says_i_am_waiting(amira, org):
    session = session_on(at("2026-07-01"), capacity=1)
    programme_services.bookings_create(session=session, colleagues=[org.people["N2"]])
    response = amira.post(f"/me/sessions/{session.pk}/book/")
    assert said(response) == [
        "Stop Hate UK hate-related training session on Wed 1 Jul 2026, 10:00 is full: you are on the waiting list"
        " and will be told by email if a place comes free."
    ]


def test_booking_a_cancelled_session_is_refused_with_a_message(amira, org):
    session = session_on(at("2026-07-01"))
    programme_services.session_cancel(session=session)
    response = amira.post(f"/me/sessions/{session.pk}/book/", follow=True)
    assert "This session has been cancelled." in response.content.decode()
    assert Booking.objects.count() == 0


def test_a_colleague_books_only_themselves(amira, org):
    session = session_on(at("2026-07-01"))
    amira.post(f"/me/sessions/{session.pk}/book/", {"colleague": org.people["N2"].pk})
    assert list(Booking.objects.values_list("colleague__employee_number", flat=True)) == ["N1"]


def test_cancelling_my_place(amira, org):
    session = session_on(at("2026-07-01"))
    (booking,) = programme_services.bookings_create(session=session, colleagues=[org.people["N1"]])
    response = amira.post(f"/me/bookings/{booking.pk}/cancel/")
    assert said(response) == [
        "Cancelled your place on Stop Hate UK hate-related training session on Wed 1 Jul 2026, 10:00."
    ]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_another_colleagues_booking_is_not_found(amira, org):
    (theirs,) = programme_services.bookings_create(
        session=session_on(at("2026-07-01")), colleagues=[org.people["N2"]]
    )
    assert amira.post(f"/me/bookings/{theirs.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.BOOKED


def test_booking_needs_a_post(amira, org):
    session = session_on(at("2026-07-01"))
    assert amira.get(f"/me/sessions/{session.pk}/book/").status_code == 405
    assert Booking.objects.count() == 0


def test_downloading_my_record_is_logged_like_hrs_exports(amira, org):
    response = amira.get("/me/record.json")
    data = json.loads(response.content)
    assert (
        response["Content-Disposition"] == f'attachment; filename="subject-access-{org.people["N1"].pk}.json"'
    )
    assert (data["employee_number"], data["name"]) == ("N1", "Amira Ahmed")
    assert "training.trainingrecord" in data["sections"]
    export = DataExport.objects.get()
    assert (export.user, export.subject, export.kind, export.description) == (
        org.users["colleague"],
        org.people["N1"],
        "subject-access.json",
        "Own record downloaded by N1",
    )


def test_my_record_as_a_page_links_to_my_json(amira, org):
    page = amira.get("/me/record/").content.decode()
    assert "Everything held on Amira Ahmed (N1)" in page
    assert '<a href="/me/record.json">Download as JSON</a>' in page
    assert DataExport.objects.get().kind == "subject-access.html"


def test_the_request_forms_are_prefilled_from_my_page(amira, org):
    refresher = Requirement.objects.get(code="HATE-REFRESHER")
    page = amira.get("/requests/new/extension/?colleague=N1&requirement=HATE-REFRESHER").content.decode()
    assert f'<option value="{refresher.pk}" selected>' in page
    assert 'value="N1"' in page
    course = Course.objects.get(code="SHUK-HATE")
    page = amira.get("/requests/new/training/?colleague=N1&course=SHUK-HATE").content.decode()
    assert f'<option value="{course.pk}" selected>' in page
