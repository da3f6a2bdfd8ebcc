"""Absolute links for emails and calendar events (a mail client has no request to build them from)."""

from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# The colleague page (dashboard app); the path below is where it lives, used
# if the URL is not installed or refuses an unusual employee number.
COLLEAGUE_URL_NAME = "dashboard:colleague"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _colleague_path(employee_number: str) -> str:
    try:
        return reverse(COLLEAGUE_URL_NAME, kwargs={"employee_number": employee_number})
    except NoReverseMatch:
        return f"/colleagues/{quote(employee_number, safe='')}/"


def colleague_url_maker() -> Callable[[str], str]:
    """A function from employee number to the colleague page's address, for many colleagues at once."""
    base = settings.SITE_URL.rstrip("/")
    return lambda number: base + _colleague_path(number)


def colleague_url(employee_number: str) -> str:
    return colleague_url_maker()(employee_number)


# The colleague's own page (selfservice app): where they book a session or ask HR, signed in as themselves.
OWN_PAGE_URL_NAME = "me:home"


def own_page_url(requirement: str = "") -> str:
    """The signed-in colleague's /me/ page, at one requirement's actions when given."""
    try:
        path = reverse(OWN_PAGE_URL_NAME)
    except NoReverseMatch:
        path = "/me/"
    return absolute(path) + (f"#req-{quote(requirement, safe='')}" if requirement else "")
