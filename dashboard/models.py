"""What the pages read so that an organisation of 20,000 opens in a blink.

The engine takes over a second and a half for everyone, so a page cannot ask
it for the whole organisation on every request. Two kinds of stored figures
stand in, both written only from the engine's own answers:

- the *summary* (`StatusSummary`, `EligibilitySummary`): the engine's answer
  for each active colleague on one date (`SummaryRun.computed_for`), rebuilt
  every night and for a colleague whenever their record changes. Lists and
  the dashboard read it when they are asked about that date; any other date
  is worked out live by the engine.
- the *snapshots* (`ComplianceSnapshot`): counts per team and requirement,
  one set a night, kept for the 12-month trend.

Neither is history of people's records (simple_history keeps that): they
can be rebuilt from the records at any time.
"""

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce

from compliance.enums import Status
from compliance.standing import standings_from_counts


class SummaryRun(models.Model):
    """One full rebuild of the summary: the date it answers for, and when it was worked out."""

    computed_for = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    colleagues = models.PositiveIntegerField()
    # Changes to single colleagues since the rebuild are applied as they happen.
    last_change_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self):
        return f"Summary for {self.computed_for} (finished {self.finished_at:%Y-%m-%d %H:%M})"

    @property
    def worked_out_at(self):
        """When its figures were last brought up to date: the rebuild, or the latest change since."""
        return max(filter(None, (self.finished_at, self.last_change_at)))


class StatusSummary(models.Model):
    """The engine's status of one requirement for one active colleague on the run's date."""

    colleague = models.ForeignKey("people.Colleague", on_delete=models.CASCADE, related_name="+")
    requirement = models.ForeignKey("compliance.Requirement", on_delete=models.CASCADE, related_name="+")
    # The team and the role held on the date: lists filter and count by them.
    team = models.ForeignKey("people.Team", null=True, on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey("people.Role", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    due_date = models.DateField(null=True)
    valid_until = models.DateField(null=True)
    # What the list shows and sorts by, copied so that a page of 20,000
    # colleagues' rows is read, counted and sorted from this table alone.
    # Kept in step by the same refresh when a colleague, team or role changes.
    employee_number = models.CharField(max_length=30)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    team_name = models.CharField(max_length=200, blank=True)
    role_code = models.CharField(max_length=20)
    requirement_code = models.CharField(max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["colleague", "requirement"], name="one_summary_per_requirement"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="summary_status_known"),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="summary_status_due"),
            models.Index(fields=["due_date", "status"], name="summary_due_status"),
            models.Index(fields=["team", "status"], name="summary_team_status"),
        ]

    def __str__(self):
        return f"{self.colleague_id} {self.requirement_id}: {self.status}"


class EligibilitySummary(models.Model):
    """Eligibility for one case type on the run's date, and on 30/60/90 days later if nobody trains.

    Only colleagues whose role the case type admits are kept: they are the
    officers a manager counts.
    """

    colleague = models.ForeignKey("people.Colleague", on_delete=models.CASCADE, related_name="+")
    case_type = models.ForeignKey("compliance.CaseType", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("people.Team", null=True, on_delete=models.CASCADE, related_name="+")
    eligible = models.BooleanField()
    supervision_required = models.BooleanField()
    eligible_until = models.DateField(null=True)
    eligible_in_30 = models.BooleanField()
    eligible_in_60 = models.BooleanField()
    eligible_in_90 = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["colleague", "case_type"], name="one_eligibility_summary"),
        ]
        indexes = [models.Index(fields=["team"], name="eligibility_summary_team")]

    def __str__(self):
        return f"{self.colleague_id} {self.case_type_id}: {'eligible' if self.eligible else 'not eligible'}"


class TeamSummary(models.Model):
    """One team's counts on the run's date, added up from the rows above.

    The dashboard of someone who sees every colleague reads these 400 rows
    rather than counting 40,000; kept in step with every refresh.
    """

    team = models.ForeignKey("people.Team", null=True, on_delete=models.CASCADE, related_name="+")
    # {"requirements": {code: [compliant, due_soon, overdue, pending, exempt]},
    #  "eligibility": {case type: [officers, eligible, supervised, in 30, in 60, in 90 days]},
    #  "people": [colleagues overdue, colleagues due soon]}
    figures = models.JSONField()

    class Meta:
        constraints = [
            # Colleagues without a team count once too (0 is never a team's id).
            models.UniqueConstraint(Coalesce("team", Value(0)), name="one_summary_per_team"),
        ]

    def __str__(self):
        return f"Summary of team {self.team_id}"


class ComplianceSnapshot(models.Model):
    """How many statuses of each kind a team had for a requirement on a date (one set a night)."""

    taken_on = models.DateField()
    team = models.ForeignKey("people.Team", null=True, on_delete=models.CASCADE, related_name="+")
    requirement = models.ForeignKey("compliance.Requirement", on_delete=models.CASCADE, related_name="+")
    compliant = models.PositiveIntegerField(default=0)
    due_soon = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    exempt = models.PositiveIntegerField(default=0)
    # The part of due_soon with a current completion: met, not on track (compliance.standing).
    # Snapshots taken before it was kept say 0; `snapshot_backfill --replace` works them out again.
    # db_default: the version still serving during an upgrade inserts snapshots without it.
    due_soon_current = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["taken_on"]
        constraints = [
            # A partial index per case, so colleagues without a team count once too
            # (NULLs are distinct in an ordinary unique index).
            models.UniqueConstraint(
                fields=["taken_on", "team", "requirement"],
                condition=Q(team__isnull=False),
                name="one_snapshot_per_team_requirement_day",
            ),
            models.UniqueConstraint(
                fields=["taken_on", "requirement"],
                condition=Q(team__isnull=True),
                name="one_teamless_snapshot_per_requirement_day",
            ),
        ]
        indexes = [models.Index(fields=["taken_on", "team"], name="snapshot_day_team")]

    def __str__(self):
        return f"{self.taken_on} {self.team_id} {self.requirement_id}"

    @property
    def met(self) -> int:
        return standings_from_counts(
            compliant=self.compliant,
            due_soon=self.due_soon,
            due_soon_current=self.due_soon_current,
            overdue=self.overdue,
            pending=self.pending,
            exempt=self.exempt,
        ).met

    @property
    def total(self) -> int:
        return self.compliant + self.due_soon + self.overdue + self.pending + self.exempt


class CommitteePackSend(models.Model):
    """The committee pack of one quarter, emailed once: the row is the claim that makes the send happen.

    The quarterly task INSERTs it before sending (`core.claims.claim_once`);
    the named UniqueConstraint lets one INSERT win however many times beat
    fires or workers race, and the row commits only once the email is sent.
    """

    quarter = models.CharField(max_length=7)  # "2026-Q1"
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quarter"], name="one_committee_pack_per_quarter")]

    def __str__(self):
        return f"Committee pack {self.quarter}"
