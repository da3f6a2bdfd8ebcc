"""The demo organisation: 3 teams, 42 colleagues in every status, sessions, reviews and logins. Idempotent."""

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from compliance.enums import WaiverKind
from compliance.models import Requirement, Waiver
from core.access import AccessGroup
from core.dates import add_months
from demo.files import demo_training_file_write
from demo.people import TEAMS, demo_people
from demo.policies import demo_policies
from demo.programme import demo_sessions
from demo.reviews import demo_reviews
from people.models import Colleague, Role, Team
from people.services import colleague_role_set
from training.models import Course, CourseKind, Equivalence, RecordSource, TrainingRecord

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for the demo; never a real account
MANAGERS = {
    "North Neighbourhoods": ("D0001", "Nadia", "Hussain", "NM"),
    "South Neighbourhoods": ("D0002", "Steve", "Richards", "NM"),
    "Community Safety": ("D0003", "Carol", "Matthews", "CSM"),
}
USERS = (
    ("hr", AccessGroup.HR, True, None),
    ("manager", AccessGroup.MANAGER, False, "D0001"),
    ("csmanager", AccessGroup.MANAGER, False, "D0003"),
    ("auditor", AccessGroup.AUDITOR, False, None),
    ("policyowner", AccessGroup.POLICY_OWNER, False, None),
    # A Neighbourhood Housing Officer (compliant, North): what a colleague sees at /me/.
    ("officer", AccessGroup.COLLEAGUE, False, "D1001"),
)
# Two years of month-end snapshots: the quarter-on-quarter trend shows 8 quarters.
TREND_MONTHS = 24


class Command(BaseCommand):
    help = (
        "Add a demo organisation (3 teams, 42 colleagues in every status, sessions with bookings, "
        "reviews) and demo logins. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--import-file",
            type=Path,
            help="also write a training file to try the import page with (CSV, about 10,000 rows)",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if not Requirement.objects.exists():
            call_command("loaddata", "reference", verbosity=0)
        today = timezone.localdate()
        roles = {r.code: r for r in Role.objects.all()}
        roles.setdefault(
            "NM", Role.objects.get_or_create(code="NM", defaults={"name": "Neighbourhood Manager"})[0]
        )
        external, _ = Course.objects.get_or_create(
            code="CIH-L3-HP",
            defaults={
                "title": "CIH Level 3 Certificate in Housing Practice",
                "kind": CourseKind.QUALIFICATION,
                "level": 3,
                "provider": "Chartered Institute of Housing",
            },
        )
        Equivalence.objects.get_or_create(
            course=external,
            satisfies=Course.objects.get(code="BTEC2-CSC"),
            defaults={
                "approved_by": "Head of HR (demo)",
                "approved_on": add_months(today, -30),
                "notes": "Demo: an external qualification accepted as equivalent.",
            },
        )

        managers = {}
        for team_name in TEAMS:
            number, first, last, role = MANAGERS[team_name]
            team, _ = Team.objects.get_or_create(name=team_name)
            manager = self._colleague(number, first, last, team, add_months(today, -96), None, None)
            colleague_role_set(colleague=manager, role=roles[role], started_on=manager.start_date)
            team.manager = manager
            team.save(update_fields=["manager"])
            managers[team_name] = manager
        bpamcs = Course.objects.get(code="BTEC5-PAMCS")
        TrainingRecord.objects.get_or_create(
            colleague=managers["Community Safety"],
            course=bpamcs,
            completed_on=add_months(today, -80),
            defaults={"provider": "Pearson BTEC", "source": RecordSource.DEMO},
        )

        courses = {c.code: c for c in Course.objects.all()}
        providers = {c.pk: c.provider for c in courses.values()}
        requirements = {r.code: r for r in Requirement.objects.all()}
        waivers = []
        people = demo_people(today)
        profiles: dict[str, list[str]] = {}
        for p in people:
            if not p.leaving_date:
                profiles.setdefault(p.profile, []).append(p.employee_number)
        for p in people:
            team = Team.objects.get(name=p.team)
            colleague = self._colleague(
                p.employee_number,
                p.first_name,
                p.last_name,
                team,
                p.start_date,
                p.leaving_date,
                managers[p.team],
            )
            if p.previous_role:
                colleague_role_set(
                    colleague=colleague, role=roles[p.previous_role[0]], started_on=p.previous_role[1]
                )
            colleague_role_set(colleague=colleague, role=roles[p.role], started_on=p.role_start_date)
            wanted = {(courses[code].pk, day) for code, day in p.training}
            # Keep the demo's own records in step with today; anything HR added stays.
            for record in colleague.training_records.filter(source=RecordSource.DEMO):
                if (record.course_id, record.completed_on) not in wanted:
                    record.delete()
            for course_id, day in sorted(wanted):
                TrainingRecord.objects.get_or_create(
                    colleague=colleague,
                    course_id=course_id,
                    completed_on=day,
                    defaults={"provider": providers[course_id], "source": RecordSource.DEMO},
                )
            if p.waiver:
                waivers.append((colleague, p))
        self._waivers(waivers, requirements, today)
        users = self._users(managers)
        demo_policies(today, users["policyowner"])
        demo_sessions(today, profiles, by=users["hr"])
        demo_reviews(
            today,
            {**profiles, "manager": [number for number, *_ in MANAGERS.values()]},
            {
                "North Neighbourhoods": users["manager"],
                "South Neighbourhoods": users["hr"],
                "Community Safety": users["csmanager"],
            },
        )
        # The dashboard's figures and two years of trend, so the demo opens on a full page.
        from dashboard.services import snapshot_backfill, summary_rebuild

        snapshot_backfill(until=today, months=TREND_MONTHS)
        summary_rebuild(day=today)
        if options.get("import_file"):
            rows = demo_training_file_write(options["import_file"], today, people)
            self.stdout.write(f"Training file to import: {options['import_file']} ({rows:,} rows)")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organisation ready: {Colleague.objects.filter(employee_number__startswith='D').count()} "
                f"colleagues in {len(TEAMS)} teams. Logins (password {DEMO_PASSWORD}): "
                + ", ".join(u[0] for u in USERS)
            )
        )

    def _colleague(self, number, first, last, team, start, leaving, manager):
        colleague, _ = Colleague.objects.update_or_create(
            employee_number=number,
            defaults={
                "first_name": first,
                "last_name": last,
                "team": team,
                "start_date": start,
                "leaving_date": leaving,
                "line_manager": manager,
                "email": f"{first}.{last}@example.org".lower().replace(" ", ""),
            },
        )
        return colleague

    def _waivers(self, waivers, requirements, today):
        for colleague, demo in waivers:
            if demo.waiver == WaiverKind.EXEMPTION:
                Waiver.objects.update_or_create(
                    colleague=colleague,
                    requirement=requirements["HATE-REFRESHER"],
                    kind=WaiverKind.EXEMPTION,
                    defaults={
                        "reason": "Long-term sickness absence (demo)",
                        "approved_by": "Head of HR (demo)",
                        "approved_on": add_months(today, -2),
                        "starts_on": add_months(today, -2),
                    },
                )
            else:
                # docs/rules.md §3.1: the qualification was due 12 months after the role started.
                due = add_months(demo.role_start_date, 12)
                Waiver.objects.update_or_create(
                    colleague=colleague,
                    requirement=requirements["BTEC-L2"],
                    kind=WaiverKind.EXTENSION,
                    defaults={
                        "reason": "Course cancelled by the provider (demo)",
                        "approved_by": "Head of HR (demo)",
                        "approved_on": due - dt.timedelta(days=10),
                        "original_due_date": due,
                        "new_due_date": today + dt.timedelta(days=60),
                    },
                )

    def _users(self, managers):
        User = get_user_model()
        users = {}
        for username, group, staff, number in USERS:
            user, created = User.objects.get_or_create(username=username, defaults={"is_staff": staff})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.email = f"{username}@example.org"
                user.save()
            user.groups.add(Group.objects.get(name=group))
            if number:
                Colleague.objects.filter(employee_number=number).update(user=user)
            users[username] = user
        return users
