"""Calendar feed tokens are kept as SHA-256 hashes, like API keys.

The field is renamed in Django's state only (the column stays `token`) and each
stored token is replaced by its hash, so every existing address keeps working:
the feed views hash the token in the URL and look the hash up.
"""

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("core", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk", "token_hash").iterator():
        # A token is 43 URL-safe characters; 64 hex digits is already a hash (a re-run).
        if len(feed.token_hash) == 64 and all(c in "0123456789abcdef" for c in feed.token_hash):
            continue
        CalendarFeed.objects.filter(pk=feed.pk).update(
            token_hash=hashlib.sha256(feed.token_hash.encode()).hexdigest()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_queued_task"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField("calendarfeed", "token", "token_hash"),
                migrations.AlterField(
                    model_name="calendarfeed",
                    name="token_hash",
                    field=models.CharField(db_column="token", editable=False, max_length=64, unique=True),
                ),
            ],
            database_operations=[],
        ),
        # A hash cannot be turned back into the token: going back leaves the hashes, and
        # each owner gets a new address from their calendar page.
        migrations.RunPython(hash_tokens, migrations.RunPython.noop, elidable=False),
    ]
