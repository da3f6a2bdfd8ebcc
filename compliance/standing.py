"""Met, on track or not met: how a figure reads a status (docs/rules.md §5; the one rule for pages, exports, the pack).

A status says where a colleague stands against one requirement; a committee
asks a simpler question: is the requirement met? The answer is not "compliant
or exempt": a refresher renewed two years ago and falling due next month is
`due_soon`, yet the colleague holds a current completion and is covered; a
new starter inside the 12-month induction window is `pending` (or `due_soon`
with nothing current) and is not a failure either. So:

- **met**: compliant, exempt, or due soon with a current completion
  (`valid_until` set: the engine sets it only while a completion is current);
- **on track**: pending, or due soon with no current completion;
- **not met**: overdue.

`standing()` is the rule; `standing_q()` is the same rule for a table that
stores the engine's `status` and `valid_until` (the stored summary), and
`standings_from_counts()` for counts that keep "due soon with a current
completion" apart. A test holds the three equal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from .enums import Status


class Standing(models.TextChoices):
    MET = "met", "Met"
    ON_TRACK = "on_track", "On track"
    NOT_MET = "not_met", "Not met"


def standing(status: str, valid_until: dt.date | None) -> Standing:
    """Where one status stands: met, on track or not met."""
    if status == Status.OVERDUE:
        return Standing.NOT_MET
    if status in (Status.COMPLIANT, Status.EXEMPT):
        return Standing.MET
    if status == Status.DUE_SOON and valid_until is not None:
        return Standing.MET
    return Standing.ON_TRACK


def standing_q(wanted: str, *, status: str = "status", valid_until: str = "valid_until") -> Q:
    """`standing()` as a filter on rows holding the engine's status and valid_until."""
    current = {f"{valid_until}__isnull": False}
    if wanted == Standing.MET:
        return Q(**{f"{status}__in": (Status.COMPLIANT, Status.EXEMPT)}) | Q(
            **{status: Status.DUE_SOON}, **current
        )
    if wanted == Standing.ON_TRACK:
        return Q(**{status: Status.PENDING}) | Q(**{status: Status.DUE_SOON, f"{valid_until}__isnull": True})
    if wanted == Standing.NOT_MET:
        return Q(**{status: Status.OVERDUE})
    raise ValueError(f"{wanted!r} is not a standing")


@dataclass(frozen=True)
class Standings:
    met: int
    on_track: int
    not_met: int

    @property
    def total(self) -> int:
        return self.met + self.on_track + self.not_met

    @property
    def percent_met(self) -> int | None:
        """Met over all three; None when nothing applies (shown as a dash, never as 0%)."""
        return round(100 * self.met / self.total) if self.total else None


def standings_from_counts(
    *, compliant: int, due_soon: int, due_soon_current: int, overdue: int, pending: int, exempt: int
) -> Standings:
    """The three figures from counts by status; `due_soon_current` is the part of `due_soon` still covered."""
    buckets = {
        (Status.COMPLIANT, True): compliant,
        (Status.EXEMPT, False): exempt,
        (Status.DUE_SOON, True): due_soon_current,
        (Status.DUE_SOON, False): due_soon - due_soon_current,
        (Status.PENDING, False): pending,
        (Status.OVERDUE, False): overdue,
    }
    sums = dict.fromkeys(Standing, 0)
    for (status, current), n in buckets.items():
        sums[standing(status, dt.date.min if current else None)] += n
    return Standings(met=sums[Standing.MET], on_track=sums[Standing.ON_TRACK], not_met=sums[Standing.NOT_MET])
