"""`/api/v1/eligibility/`: may this officer take a case of this type on this date, and why (docs/rules.md §4).

Thin views: parse the parameters, ask the one engine through the selectors,
write the answers. Machine clients' answers go to the decision log.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from compliance import selectors
from compliance.enums import Reason
from compliance.serializers import eligibility_json
from core.text import quoted
from integrations.enums import Scope
from integrations.services import api_client_forget, api_client_still_live, decision_log_record
from people.access import colleagues_for
from people.models import Team

from .auth import api_client_of
from .base import ApiView
from .errors import BAD_PARAMETER, FORBIDDEN, THROTTLED, TOO_LARGE, UNAUTHENTICATED, BadParameter, error
from .params import bool_param, case_type_param, date_param, int_param, is_employee_number
from .schema import CASE_TYPE_PARAMETER, ON_PARAMETER, TEAM_PARAMETER
from .serializers import (
    EMPLOYEE_NUMBER_SCHEMA,
    BulkEligibilityRequestSerializer,
    EligibilityListSerializer,
    EligibilitySerializer,
    PaginatedEligibilitySerializer,
)

COMMON_ERRORS = {400: BAD_PARAMETER, 401: UNAUTHENTICATED, 403: FORBIDDEN, 429: THROTTLED}


def scope_of(request):
    """Who the asker may be told about: a machine client, everyone; a person, their role's colleagues."""
    return None if api_client_of(request) is not None else colleagues_for(request.user)


def answered(request, answers) -> None:
    """Log the answers for a machine client; no answer leaves unlogged, nor for a key revoked meanwhile."""
    client = api_client_of(request)
    if client is None or decision_log_record(client=client, answers=answers, scope=Scope.ELIGIBILITY):
        return
    api_client_forget(client)
    if api_client_still_live(client=client, scope=Scope.ELIGIBILITY) == "scope":
        raise exceptions.PermissionDenied(f"This API key does not have the `{Scope.ELIGIBILITY}` scope.")
    raise exceptions.AuthenticationFailed("The API key is not valid, or has been revoked.")


class EligibilityPagination(PageNumberPagination):
    """Pages of answers; `page` and `page_size` read as strictly as the schema describes them."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        return int_param(
            request.query_params.get(self.page_size_query_param),
            self.page_size_query_param,
            default=self.page_size,
            minimum=1,
            maximum=self.max_page_size,
        )

    def get_page_number(self, request, paginator):
        return int_param(
            request.query_params.get(self.page_query_param), self.page_query_param, default=1, minimum=1
        )

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            # A page past the last is a page that does not exist: 404, as for any missing resource.
            pages = self.django_paginator_class(queryset, self.get_page_size(request)).num_pages
            raise exceptions.NotFound(f"page: no such page; there are {pages}") from None


EXAMPLE = OpenApiExample(
    "In induction",
    value={
        "employee_number": "E1001",
        "case_type": "hate_crime",
        "as_of": "2026-11-28",
        "eligible": True,
        "supervision_required": True,
        "eligible_until": "2027-03-15",
        "reasons": [{"code": "in_induction", "requirement": "BTEC-L2", "due_date": "2027-03-15"}],
        "requirements": [
            {"code": "BTEC-L2", "status": "pending", "due_date": "2027-03-15", "valid_until": None},
        ],
    },
)


class EligibilityDetailView(ApiView):
    required_scope = Scope.ELIGIBILITY
    logs_answers = True

    @extend_schema(
        operation_id="eligibility_retrieve",
        summary="May this officer take a case of this type?",
        description=(
            "The answer of the compliance engine (docs/rules.md §4) for one colleague on one date, with reasons, "
            "`eligible_until` and the status of every gating requirement."
        ),
        parameters=[
            OpenApiParameter(
                "employee_number", EMPLOYEE_NUMBER_SCHEMA, OpenApiParameter.PATH, description="E.g. `E1001`."
            ),
            CASE_TYPE_PARAMETER,
            ON_PARAMETER,
        ],
        responses={
            200: OpenApiResponse(EligibilitySerializer, description="The officer's eligibility on the date."),
            **COMMON_ERRORS,
            404: error("No colleague with this employee number (or none you may see)."),
        },
        examples=[EXAMPLE],
        tags=["eligibility"],
    )
    def get(self, request, employee_number: str):
        catalogue = selectors.catalogue_cached()
        rule = case_type_param(request.query_params.get("case_type"), catalogue)
        day = date_param(request.query_params.get("on"))
        if not is_employee_number(employee_number):
            raise exceptions.NotFound(f"No colleague with employee number {quoted(employee_number)}.")
        (answer,) = selectors.eligibility_for([employee_number], rule.code, day, catalogue, scope_of(request))
        if answer.reasons and answer.reasons[0].code == Reason.UNKNOWN_EMPLOYEE:
            raise exceptions.NotFound(f"No colleague with employee number {quoted(employee_number)}.")
        answered(request, [answer])
        return Response(eligibility_json(answer))


class EligibilityCollectionView(ApiView):
    required_scope = Scope.ELIGIBILITY
    logs_answers = True

    @extend_schema(
        operation_id="eligibility_list",
        summary="Officers a case type admits, with their eligibility",
        description=(
            "Every colleague active on the date whose role the case type admits, ordered by team and "
            "name, a page at a time."
        ),
        parameters=[
            CASE_TYPE_PARAMETER,
            ON_PARAMETER,
            TEAM_PARAMETER,
            OpenApiParameter(
                "eligible", bool, description="`true`: only eligible officers; `false`: only the others."
            ),
            OpenApiParameter(
                "page", {"type": "integer", "minimum": 1}, description="Page number, from 1 (default 1)."
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": EligibilityPagination.max_page_size},
                description=f"Answers per page, 1 to {EligibilityPagination.max_page_size} (default 100).",
            ),
        ],
        responses={
            200: OpenApiResponse(
                PaginatedEligibilitySerializer, description="A page of officers' eligibility."
            ),
            **COMMON_ERRORS,
            404: error("No such page: `page` is past the last page."),
        },
        tags=["eligibility"],
    )
    def get(self, request):
        params = request.query_params
        catalogue = selectors.catalogue_cached()
        rule = case_type_param(params.get("case_type"), catalogue)
        day = date_param(params.get("on"))
        eligible = bool_param(params.get("eligible"), "eligible")
        team = params.get("team")
        if team is not None and not Team.objects.filter(name=team).exists():
            raise BadParameter("team", f"no team called {quoted(team)}")
        scope = scope_of(request)
        candidates = selectors.eligibility_candidates(
            selectors.Colleague.objects.all() if scope is None else scope, rule, day, team
        )
        paginator = EligibilityPagination()
        if eligible is None:
            rows = paginator.paginate_queryset(candidates, request, self)
            answers = selectors.eligibility_of_rows(rows, rule, day, catalogue)
        else:
            everyone = selectors.eligibility_of_rows(
                list(candidates), rule, day, catalogue, id_filter=candidates.values("id")
            )
            answers = paginator.paginate_queryset(
                [a for a in everyone if a.eligible == eligible], request, self
            )
        answered(request, answers)
        return paginator.get_paginated_response([eligibility_json(a) for a in answers])

    @extend_schema(
        operation_id="eligibility_bulk",
        summary="Eligibility of many officers at once",
        description=(
            f"Up to {settings.API_ELIGIBILITY_BULK_MAX} employee numbers in one request; one answer per "
            "number in the order asked. An unknown number answers `eligible: false` with the reason "
            "`unknown_employee`."
        ),
        request=BulkEligibilityRequestSerializer,
        responses={
            200: OpenApiResponse(
                EligibilityListSerializer, description="One answer per number, in request order."
            ),
            **COMMON_ERRORS,
            413: TOO_LARGE,
        },
        tags=["eligibility"],
    )
    def post(self, request):
        if not isinstance(request.data, dict):
            raise BadParameter("body", "send a JSON object with case_type and employee_numbers")
        body = BulkEligibilityRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        catalogue = selectors.catalogue_cached()
        rule = case_type_param(body.validated_data["case_type"], catalogue)
        day = body.validated_data.get("on") or timezone.localdate()
        answers = selectors.eligibility_for(
            body.validated_data["employee_numbers"], rule.code, day, catalogue, scope_of(request)
        )
        answered(request, answers)
        return Response({"results": [eligibility_json(a) for a in answers]})
