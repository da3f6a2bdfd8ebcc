"""`/api/v1/webhooks/`: a case system subscribes to eligibility change events."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from compliance.models import CaseType

from .enums import Scope
from .models import Webhook
from .rest import BAD_PARAMETER, FORBIDDEN, THROTTLED, UNAUTHENTICATED, ApiView, api_client_of, error
from .services import webhook_register, webhook_remove


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="Identifies the webhook, e.g. to remove it.")
    url = serializers.URLField(
        max_length=500, help_text="Where to POST `eligibility.changed` events (http or https)."
    )
    case_type = serializers.SlugField(max_length=50, help_text="The case type to follow, e.g. `hate_crime`.")
    active = serializers.BooleanField(read_only=True, help_text="Deliveries are sent while true.")
    created_at = serializers.DateTimeField(read_only=True, help_text="When it was registered.")

    def validate_case_type(self, value):
        if not CaseType.objects.filter(code=value).exists():
            raise serializers.ValidationError(f"unknown case type {value!r}")
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


def client_required(request):
    client = api_client_of(request)
    if client is None:
        raise exceptions.PermissionDenied(
            "Webhooks are registered by API clients (an API key), not by people."
        )
    return client


ERRORS = {401: UNAUTHENTICATED, 403: FORBIDDEN, 429: THROTTLED}


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
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={
            204: OpenApiResponse(description="Removed: no more deliveries."),
            **ERRORS,
            404: error("No webhook with this id belongs to this client."),
        },
        tags=["webhooks"],
    )
    def delete(self, request, pk: int):
        client = client_required(request)
        webhook_remove(webhook=get_object_or_404(Webhook, pk=pk, client=client))
        return Response(status=status.HTTP_204_NO_CONTENT)
