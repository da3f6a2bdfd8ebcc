"""core 0003 hashes the calendar feed tokens already issued: their addresses keep working."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import CalendarFeed, CalendarFeedKind, calendar_feed_resolve, calendar_feed_token_hash
from tests.factories import UserFactory

BEFORE = [("core", "0002_queued_task")]
AFTER = [("core", "0003_calendar_feed_token_hash")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def back_to_latest():
    """Whatever the test leaves, the schema ends at the latest migrations (later core ones included)."""
    yield
    migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_feeds_issued_before_the_migration_keep_working_and_store_only_the_hash(back_to_latest):
    old_apps = migrate(BEFORE)
    user = UserFactory(username="subscriber")
    old_feed = old_apps.get_model("core", "CalendarFeed")
    plain = "Kx3-old-plain-token-issued-before-hashing_abcdefghijk"
    old_feed.objects.create(user_id=user.pk, kind=CalendarFeedKind.TEAM_DUE_DATES, token=plain)
    old_feed.objects.create(user_id=user.pk, kind=CalendarFeedKind.POLICY_REVIEWS, token="second-plain-token")

    migrate(AFTER)

    feed = calendar_feed_resolve(token=plain, kind=CalendarFeedKind.TEAM_DUE_DATES)
    assert feed is not None and feed.user == user
    assert calendar_feed_resolve(token="second-plain-token", kind=CalendarFeedKind.POLICY_REVIEWS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM core_calendarfeed ORDER BY id")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored == [calendar_feed_token_hash(plain), calendar_feed_token_hash("second-plain-token")]
    assert CalendarFeed.objects.count() == 2
