"""Builders for the policy tests: posts with holders, policies, files, a review ready to publish."""

import datetime as dt
import io
import zipfile

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from policies import services
from policies.enums import DocumentKind, ReviewTrigger
from policies.models import Policy, PolicyVersion, Post
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def user_in(group: str, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def post_held_by(user, title="Communities Director") -> Post:
    post, _ = Post.objects.update_or_create(
        title=title, defaults={"code": title.lower().replace(" ", "-"), "holder": user}
    )
    return post


def make_policy(
    slug: str,
    *,
    forum_endorsed_on: dt.date | None = dt.date(2026, 2, 6),
    frequency: int = 36,
    owner: Post | None = None,
    version: str = "2",
    title: str | None = None,
) -> Policy:
    policy = Policy.objects.create(
        slug=slug,
        title=title or f"{slug.replace('-', ' ').title()} Policy",
        owner_post=owner,
        approval_body="Leadership Board",
        approved_on=forum_endorsed_on and forum_endorsed_on + dt.timedelta(days=17),
        eia_endorsed_on=forum_endorsed_on and forum_endorsed_on - dt.timedelta(days=24),
        forum_endorsed_on=forum_endorsed_on,
        review_frequency_months=frequency,
        version=version,
        published=forum_endorsed_on is not None,
    )
    return policy


def pdf(name="policy.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx(name="eia.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def review_ready_to_publish(
    policy: Policy,
    *,
    started_on: dt.date,
    forum_on: dt.date,
    trigger: str = ReviewTrigger.SCHEDULED,
    trigger_detail: str = "",
    by=None,
):
    """A review with every step recorded: consultation, EIA, Policy Forum, board, both documents."""
    review = services.review_start(
        policy=policy, trigger=trigger, trigger_detail=trigger_detail, started_on=started_on, started_by=by
    )
    services.review_consultation_record(
        review=review,
        opened_on=started_on,
        closed_on=forum_on - dt.timedelta(days=20),
        summary="Tenants' panel and Stop Hate UK consulted; no objections.",
    )
    services.review_eia_record(
        review=review, endorsed_on=forum_on - dt.timedelta(days=14), rating="neutral", minute_ref="EIA/1"
    )
    services.review_forum_record(review=review, endorsed_on=forum_on, minute_ref="PF/7")
    services.review_board_record(
        review=review,
        approval_body="Leadership Board",
        approved_on=forum_on + dt.timedelta(days=10),
        minute_ref="LB/3",
    )
    services.policy_document_upload(review=review, kind=DocumentKind.POLICY, uploaded=pdf(), uploaded_by=by)
    services.policy_document_upload(review=review, kind=DocumentKind.EIA, uploaded=docx(), uploaded_by=by)
    review.refresh_from_db()
    return review


def published(policy: Policy) -> list[str]:
    return list(
        PolicyVersion.objects.filter(policy=policy, published_on__isnull=False)
        .order_by("published_on", "id")
        .values_list("version", flat=True)
    )
