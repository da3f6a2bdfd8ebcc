"""Bad input is a 400 naming the parameter; credentials, scopes, roles and throttling."""

import json
from urllib.parse import quote

import pytest
from django.urls import reverse

from core.access import AccessGroup
from core.text import quoted
from integrations.models import ApiClient
from integrations.services import api_client_issue, api_client_revoke
from tests.factories import ColleagueFactory, TeamFactory, UserFactory
from tests.integrations.conftest import CASE, D

pytestmark = pytest.mark.django_db


def detail_of(response) -> str:
    assert response["Content-Type"] == "application/json"
    return response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({}, "case_type"),
        ({"case_type": "parking_fines"}, "case_type"),
        ({"case_type": CASE, "on": "2026-02-30"}, "on"),
        ({"case_type": CASE, "on": "tomorrow"}, "on"),
        ({"case_type": CASE, "on": "2026-6-1"}, "on"),
        # Left out means today; empty is not a date, as the schema's `format: date` says.
        ({"case_type": CASE, "on": ""}, "on"),
        # Full-width digits: Python's `\d` would take them, a schema date does not.
        ({"case_type": CASE, "on": "\uff12\uff10\uff12\uff16-\uff10\uff16-\uff10\uff11"}, "on"),
        ({"case_type": ""}, "case_type"),
        ({"case_type": "hate\x00crime"}, "case_type"),
    ],
)
def test_single_lookup_bad_parameter_is_400_naming_it(api, spec_people, params, parameter):
    response = api.get("/api/v1/eligibility/E990001/", params)

    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert detail_of(response).startswith(f"{parameter}: ")


def test_unknown_employee_is_404_on_the_single_lookup(api, spec_people):
    response = api.get("/api/v1/eligibility/ZZ404404/", {"case_type": CASE})

    assert response.status_code == 404
    assert detail_of(response) == "No colleague with employee number “ZZ404404”."


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"employee_numbers": ["E990001"]}, "case_type"),
        ({"case_type": "parking_fines", "employee_numbers": ["E990001"]}, "case_type"),
        ({"case_type": CASE}, "employee_numbers"),
        ({"case_type": CASE, "employee_numbers": "E990001"}, "employee_numbers"),
        ({"case_type": CASE, "employee_numbers": {"a": 1}}, "employee_numbers"),
        ({"case_type": CASE, "employee_numbers": []}, "employee_numbers"),
        ({"case_type": CASE, "employee_numbers": [f"E{i}" for i in range(1001)]}, "employee_numbers"),
        ({"case_type": CASE, "employee_numbers": ["E990001", 7]}, "employee_numbers[1]"),
        ({"case_type": CASE, "employee_numbers": ["E990001", None]}, "employee_numbers[1]"),
        ({"case_type": CASE, "employee_numbers": ["x" * 31]}, "employee_numbers[0]"),
        # PostgreSQL cannot hold a NUL: refused here, not a server error.
        ({"case_type": CASE, "employee_numbers": ["E99\x000001"]}, "employee_numbers[0]"),
        ({"case_type": CASE, "employee_numbers": ["E990001\t"]}, "employee_numbers[0]"),
        ({"case_type": CASE, "employee_numbers": ["E990001"], "on": ""}, "on"),
        ({"case_type": CASE, "employee_numbers": ["E990001"], "on": "2026-3-2"}, "on"),
        ({"case_type": CASE, "employee_numbers": ["E990001"], "on": "2026-13-01"}, "on"),
        (["E990001"], "body"),
    ],
)
def test_bulk_bad_body_is_400_naming_the_parameter(api, spec_people, body, parameter):
    response = api.post("/api/v1/eligibility/", data=json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert detail_of(response).startswith(f"{parameter}: ")


@pytest.mark.parametrize(
    ("data", "content_type"),
    [("{not json", "application/json"), ("case_type=hate_crime", "application/x-www-form-urlencoded")],
)
def test_bulk_body_that_is_not_json_is_400(api, spec_people, data, content_type):
    response = api.post("/api/v1/eligibility/", data=data, content_type=content_type)

    assert response.status_code == 400
    assert response.json()["parameter"] == "body"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"case_type": CASE, "eligible": "maybe"}, "eligible"),
        ({"case_type": CASE, "eligible": "yes"}, "eligible"),
        ({"case_type": CASE, "eligible": ""}, "eligible"),
        ({"case_type": CASE, "team": "Nowhere"}, "team"),
        ({"case_type": CASE, "team": "Contract\x00Team"}, "team"),
        ({"case_type": CASE, "page": "0"}, "page"),
        ({"case_type": CASE, "page": "1.5"}, "page"),
        ({"case_type": CASE, "page_size": "0"}, "page_size"),
        ({"case_type": CASE, "page_size": "1001"}, "page_size"),
        ({"case_type": CASE, "page_size": "many"}, "page_size"),
        ({"case_type": CASE, "on": "31/12/2026"}, "on"),
        ({"case_type": CASE, "on": ""}, "on"),
    ],
)
def test_list_bad_parameter_is_400_naming_it(api, spec_people, params, parameter):
    response = api.get("/api/v1/eligibility/", params)

    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_a_page_past_the_last_is_404(api, spec_people):
    """A well-formed page number that names no page is a missing resource, as the schema says."""
    response = api.get("/api/v1/eligibility/", {"case_type": CASE, "page": "99"})

    assert response.status_code == 404
    assert detail_of(response) == "page: no such page; there are 1"


@pytest.mark.parametrize("number", ["E99\x000001", " E990001", "E990001\n", "x" * 31])
def test_a_path_that_is_no_employee_number_is_404_not_a_server_error(api, spec_people, number):
    response = api.get(f"/api/v1/eligibility/{quote(number)}/", {"case_type": CASE})

    assert response.status_code == 404
    assert detail_of(response) == f"No colleague with employee number {quoted(number)}."


ENDPOINTS = [
    ("get", "/api/v1/eligibility/E990001/?case_type=hate_crime"),
    ("get", "/api/v1/eligibility/?case_type=hate_crime"),
    ("post", "/api/v1/eligibility/"),
    ("get", "/api/v1/policies/"),
    ("get", "/api/v1/webhooks/"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
@pytest.mark.parametrize("header", [None, "Token not-a-real-token", "Token", "Bearer abc"])
def test_no_or_bad_credential_is_401_with_a_detail(client, spec_people, method, url, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    response = getattr(client, method)(url, **extra)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert detail_of(response)


def test_a_revoked_key_stops_working_at_once(api, spec_people):
    assert api.get("/api/v1/eligibility/E990001/", {"case_type": CASE}).status_code == 200

    api_client_revoke(client=ApiClient.objects.get(name="case-system"))

    response = api.get("/api/v1/eligibility/E990001/", {"case_type": CASE})
    assert response.status_code == 401
    assert detail_of(response) == "The API key is not valid, or has been revoked."


def test_a_key_outside_its_scope_is_403(api, spec_people):
    response = api.get("/api/v1/policies/")

    assert response.status_code == 403
    assert detail_of(response) == "This API key does not have the `policies` scope."


def test_a_policies_only_key_cannot_ask_about_eligibility(spec_people, client):
    _, key = api_client_issue(name="register", scopes="policies")

    response = client.get(
        "/api/v1/eligibility/E990001/", {"case_type": CASE}, HTTP_AUTHORIZATION=f"Token {key}"
    )

    assert response.status_code == 403
    assert detail_of(response) == "This API key does not have the `eligibility` scope."


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/people/colleague/",
        "/admin/integrations/decision/",
        "/admin/integrations/apiclient/",
        "/",
        "/accounts/password_change/",
    ],
)
def test_a_key_reaches_nothing_but_the_api(api, spec_people, url):
    response = api.get(url, follow=True)

    assert response.status_code == 200
    assert "/login/" in response.redirect_chain[-1][0]
    assert response.wsgi_request.user.is_authenticated is False


def test_a_key_is_stored_hashed_and_last_use_recorded(token, api, spec_people):
    client = ApiClient.objects.get(name="case-system")
    assert token not in (client.token_hash, client.token_prefix)
    assert client.token_prefix == token[:8]
    assert client.last_used_at is None

    api.get("/api/v1/eligibility/E990001/", {"case_type": CASE})

    client.refresh_from_db()
    assert client.last_used_at is not None


def test_throttled_client_gets_a_clear_429(api, spec_people):
    ApiClient.objects.filter(name="case-system").update(throttle_rate="2/min")
    url = "/api/v1/eligibility/E990001/"

    codes = [api.get(url, {"case_type": CASE}).status_code for _ in range(3)]
    response = api.get(url, {"case_type": CASE})

    assert codes == [200, 200, 429]
    assert response.status_code == 429
    assert detail_of(response).startswith("Too many requests from this client: try again in ")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_throttling_is_per_client(api, spec_people, client):
    ApiClient.objects.filter(name="case-system").update(throttle_rate="1/min")
    _, other = api_client_issue(name="other-system")

    assert api.get("/api/v1/eligibility/E990001/", {"case_type": CASE}).status_code == 200
    assert api.get("/api/v1/eligibility/E990001/", {"case_type": CASE}).status_code == 429
    response = client.get(
        "/api/v1/eligibility/E990001/", {"case_type": CASE}, HTTP_AUTHORIZATION=f"Token {other}"
    )
    assert response.status_code == 200


# ---------------------------------------------------------------- people


@pytest.fixture
def two_teams(spec_people):
    """A manager of North (A, B and C's team, renamed) and an officer of South."""
    from django.contrib.auth.models import Group

    north = spec_people["A"].team
    north.name = "North"
    north.save()
    user = UserFactory(username="north-manager")
    user.groups.add(Group.objects.get(name=AccessGroup.MANAGER))
    me = ColleagueFactory(employee_number="M1", role="CSM", team=north, user=user)
    north.manager = me
    north.save()
    south = TeamFactory(name="South")
    ColleagueFactory(employee_number="S1", role="NHO", team=south, start_date=D("2025-01-01"))
    return user


def test_manager_sees_only_their_teams(client, two_teams):
    client.force_login(two_teams)

    listed = client.get("/api/v1/eligibility/", {"case_type": CASE, "on": "2026-05-01"}).json()
    other = client.get("/api/v1/eligibility/S1/", {"case_type": CASE})
    own = client.get("/api/v1/eligibility/E990001/", {"case_type": CASE})
    asked = client.post(
        "/api/v1/eligibility/",
        data=json.dumps({"case_type": CASE, "employee_numbers": ["S1", "E990002"], "on": "2026-05-01"}),
        content_type="application/json",
    ).json()["results"]
    south = client.get("/api/v1/eligibility/", {"case_type": CASE, "team": "South"}).json()

    # The list is ordered by name, and the factory's names are random: compare who, not the order.
    assert sorted(i["employee_number"] for i in listed["results"]) == ["E990001", "E990002", "E990003", "M1"]
    assert other.status_code == 404
    assert own.status_code == 200
    assert [r["reasons"][0]["code"] for r in asked] == ["unknown_employee", "overdue"]
    assert south["results"] == []


def test_colleague_sees_only_themselves(client, spec_people):
    from django.contrib.auth.models import Group

    user = UserFactory(username="ada")
    user.groups.add(Group.objects.get(name=AccessGroup.COLLEAGUE))
    spec_people["A"].user = user
    spec_people["A"].save()
    client.force_login(user)

    listed = client.get("/api/v1/eligibility/", {"case_type": CASE, "on": "2026-05-01"}).json()

    assert [i["employee_number"] for i in listed["results"]] == ["E990001"]
    assert client.get("/api/v1/eligibility/E990002/", {"case_type": CASE}).status_code == 404


def test_a_person_who_sees_nobody_is_told_about_nobody(client, spec_people):
    """The policy owner has no colleague record: their scope is empty, which is not an error."""
    from django.contrib.auth.models import Group

    user = UserFactory(username="owner")
    user.groups.add(Group.objects.get(name=AccessGroup.POLICY_OWNER))
    client.force_login(user)

    one = client.get("/api/v1/eligibility/E990001/", {"case_type": CASE})
    asked = client.post(
        "/api/v1/eligibility/",
        data=json.dumps({"case_type": CASE, "employee_numbers": ["E990001", "E990002"]}),
        content_type="application/json",
    )
    listed = client.get("/api/v1/eligibility/", {"case_type": CASE})

    assert one.status_code == 404
    assert asked.status_code == 200
    assert [r["reasons"][0]["code"] for r in asked.json()["results"]] == ["unknown_employee"] * 2
    assert listed.json()["results"] == []


def test_a_person_cannot_register_webhooks(client, spec_people):
    client.force_login(UserFactory(is_superuser=True))

    response = client.get("/api/v1/webhooks/")

    assert response.status_code == 403
    assert detail_of(response) == "Webhooks are registered by API clients (an API key), not by people."


def test_a_person_with_a_session_reads_policies(client, reference):
    client.force_login(UserFactory())
    assert client.get(reverse("api-policies")).status_code == 200


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            lambda api: api.get("/api/v1/eligibility/E\u2028X/", {"case_type": CASE}),
            "No colleague with employee number “E\\u2028X”.",
        ),
        (
            lambda api: api.get("/api/v1/eligibility/E990001/", {"case_type": "hate\x85crime"}),
            "case_type: unknown case type “hate\\x85crime”; known: hate_crime",
        ),
        (
            lambda api: api.post(
                "/api/v1/eligibility/",
                json.dumps({"case_type": CASE, "employee_numbers": ["E1\r\n"]}),
                content_type="application/json",
            ),
            "employee_numbers[0]: “E1\\r\\n” is not an employee number (1 to 30 characters, "
            "no control characters, no space at either end)",
        ),
    ],
    ids=["404 path", "query parameter", "body item"],
)
def test_an_error_echoing_a_line_break_is_one_line(api, spec_people, call, expected):
    detail = detail_of(call(api))
    assert (detail, len(detail.splitlines())) == (expected, 1)


def test_the_api_error_handler_escapes_what_a_library_message_echoes():
    """DRF's own messages quote input raw (a ChoiceField's `"x" is not a valid choice.`)."""
    from django.conf import settings
    from django.utils.module_loading import import_string
    from rest_framework import exceptions

    handler = import_string(settings.REST_FRAMEWORK["EXCEPTION_HANDLER"])
    raw = exceptions.ValidationError({"case_type": ['"hate\u2028crime" is not a valid choice.']})
    response = handler(raw, {})
    assert (response.status_code, response.data) == (
        400,
        {"detail": 'case_type: "hate\\u2028crime" is not a valid choice.', "parameter": "case_type"},
    )
    response = handler(exceptions.NotFound("No policy called 'a\x85b'\n"), {})
    assert response.data == {"detail": "No policy called 'a\\x85b'\\n"}
