"""What the API reads and writes, declared field by field for the OpenAPI schema.

Output serializers declare every field but write the JSON with plain functions
(`compliance.serializers.eligibility_json`, the `to_representation`s below):
a thousand answers through DRF's field-by-field machinery cost more than
working them out. Input serializers are separate from output ones.
"""

from __future__ import annotations

import re

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from compliance.enums import Reason, Status
from compliance.models import CaseType
from compliance.serializers import eligibility_json
from core.text import quoted
from policies.rules import ReviewStatus, review_status

from .params import EMPLOYEE_NUMBER_MAX, EMPLOYEE_NUMBER_PATTERN, is_employee_number
from .schema import CaseTypeField, IsoDateField


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=Reason.choices,
        help_text=(
            "Why (docs/rules.md §4). `unknown_employee`: no such colleague (bulk only); `inactive`: not employed "
            "on the date; `role_not_permitted`: their role then is not admitted to the case type; "
            "`overdue`: a gating requirement is overdue (one reason each); `in_induction`: a gating "
            "requirement not yet met and not yet overdue, so the officer works under supervision; "
            "`exempt`: an approved exemption from a gating requirement."
        ),
    )
    requirement = serializers.CharField(
        allow_null=True,
        help_text="The requirement's code for `overdue`, `in_induction` and `exempt`; else null.",
    )
    due_date = serializers.DateField(
        allow_null=True, help_text="The requirement's due date for `overdue` and `in_induction`; else null."
    )


class RequirementStatusSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The requirement's code, e.g. `BTEC-L2`, `HATE-REFRESHER`.")
    status = serializers.ChoiceField(
        choices=Status.choices, help_text="Its status on `as_of` (docs/rules.md §3)."
    )
    due_date = serializers.DateField(
        allow_null=True,
        help_text="The last day it is still on time; null when met by a qualification or exempt.",
    )
    valid_until = serializers.DateField(
        allow_null=True, help_text="For a refresher, the date the current completion lapses; else null."
    )


class EligibilitySerializer(serializers.Serializer):
    employee_number = serializers.CharField(help_text="As asked.")
    case_type = CaseTypeField(help_text="As asked, e.g. `hate_crime`.")
    as_of = serializers.DateField(help_text="The date answered for (`on`, or today in Europe/London).")
    eligible = serializers.BooleanField(
        help_text="May the officer be assigned a case of this type on `as_of`."
    )
    supervision_required = serializers.BooleanField(
        help_text="Eligible while still training in induction: assign under supervision."
    )
    eligible_until = serializers.DateField(
        allow_null=True,
        help_text=(
            "The last day eligibility is certain without more training: the earliest due date among the "
            "gating requirements; null when none has one or when not eligible."
        ),
    )
    reasons = ReasonSerializer(many=True, help_text="Empty when eligible with nothing to note.")
    requirements = RequirementStatusSerializer(
        many=True, help_text="Every gating requirement of the officer's role on `as_of`, with its status."
    )

    def to_representation(self, instance):
        return eligibility_json(instance)


class EligibilityListSerializer(serializers.Serializer):
    results = EligibilitySerializer(many=True, help_text="One answer per number, in the order asked.")


EMPLOYEE_NUMBER_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "maxLength": EMPLOYEE_NUMBER_MAX,
    "pattern": EMPLOYEE_NUMBER_PATTERN,
}


@extend_schema_field(
    {
        "type": "array",
        "items": EMPLOYEE_NUMBER_SCHEMA,
        "minItems": 1,
        "maxItems": settings.API_ELIGIBILITY_BULK_MAX,
    }
)
class EmployeeNumbersField(serializers.ListField):
    """A list of employee numbers, checked in one loop.

    `is_employee_number` for each, without a child field's full validation run
    per item: a thousand of those cost more than answering them.
    """

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(max_length=30), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str | dict) or not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not data and not self.allow_empty:
            self.fail("empty")
        for index, item in enumerate(data):
            if not is_employee_number(item):
                raise serializers.ValidationError(
                    {
                        index: [
                            f"{quoted(item)} is not an employee number (1 to 30 characters, no control characters, "
                            "no space at either end)"
                        ]
                    }
                )
        return data


class BulkEligibilityRequestSerializer(serializers.Serializer):
    case_type = CaseTypeField(help_text="A case type's code, e.g. `hate_crime`.")
    employee_numbers = EmployeeNumbersField(
        allow_empty=False,
        max_length=settings.API_ELIGIBILITY_BULK_MAX,
        help_text=f"Up to {settings.API_ELIGIBILITY_BULK_MAX} employee numbers; answered in this order.",
    )
    on = IsoDateField(
        required=False,
        allow_null=True,
        help_text="YYYY-MM-DD; null or left out: today in Europe/London. Past dates audit, future dates forecast.",
    )


class PaginatedEligibilitySerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Officers matching, across every page.")
    next = serializers.URLField(allow_null=True, help_text="The next page, or null.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, or null.")
    results = EligibilitySerializer(many=True, help_text="This page's answers, ordered by team and name.")


SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# The URLs a webhook may call, as one pattern the schema shows and the server applies as it stands:
# http(s), a host name or address, an optional port, then a path and query of the characters
# RFC 3986 allows there (or %XX escapes), so every URL accepted is a valid URI; no fragment.
WEBHOOK_URL_PATTERN = (
    r"^https?://[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?"
    r"(/([-A-Za-z0-9._~:/?@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)?$"
)
_WEBHOOK_URL = re.compile(WEBHOOK_URL_PATTERN.removeprefix("^").removesuffix("$"))
WEBHOOK_URL_MAX = 500


@extend_schema_field(
    {"type": "string", "format": "uri", "maxLength": WEBHOOK_URL_MAX, "pattern": WEBHOOK_URL_PATTERN}
)
class WebhookUrlField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=WEBHOOK_URL_MAX, trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not _WEBHOOK_URL.fullmatch(value):
            raise serializers.ValidationError(
                f"{quoted(value)} is not an http or https URL (a host, an optional port, then a path; "
                "spaces and other characters a URL cannot hold written as %XX)"
            )
        return value


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="Identifies the webhook, e.g. to remove it.")
    url = WebhookUrlField(help_text="Where to POST `eligibility.changed` events: an http or https URL.")
    case_type = CaseTypeField(help_text="The case type to follow, e.g. `hate_crime`.")
    active = serializers.BooleanField(read_only=True, help_text="Deliveries are sent while true.")
    created_at = serializers.DateTimeField(read_only=True, help_text="When it was registered.")

    def validate_case_type(self, value):
        # Codes are slugs: anything else names no case type (and a NUL would not reach PostgreSQL).
        if not SLUG.fullmatch(value) or not CaseType.objects.filter(code=value).exists():
            raise serializers.ValidationError(f"unknown case type {quoted(value)}")
        return value

    def to_representation(self, hook):
        return {
            "id": hook.pk,
            "url": hook.url,
            "case_type": hook.case_type.code,
            "active": hook.active,
            "created_at": hook.created_at.isoformat(),
        }


class RegisteredWebhookSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text=(
            "Shown this once. Each delivery carries `X-Signature-256: sha256=<hex>`, the HMAC-SHA256 with this "
            "secret of `<X-Webhook-Timestamp>.<body>`, and an `Idempotency-Key` that repeats on retries."
        ),
    )

    def to_representation(self, hook):
        return {**super().to_representation(hook), "secret": hook.secret}


class PolicySerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="Stable identifier, e.g. `hate-harassment`.")
    title = serializers.CharField(help_text="The policy's title, e.g. Hate Harassment Policy.")
    version = serializers.CharField(help_text="The version in force.")
    owner = serializers.CharField(help_text="The post that owns the policy.")
    review_frequency_months = serializers.IntegerField(
        help_text="Months between reviews (36: every 3 years)."
    )
    last_reviewed_on = serializers.DateField(
        allow_null=True, help_text="When the current version was last reviewed (endorsed); null if never."
    )
    next_review_date = serializers.DateField(allow_null=True, help_text="When the next review is due.")
    review_status = serializers.ChoiceField(
        choices=ReviewStatus.choices,
        help_text="On the date asked: `overdue` after the next review date, `due_soon` within the warning window.",
    )

    def to_representation(self, policy):
        day = self.context["day"]
        next_review = policy.next_review_date
        last = policy.last_reviewed_on
        return {
            "slug": policy.slug,
            "title": policy.title,
            "version": policy.version,
            "owner": policy.owner,
            "review_frequency_months": policy.review_frequency_months,
            "last_reviewed_on": last.isoformat() if last else None,
            "next_review_date": next_review.isoformat() if next_review else None,
            "review_status": str(review_status(next_review, day, settings.POLICY_REVIEW_WARNING_DAYS)),
        }
