"""Sign in, sign out and reset a forgotten password by email."""

import re

import pytest
from django.core import mail

from tests.organisation import PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client, org):
    response = client.get("/matrix/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/matrix/")


def test_sign_in_lands_on_the_dashboard_and_sign_out_leaves(client, org):
    response = client.post("/accounts/login/", {"username": "north", "password": PASSWORD}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "<h1>Your teams</h1>" in response.content.decode()
    response = client.post("/accounts/logout/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused(client, org):
    response = client.post("/accounts/login/", {"username": "north", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_password_reset_by_email(client, org):
    page = client.get("/accounts/password_reset/")
    assert '<label for="id_email">Email address</label>' in page.content.decode()
    response = client.post("/accounts/password_reset/", {"email": "north@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.subject, message.to) == ("Reset your training compliance password", ["north@example.org"])
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body)[1]

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-long-new-pass-2026", "new_password2": "a-long-new-pass-2026"},
        follow=True,
    )
    assert "Your password has been changed" in done.content.decode()
    signed_in = client.post("/accounts/login/", {"username": "north", "password": "a-long-new-pass-2026"})
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/")
    # The link works once.
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_sends_nothing_and_says_the_same(client, org):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []
