"""`/api/v1/webhooks/`: a case system subscribes to eligibility change events."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from compliance.models import CaseType
from integrations.enums import Scope
from integrations.models import Webhook
from integrations.services import webhook_register, webhook_remove

from .auth import api_client_of
from .base import ApiView
from .errors import BAD_PARAMETER, THROTTLED, TOO_LARGE, UNAUTHENTICATED, error
from .serializers import RegisteredWebhookSerializer, WebhookSerializer


def client_required(request):
    client = api_client_of(request)
    if client is None:
        raise exceptions.PermissionDenied(
            "Webhooks are registered by API clients (an API key), not by people."
        )
    return client


# The largest id the database can hold: a larger one names no webhook (404), not a database error.
MAX_ID = 2**63 - 1
ERRORS = {
    401: UNAUTHENTICATED,
    403: error(
        "The API key does not have the `eligibility` scope, or the asker is a person, not an API client."
    ),
    429: THROTTLED,
}


class WebhookListView(ApiView):
    required_scope = Scope.ELIGIBILITY

    @extend_schema(
        operation_id="webhooks_list",
        summary="This client's webhooks",
        responses={
            200: OpenApiResponse(WebhookSerializer(many=True), description="This client's webhooks."),
            **ERRORS,
        },
        tags=["webhooks"],
    )
    def get(self, request):
        client = client_required(request)
        hooks = Webhook.objects.filter(client=client).select_related("case_type").order_by("pk")
        return Response(WebhookSerializer(hooks, many=True).data)

    @extend_schema(
        operation_id="webhooks_create",
        summary="Subscribe to eligibility changes",
        description=(
            "When an officer's eligibility for the case type changes (a training record saved or imported, "
            "a waiver approved, a due date passing), the URL receives a signed POST: "
            "`{id, event, occurred_at, previous: {eligible, supervision_required}, eligibility: {...}}`. "
            "Failed deliveries are retried with exponential backoff."
        ),
        request=WebhookSerializer,
        responses={
            201: OpenApiResponse(
                RegisteredWebhookSerializer, description="Registered; the secret is shown once."
            ),
            400: BAD_PARAMETER,
            **ERRORS,
            413: TOO_LARGE,
        },
        tags=["webhooks"],
    )
    def post(self, request):
        client = client_required(request)
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"body": ["send a JSON object with url and case_type"]})
        body = WebhookSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        hook = webhook_register(
            client=client,
            url=body.validated_data["url"],
            case_type=CaseType.objects.get(code=body.validated_data["case_type"]),
        )
        return Response(RegisteredWebhookSerializer(hook).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(ApiView):
    required_scope = Scope.ELIGIBILITY

    @extend_schema(
        operation_id="webhooks_destroy",
        summary="Unsubscribe",
        parameters=[
            OpenApiParameter(
                "id",
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                OpenApiParameter.PATH,
                description="The webhook's `id`, as registered.",
            )
        ],
        responses={
            204: OpenApiResponse(description="Removed: no more deliveries."),
            **ERRORS,
            404: error("No webhook with this id belongs to this client."),
        },
        tags=["webhooks"],
    )
    def delete(self, request, pk: int):
        client = client_required(request)
        if not 1 <= pk <= MAX_ID:
            raise exceptions.NotFound("No Webhook matches the given query.")
        webhook_remove(webhook=get_object_or_404(Webhook, pk=pk, client=client))
        return Response(status=status.HTTP_204_NO_CONTENT)
