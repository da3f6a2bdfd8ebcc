"""`/api/v1/policies/`: the policy register and its review calendar (docs/rules.md §6)."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from compliance.api import date_param
from integrations.enums import Scope
from integrations.rest import BAD_PARAMETER, FORBIDDEN, THROTTLED, UNAUTHENTICATED, ApiView

from .models import Policy
from .rules import ReviewStatus, review_status


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


class PolicyListView(ApiView):
    required_scope = Scope.POLICIES

    @extend_schema(
        operation_id="policies_list",
        summary="The policy register with each policy's review calendar",
        parameters=[
            OpenApiParameter(
                "on",
                OpenApiTypes.DATE,
                description="Review status on this date; default today in Europe/London.",
            )
        ],
        responses={
            200: OpenApiResponse(PolicySerializer(many=True), description="Every policy, by title."),
            400: BAD_PARAMETER,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            429: THROTTLED,
        },
        tags=["policies"],
    )
    def get(self, request):
        day = date_param(request.query_params.get("on"))
        policies = Policy.objects.order_by("title", "slug")
        return Response(PolicySerializer(policies, many=True, context={"day": day}).data)
