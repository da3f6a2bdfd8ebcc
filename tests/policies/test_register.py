"""The register's data: the seed, posts, published versions that never change, the database's rules."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from compliance.models import Requirement
from policies.enums import DocumentKind, ReviewTrigger
from policies.models import (
    Policy,
    PolicyAmendment,
    PolicyDocument,
    PolicyReview,
    PolicyVersion,
    Post,
    PublishedVersionError,
)
from tests.factories import UserFactory

from .helpers import make_policy, pdf, review_ready_to_publish

pytestmark = pytest.mark.django_db


def test_seed_has_the_hate_harassment_cover_sheet(reference):
    policy = Policy.objects.get(slug="hate-harassment")
    assert (
        policy.owner,
        policy.sponsor,
        policy.approval_body,
        policy.approved_on,
        policy.eia_endorsed_on,
        policy.forum_endorsed_on,
        policy.review_frequency_months,
        policy.next_review_date,
        policy.version,
        policy.published,
    ) == (
        "Communities Director",
        "Chief Operating Officer",
        "Leadership Board",
        dt.date(2026, 2, 23),
        dt.date(2026, 1, 13),
        dt.date(2026, 2, 6),
        36,
        dt.date(2029, 2, 6),
        "2",
        True,
    )
    assert sorted(policy.related_policies.values_list("slug", flat=True)) == [
        "anti-social-behaviour",
        "domestic-abuse",
        "tenancy",
    ]
    assert list(policy.amendments.values_list("amended_on", "version")) == [
        (dt.date(2015, 5, 1), "1"),
        (dt.date(2018, 10, 1), "1.1"),
        (dt.date(2022, 3, 1), "1.2"),
        (dt.date(2025, 11, 1), "2"),
    ]
    version = PolicyVersion.objects.get(policy=policy)
    assert (version.version, version.published_on, version.forum_endorsed_on, version.next_review_date) == (
        "2",
        dt.date(2026, 2, 23),
        dt.date(2026, 2, 6),
        dt.date(2029, 2, 6),
    )
    assert set(Requirement.objects.filter(policy=policy).values_list("code", "policy_version", "clause")) == {
        ("BTEC-L2", "2", "6.0 Colleague Training"),
        ("BTEC-L3", "2", "6.0 Colleague Training"),
        ("BTEC-L5", "2", "6.0 Colleague Training"),
        ("HATE-REFRESHER", "2", "6.0 Colleague Training"),
    }


def test_loaddata_reference_twice_keeps_what_was_recorded_since(reference):
    director = UserFactory(username="jsmith", first_name="Jo", last_name="Smith")
    Post.objects.filter(code="communities-director").update(holder=director)
    Policy.objects.filter(slug="hate-harassment").update(version="3", forum_endorsed_on=dt.date(2027, 5, 1))
    call_command("loaddata", "reference", verbosity=0)
    call_command("loaddata", "reference", verbosity=0)
    policy = Policy.objects.get(slug="hate-harassment")
    assert (policy.owner_post.holder, policy.version, policy.next_review_date) == (
        director,
        "3",
        dt.date(2030, 5, 1),
    )
    assert (Post.objects.count(), Policy.objects.count(), PolicyAmendment.objects.count()) == (2, 4, 4)
    assert PolicyVersion.objects.count() == 1


def test_policy_owner_reads_as_the_post_title_for_every_reader(reference):
    # The API and the pages read `policy.owner` as text; the post's holder does not change it.
    policy = Policy.objects.get(slug="hate-harassment")
    assert (policy.owner, str(policy.owner_post), Policy.objects.get(slug="tenancy").owner) == (
        "Communities Director",
        "Communities Director",
        "",
    )


def test_policy_list_reads_owners_in_one_query(reference):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        owners = [(p.owner, p.sponsor, p.owner_post and p.owner_post.holder) for p in Policy.objects.all()]
    assert (len(queries), len(owners)) == (1, 4)


def test_review_date_override_needs_a_reason(reference):
    with pytest.raises(IntegrityError), transaction.atomic():
        Policy.objects.filter(slug="tenancy").update(next_review_override=dt.date(2027, 1, 1))


def test_early_review_must_record_its_trigger(reference):
    policy = Policy.objects.get(slug="hate-harassment")
    version = PolicyVersion.objects.create(policy=policy, version="3")
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyReview.objects.create(
            policy=policy, version=version, trigger=ReviewTrigger.COMPLAINT, started_on=dt.date(2026, 11, 1)
        )


def test_one_open_review_per_policy_in_the_database(reference):
    policy = Policy.objects.get(slug="hate-harassment")
    first = PolicyVersion.objects.create(policy=policy, version="3")
    second = PolicyVersion.objects.create(policy=policy, version="3.1")
    PolicyReview.objects.create(
        policy=policy, version=first, trigger="scheduled", started_on=dt.date(2026, 11, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyReview.objects.create(
            policy=policy, version=second, trigger="scheduled", started_on=dt.date(2026, 11, 2)
        )


# A published version is never edited.


def raw_sql(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def v2(reference):
    return PolicyVersion.objects.get(policy__slug="hate-harassment", version="2")


def test_published_version_refuses_save_with_a_change(v2):
    v2.change_summary = "Rewritten after the event"
    with pytest.raises(PublishedVersionError, match="change_summary"):
        v2.save()
    assert PolicyVersion.objects.get(pk=v2.pk).change_summary.startswith("Full review")


def test_published_version_saved_unchanged_is_allowed(v2):
    v2.save()
    assert PolicyVersion.objects.get(pk=v2.pk).published_on == dt.date(2026, 2, 23)


def test_published_version_refuses_delete(v2):
    with pytest.raises(PublishedVersionError):
        v2.delete()
    with pytest.raises(PublishedVersionError):
        PolicyVersion.objects.filter(pk=v2.pk).delete()
    assert PolicyVersion.objects.filter(pk=v2.pk).count() == 1


def test_published_version_refuses_bulk_update(v2):
    with pytest.raises(PublishedVersionError):
        PolicyVersion.objects.filter(pk=v2.pk).update(approved_on=dt.date(2026, 3, 1))


def test_database_trigger_refuses_raw_update_and_delete_of_a_published_version(v2):
    with pytest.raises(IntegrityError, match="published and cannot be changed"), transaction.atomic():
        raw_sql("UPDATE policies_policyversion SET approved_on = '2026-03-01' WHERE id = %s", [v2.pk])
    with pytest.raises(IntegrityError, match="published and cannot be deleted"), transaction.atomic():
        raw_sql("DELETE FROM policies_policyversion WHERE id = %s", [v2.pk])
    # Rewriting the same values (what `loaddata` does) is not a change.
    raw_sql("UPDATE policies_policyversion SET approved_on = approved_on WHERE id = %s", [v2.pk])
    assert PolicyVersion.objects.get(pk=v2.pk).approved_on == dt.date(2026, 2, 23)


def test_draft_version_can_change_until_published(reference):
    draft = PolicyVersion.objects.create(policy=Policy.objects.get(slug="tenancy"), version="1")
    PolicyVersion.objects.filter(pk=draft.pk).update(change_summary="First draft")
    draft.refresh_from_db()
    draft.version = "1.0"
    draft.save()
    assert PolicyVersion.objects.get(pk=draft.pk).version == "1.0"


@pytest.fixture
def published_with_documents(reference, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    policy = make_policy("equality")
    review = review_ready_to_publish(policy, started_on=dt.date(2026, 9, 1), forum_on=dt.date(2026, 10, 20))
    from policies import services

    return services.review_publish(review=review, no_change=True)


def test_documents_of_a_published_version_are_frozen(published_with_documents):
    version = published_with_documents
    document = version.documents.get(kind=DocumentKind.POLICY)
    document.original_name = "renamed.pdf"
    with pytest.raises(PublishedVersionError):
        document.save()
    with pytest.raises(PublishedVersionError):
        document.delete()
    with pytest.raises(PublishedVersionError):
        PolicyDocument(version=version, kind=DocumentKind.POLICY, revision=9, file=pdf().name).save()
    with pytest.raises(IntegrityError, match="published"), transaction.atomic():
        raw_sql("UPDATE policies_policydocument SET original_name = 'x.pdf' WHERE id = %s", [document.pk])
    with pytest.raises(IntegrityError, match="published"), transaction.atomic():
        raw_sql("DELETE FROM policies_policydocument WHERE id = %s", [document.pk])
    assert version.documents.count() == 2
