"""Absolute links for emails and calendar events (a mail client has no request to build them from)."""

from urllib.parse import quote

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# The manager pages (issue 4, the dashboard app) name the colleague page
# `colleague_detail`; until that page is installed the path below is the one it serves.
COLLEAGUE_URL_NAMES = ("colleague_detail", "dashboard:colleague_detail")


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def colleague_path(employee_number: str) -> str:
    for name in COLLEAGUE_URL_NAMES:
        try:
            return reverse(name, args=[employee_number])
        except NoReverseMatch:
            continue
    return f"/colleagues/{quote(employee_number, safe='')}/"


def colleague_url(employee_number: str) -> str:
    return absolute(colleague_path(employee_number))
