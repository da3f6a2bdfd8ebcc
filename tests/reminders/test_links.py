from django.test import override_settings

from reminders.links import colleague_url


def test_colleague_url_built_from_site_url_until_the_page_exists(settings):
    settings.SITE_URL = "https://training.example.org/"
    assert colleague_url("E 1/2") == "https://training.example.org/colleagues/E%201%2F2/"


@override_settings(ROOT_URLCONF="tests.reminders.colleague_page_urls", SITE_URL="https://t.example.org")
def test_colleague_url_follows_the_colleague_detail_page():
    assert colleague_url("E1001") == "https://t.example.org/people/E1001/"
