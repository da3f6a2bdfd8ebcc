"""Rows shared by many colleagues (an import's messages): only the one colleague's parts are shown or erased."""

import datetime as dt

import pytest

from imports.models import ImportBatch, ImportKind, ImportSource, ImportStatus
from privacy.services import colleague_anonymise, subject_access_data
from tests.factories import ColleagueFactory

pytestmark = pytest.mark.django_db


def test_an_imports_rows_about_others_stay_and_a_number_inside_another_is_not_theirs(reference):
    leaver = ColleagueFactory(
        employee_number="E1", first_name="Lena", last_name="Leaver", email="lena@example.org",
        start_date=dt.date(2010, 1, 4), leaving_date=dt.date(2019, 1, 1),
    )  # fmt: skip
    ColleagueFactory(employee_number="E10", first_name="Lena", last_name="Other")
    batch = ImportBatch.objects.create(
        kind=ImportKind.COLLEAGUES,
        source=ImportSource.COMMAND,
        file_name="hr.csv",
        sha256="0" * 64,
        dry_run=False,
        uploaded_by_name="hr",
        status=ImportStatus.DONE,
        outcomes=[
            [2, "created", ["E1", "Lena", "Leaver", "lena@example.org", "NHO"], {}],
            [3, "updated", ["E10", "Lena", "Other", "", "NHO"], {"last_name": "Leaver"}],
        ],
        problems=[[4, "manager", "“E10” is not a colleague"]],
    )
    [shown] = subject_access_data(leaver)["sections"]["imports.importbatch"]
    # Only the row about them; the problem line names E10, not E1; the file name names nobody.
    assert shown == {
        "id": batch.pk,
        "started_at": batch.started_at.isoformat(),
        "kind": "colleagues",
        "outcomes": [[2, "created", ["E1", "Lena", "Leaver", "lena@example.org", "NHO"], {}]],
    }

    colleague_anonymise(colleague=leaver)
    batch.refresh_from_db()
    assert batch.outcomes == [
        [2, "[removed]", ["[removed]"] * 5, {}],
        [3, "updated", ["E10", "Lena", "Other", "", "NHO"], {"last_name": "Leaver"}],
    ]
    assert batch.problems == [[4, "manager", "“E10” is not a colleague"]]
