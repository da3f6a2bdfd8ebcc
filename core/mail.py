"""Emails in HTML and plain text from one pair of templates."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated_mail(
    *, to: list[str], template: str, context: dict, attachments=(), headers: dict | None = None
) -> int:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html`, and send.

    `attachments` are (filename, content, mimetype) triples, e.g. an iCalendar invitation.
    """
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to, headers=headers)
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    return message.send()
