"""Migrations reviewed for running while the old version serves traffic (README, "Upgrading").

tests/test_migration_safety.py fails on a linter finding not listed here, and
benchmarks/migrations.py fails on a migration not listed here that made a
concurrent query on a large table wait longer than its limit. Only ever add
to this after a review, with the reason.
"""

# (app, migration): {finding code: why it was accepted}.
REVIEWED = {
    ("people", "0002_import_batch"): {
        "CREATE_INDEX": "adds import_batch_id (a nullable foreign key, with its index) to people_colleague, "
        "people_roleassignment and their history, six AddFields in one transaction. The ACCESS "
        "EXCLUSIVE lock of the first ADD COLUMN is held until the last index is built: "
        "benchmarks/migrations.py measured colleague reads and writes waiting 0.6 to 2.7 s on 20,000 "
        "colleagues (the spread is the 2-core machine's other load: Django's work between statements counts). Accepted because it shipped before the "
        "first release, so every install runs it on empty tables; a new migration like it must be split "
        "(README, 'Migrations')",
        "CREATE_INDEX_EXCLUSIVE": "the same: the indexes are built inside the transaction that added the columns",
    },
    ("training", "0002_import_batch"): {
        "CREATE_INDEX": "as people 0002, on training_trainingrecord and its history: training record reads "
        "and writes waited 0.1 to 0.2 s on 108,000 records. Shipped before the first release",
        "CREATE_INDEX_EXCLUSIVE": "as people 0002",
    },
    ("policies", "0002_register_posts_versions_reviews"): {
        "DROP_COLUMN": "policies.owner and sponsor became the register's posts before the first "
        "release: nothing deployed reads them. After a release, drop a column in two steps "
        "(code that stops using it first, the migration in the next release)",
    },
}
