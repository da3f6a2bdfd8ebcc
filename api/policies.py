"""`/api/v1/policies/`: the policy register and its review calendar (docs/rules.md §6)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from integrations.enums import Scope
from policies.models import Policy

from .base import ApiView
from .errors import BAD_PARAMETER, FORBIDDEN, THROTTLED, UNAUTHENTICATED
from .params import date_param
from .serializers import PolicySerializer


class PolicyListView(ApiView):
    required_scope = Scope.POLICIES

    @extend_schema(
        operation_id="policies_list",
        summary="The policy register with each policy's review calendar",
        parameters=[
            OpenApiParameter(
                "on",
                OpenApiTypes.DATE,
                description=(
                    "Review status on this date, YYYY-MM-DD; leave it out for today in Europe/London "
                    "(an empty value is a 400)."
                ),
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
