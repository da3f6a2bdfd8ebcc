"""The demo looks alive: sessions booked with a waiting list, reviews mostly current, coverage, an officer login."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from people.models import Colleague
from programme.enums import BookingStatus
from programme.models import Booking, Session
from programme.selectors import coverage_for
from reviews.models import ColleagueReview
from reviews.rules import ReviewStatus
from reviews.selectors import reviews_due

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def demo(reference):
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC), tick=False):
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
        yield


def test_sessions_have_bookings_and_a_waiting_list(demo):
    sessions = list(Session.objects.order_by("starts_at"))
    assert len(sessions) == 4
    assert all(s.starts_at.date() > TODAY for s in sessions)
    counts = {
        (s.course.code, s.capacity): (
            s.bookings.filter(status=BookingStatus.BOOKED).count(),
            s.bookings.filter(status=BookingStatus.WAITLISTED).count(),
        )
        for s in sessions
    }
    # 6 officers with a refresher overdue or due soon for 4 places: 2 wait.
    assert counts[("SHUK-HATE", 4)] == (4, 2)
    assert counts[("BTEC2-CSC", 8)] == (6, 0)


def test_reviews_are_mostly_current_and_a_few_overdue(demo):
    rows = reviews_due(Colleague.objects.all(), TODAY)
    statuses = [r.status for r in rows]
    overdue = [r for r in rows if r.status == ReviewStatus.OVERDUE]
    # The three officers whose refresher is overdue, reviewed 13 months ago: a month late, not years.
    assert len(overdue) == 3
    assert all(TODAY - r.due < dt.timedelta(days=40) for r in overdue)
    assert statuses.count(ReviewStatus.CURRENT) + statuses.count(ReviewStatus.DUE_SOON) == len(rows) - 3
    assert len(rows) >= 36


def test_coverage_is_not_all_zeros(demo):
    coverage = coverage_for(colleagues=Colleague.objects.all(), today=TODAY)
    assert sum(sum(k.places) for k in coverage.kinds) == 4 + 12 + 10 + 8
    assert sum(sum(k.booked) for k in coverage.kinds) == 4 + 3 + 6


def test_the_officer_login_opens_their_own_page(demo, client):
    officer = Colleague.objects.select_related("user").get(employee_number="D1001")
    assert officer.user.username == "officer"
    assert officer.user.check_password("demo-pass-2026")
    assert officer.role_assignments.latest("started_on").role.code == "NHO"
    client.force_login(officer.user)
    response = client.get("/me/")
    assert (response.status_code, response.context["page"].record.colleague) == (200, officer)
    assert client.get("/")["Location"] == "/me/"
    assert client.get("/colleagues/D1001/").status_code == 200
    assert client.get("/colleagues/D1002/").status_code == 404


def test_seeding_again_adds_no_session_booking_or_review(demo):
    counts = (Session.objects.count(), Booking.objects.count(), ColleagueReview.objects.count())
    with time_machine.travel(dt.datetime(2026, 11, 28, 15, tzinfo=dt.UTC), tick=False):
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    assert (Session.objects.count(), Booking.objects.count(), ColleagueReview.objects.count()) == counts


def test_the_import_file_is_accepted_by_the_import(demo, tmp_path):
    path = tmp_path / "training.csv"
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC), tick=False):
        out = io.StringIO()
        call_command("seed_demo", "--import-file", str(path), stdout=out)
        assert f"Training file to import: {path} (10,083 rows)" in out.getvalue()
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        assert len(rows) == 10_083
        out = io.StringIO()
        call_command("import_training", str(path), "--dry-run", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "created 10083, updated 0, unchanged 0"


def test_demo_mail_sends_reminders_and_digests_now(demo, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC), tick=False):
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("demo_mail", stdout=out)
        sent = [m.subject for m in mail.outbox]
        with django_capture_on_commit_callbacks(execute=True):
            call_command("demo_mail", stdout=io.StringIO())
    assert len(mail.outbox) == len(sent)  # claimed: nothing twice
    assert out.getvalue() == "reminders queued for 7 colleagues, digests for 2 managers\n"
    assert "Reminder: your hate-crime training is due by 28 Dec 2026" in sent
    assert "Overdue: your hate-crime training" in sent
    assert sent.count("Your teams this week: 2 overdue, 0 due in the next 30 days") == 2


def test_once_the_demo_sessions_have_passed_seeding_plans_new_ones(demo):
    with time_machine.travel(dt.datetime(2027, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    assert Session.objects.count() == 8
    assert Session.objects.filter(starts_at__date__gt=dt.date(2027, 6, 1)).count() == 4


@pytest.mark.parametrize("today", ["2026-11-28", "2027-01-02", "2027-03-31"])
def test_the_kpi_page_opens_on_a_quarter_with_refreshers_renewed_on_time_and_late(reference, today):
    """The KPI report opens on the last complete quarter: the demo has refreshers that fell due then."""
    from dashboard.selectors.kpi import Quarter, quarterly_kpi

    day = dt.date.fromisoformat(today)
    with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC), tick=False):
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
        report = quarterly_kpi(Colleague.objects.all(), Quarter.containing(day).previous(), day)
    (refresher,) = report.refreshers
    # One officer of each team renewed a few days early, one a few days late (early in a quarter, the
    # three whose refresher is overdue today fell due in the last one too, and show as not renewed).
    assert (refresher.renewed, refresher.on_time) == (6, 3)
    assert refresher.not_renewed in (0, 3)
    assert refresher.rate >= 66
