"""Policy documents kept on the local disk by earlier releases move into the database storage."""

import io

import pytest
from django.core.management import call_command

from core.filestore import DatabaseStorage
from policies import services as policy_services
from policies.enums import DocumentKind, ReviewTrigger
from policies.models import Policy
from tests.organisation import TODAY, user_in
from tests.policies.helpers import PDF, pdf

pytestmark = pytest.mark.django_db


def test_files_on_disk_move_into_the_database_once(reference, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    hr = user_in("hr", "HR")
    review = policy_services.review_start(
        policy=Policy.objects.get(slug="hate-harassment"),
        trigger=ReviewTrigger.SCHEDULED,
        started_on=TODAY,
        started_by=hr,
    )
    document = policy_services.policy_document_upload(
        review=review, kind=DocumentKind.POLICY, uploaded=pdf(), uploaded_by=hr
    )
    # As an earlier release left it: on this machine's disk, not in the database.
    storage = DatabaseStorage()
    storage.delete(document.file.name)
    on_disk = tmp_path / document.file.name
    on_disk.parent.mkdir(parents=True)
    on_disk.write_bytes(PDF)

    first, second = io.StringIO(), io.StringIO()
    call_command("move_media_to_database", stdout=first)
    call_command("move_media_to_database", stdout=second)

    with storage.open(document.file.name) as stored:
        assert stored.read() == PDF
    assert first.getvalue().strip() == "moved 1, already in the database 0, not found here 0"
    assert second.getvalue().strip() == "moved 0, already in the database 1, not found here 0"
