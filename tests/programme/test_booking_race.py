"""Two bookings for the last place at the same instant, on two PostgreSQL connections."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from programme import services
from programme.models import Booking
from tests.factories import ColleagueFactory

from .helpers import D, session_on


def book_at_once(session, colleagues):
    """Start one booking per colleague, each in its own thread (so its own connection and transaction)."""
    barrier = threading.Barrier(len(colleagues))
    results, errors = {}, []

    def book(colleague):
        try:
            barrier.wait(timeout=10)
            results[colleague.pk] = services.booking_create(session=session, colleague=colleague).status
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(c,)) for c in colleagues]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_bookings_for_the_last_place_at_once_never_exceed_capacity(reference, monkeypatch):
    session = session_on(timezone.now() + dt.timedelta(days=7), capacity=1)
    first, second = (ColleagueFactory(role="NHO", start_date=D("2020-01-01")) for _ in range(2))
    counted = services._places_taken

    def slow_count(s):
        # Hold the gap between counting the places and taking one open, so that without
        # the session lock both transactions would count 0 taken and both book.
        n = counted(s)
        time.sleep(0.5)
        return n

    monkeypatch.setattr(services, "_places_taken", slow_count)

    results, errors = book_at_once(session, [first, second])

    assert errors == []
    assert sorted(results.values()) == ["booked", "waitlisted"]
    assert Booking.objects.filter(session=session, status="booked").count() == 1
