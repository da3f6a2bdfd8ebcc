import pytest
from django.core import mail
from django.db import models

from core.claims import claim_once
from core.models import (
    CalendarFeed,
    CalendarFeedKind,
    calendar_feed_issue,
    calendar_feed_resolve,
    calendar_feed_revoke,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_calendar_feed_new_address_revokes_the_old():
    user = UserFactory()
    first, first_token = calendar_feed_issue(user=user, kind=CalendarFeedKind.TEAM_DUE_DATES)
    assert calendar_feed_resolve(token=first_token, kind=CalendarFeedKind.TEAM_DUE_DATES) == first
    _, second_token = calendar_feed_issue(user=user, kind=CalendarFeedKind.TEAM_DUE_DATES)
    assert calendar_feed_resolve(token=first_token, kind=CalendarFeedKind.TEAM_DUE_DATES) is None
    assert calendar_feed_resolve(token=second_token, kind=CalendarFeedKind.POLICY_REVIEWS) is None
    assert calendar_feed_revoke(user=user, kind=CalendarFeedKind.TEAM_DUE_DATES) == 1
    assert calendar_feed_resolve(token=second_token, kind=CalendarFeedKind.TEAM_DUE_DATES) is None
    assert len(second_token) >= 40
    assert CalendarFeed.objects.filter(user=user).count() == 2


def test_claim_once_lets_exactly_one_claim_win():
    # CalendarFeed's token is unique: the second claim of the same key loses.
    user = UserFactory()
    won = claim_once(CalendarFeed, user=user, kind=CalendarFeedKind.POLICY_REVIEWS, token_hash="same")
    lost = claim_once(CalendarFeed, user=user, kind=CalendarFeedKind.TEAM_DUE_DATES, token_hash="same")
    assert (won is not None, lost) == (True, None)
    assert isinstance(won, models.Model)


def test_send_templated_mail_sends_text_and_html(settings, tmp_path):
    (tmp_path / "hello_subject.txt").write_text("Hello {{ name }}\n")
    (tmp_path / "hello.txt").write_text("Hi {{ name }}, see {{ site_url }}/x")
    (tmp_path / "hello.html").write_text("<p>Hi {{ name }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    settings.SITE_URL = "https://training.example.org/"
    from core.mail import send_templated_mail

    assert send_templated_mail(to=["a@example.org"], template="hello", context={"name": "Ada"}) == 1
    [message] = mail.outbox
    assert (message.subject, message.body, message.alternatives[0][0]) == (
        "Hello Ada",
        "Hi Ada, see https://training.example.org/x",
        "<p>Hi Ada</p>",
    )
