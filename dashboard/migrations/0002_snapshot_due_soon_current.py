"""Keep "due soon with a current completion" apart: it counts as met, the rest of due soon as on track.

The stored team counts gain a sixth number, worked out here from the stored
summary rows (valid_until set means a current completion), so the dashboard
is right before the next nightly rebuild. Old snapshots keep 0 until
`snapshot_backfill --replace` works them out again.
"""

from django.db import migrations, models
from django.db.models import Count, Q


def team_counts_fill(apps, schema_editor):
    StatusSummary = apps.get_model("dashboard", "StatusSummary")
    TeamSummary = apps.get_model("dashboard", "TeamSummary")
    Requirement = apps.get_model("compliance", "Requirement")
    codes = dict(Requirement.objects.values_list("id", "code"))
    current = {
        (team_id, codes[requirement_id]): n
        for team_id, requirement_id, n in StatusSummary.objects.filter(
            status="due_soon", valid_until__isnull=False
        )
        .values_list("team_id", "requirement_id")
        .annotate(n=Count("id", filter=Q(valid_until__isnull=False)))
        .order_by()
    }
    for row in TeamSummary.objects.all():
        for code, counts in row.figures["requirements"].items():
            row.figures["requirements"][code] = [*counts[:5], current.get((row.team_id, code), 0)]
        row.save(update_fields=["figures"])


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("compliance", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="compliancesnapshot",
            name="due_soon_current",
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
        migrations.RunPython(team_counts_fill, migrations.RunPython.noop),
    ]
