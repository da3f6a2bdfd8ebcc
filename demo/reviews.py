"""Demo colleague reviews: most held in the last year and next due within the next, a few overdue.

Without them every demo colleague's first review falls a year after they
started, so the list opened on dozens of reviews overdue back years. Made
through the reviews' own service (with its status snapshot); a colleague
who already has a review is left alone, so `seed_demo` stays idempotent.
"""

from __future__ import annotations

import datetime as dt

from core.dates import add_months
from people.models import Colleague
from reviews.models import ColleagueReview
from reviews.services import colleague_review_record

# Profiles whose review is left overdue (by about a month), so the list has something to chase.
OVERDUE_PROFILES = ("refresher overdue",)


def demo_reviews(today: dt.date, profiles: dict[str, list[str]], reviewers: dict[str, object]) -> int:
    """Record a review for each active demo officer without one; returns how many were recorded.

    `reviewers` maps a team name to the user who reviews its officers.
    """
    overdue = {n for p in OVERDUE_PROFILES for n in profiles.get(p, ())}
    numbers = [n for ns in profiles.values() for n in ns]
    reviewed = set(ColleagueReview.objects.values_list("colleague_id", flat=True))
    made = 0
    colleagues = Colleague.objects.filter(employee_number__in=numbers).select_related("team").order_by("pk")
    for i, colleague in enumerate(colleagues):
        if colleague.pk in reviewed or colleague.leaving_date or add_months(colleague.start_date, 12) > today:
            continue  # already reviewed, a leaver, or a new starter (first review a year in)
        if colleague.employee_number in overdue:
            held = add_months(today, -13)
            next_on = add_months(today, -1)
        else:
            held = today - dt.timedelta(days=20 + (i * 23) % 300)
            next_on = add_months(held, 12)
        colleague_review_record(
            colleague=colleague,
            reviewed_on=held,
            training_discussed="Hate crime refresher and BTEC progress (demo).",
            next_review_on=next_on,
            actions=[("Book the next Stop Hate UK session", held + dt.timedelta(days=60))],
            reviewer=reviewers.get(colleague.team.name if colleague.team else ""),
        )
        made += 1
    return made
