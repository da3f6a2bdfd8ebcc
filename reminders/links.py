"""Absolute links for emails and calendar events (a mail client has no request to build them from)."""

from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# The manager pages (issue 4, the dashboard app) name the colleague page
# `colleague_detail`; until that page is installed the path below is the one it serves.
COLLEAGUE_URL_NAMES = ("dashboard:colleague", "colleague_detail", "dashboard:colleague_detail")


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def colleague_url_maker() -> Callable[[str], str]:
    """A function from employee number to the colleague page's address.

    Looks the page's URL up once: a feed links thousands of colleagues, and a
    failed reverse() costs far more than a successful one.
    """
    base = settings.SITE_URL.rstrip("/")
    for name in COLLEAGUE_URL_NAMES:
        try:
            reverse(name, args=["E1"])
        except NoReverseMatch:
            continue
        return lambda number, name=name: base + reverse(name, args=[number])
    return lambda number: f"{base}/colleagues/{quote(number, safe='')}/"


def colleague_url(employee_number: str) -> str:
    return colleague_url_maker()(employee_number)
