from django.test import override_settings
from django.urls import reverse

from reminders.links import colleague_url


def test_colleague_url_is_the_colleague_page_on_the_site(settings):
    settings.SITE_URL = "https://training.example.org/"
    assert reverse("dashboard:colleague", args=["E1001"]) == "/colleagues/E1001/"
    assert colleague_url("E1001") == "https://training.example.org/colleagues/E1001/"
    # A number the page's URL refuses still gets a working, escaped address.
    assert colleague_url("E 1/2") == "https://training.example.org/colleagues/E%201%2F2/"


@override_settings(ROOT_URLCONF="tests.reminders.colleague_page_urls", SITE_URL="https://t.example.org")
def test_colleague_url_follows_the_colleague_page():
    assert colleague_url("E1001") == "https://t.example.org/people/E1001/"
