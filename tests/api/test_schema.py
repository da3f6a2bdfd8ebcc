"""The OpenAPI 3 schema and its docs: open to all, local assets, and the API keeps to it (schemathesis)."""

import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from config.wsgi import application

pytestmark = pytest.mark.django_db

# A bad key sent along must not hide the description of the API.
OPEN = [{}, {"HTTP_AUTHORIZATION": "Token not-a-real-token"}]


@pytest.mark.parametrize("extra", OPEN)
def test_schema_is_openapi_3_and_readable_without_credentials(client, extra):
    response = client.get("/api/schema/", {"format": "json"}, **extra)

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == [
        "/api/v1/eligibility/",
        "/api/v1/eligibility/{employee_number}/",
        "/api/v1/policies/",
        "/api/v1/webhooks/",
        "/api/v1/webhooks/{id}/",
    ]
    assert schema["components"]["securitySchemes"]["apiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "`Token <key>`: a key from `manage.py issue_api_token NAME` or the admin.",
    }


def test_every_field_and_error_is_described(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]

    described = [name for name, component in components.items() if "properties" in component]
    assert len(described) >= 10
    for name in described:
        for field, spec in components[name]["properties"].items():
            assert spec.get("description"), f"{name}.{field} has no description"
    single = schema["paths"]["/api/v1/eligibility/{employee_number}/"]["get"]
    assert sorted(single["responses"]) == ["200", "400", "401", "403", "404", "429"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, answer in operation["responses"].items():
                assert answer.get("description"), f"{method} {path} {code} has no description"
    assert sorted(components["ReasonCodeEnum"]["enum"]) == [
        "exempt",
        "in_induction",
        "inactive",
        "overdue",
        "role_not_permitted",
        "unknown_employee",
    ]


@pytest.mark.parametrize("extra", OPEN)
def test_docs_are_served_without_credentials_from_local_assets(client, extra):
    response = client.get("/api/docs/", **extra)

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        # The split view serves its start-up script from the docs page itself (no inline
        # script, for the Content Security Policy); everything else is a local static file.
        if asset.startswith("/api/docs/?script"):
            continue
        assert asset.startswith("/static/"), f"{asset} is not served locally"
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not among the static files"


@pytest.fixture
def wsgi_in_test_transaction():
    """Keep the test's database connection open across WSGI requests, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_api_keeps_to_its_schema(spec_people, token, settings, wsgi_in_test_transaction, mode):
    """No server error, no undocumented status, no answer outside the schema, whatever the input.

    Each operation of /api/schema/ gets hypothesis-generated requests through
    the WSGI app, with a valid key (schemathesis also tries them without it).
    Driven by hand rather than by schemathesis' pytest plugin, which does not
    run on pytest 9 yet.
    """
    settings.API_THROTTLE_RATE = "100000/min"
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    schema.config.generation.update(modes=[schemathesis.GenerationMode(mode)])
    headers = {"Authorization": f"Token {token}"}
    # Case types are data: a well-formed but unknown one is rightly a 400, so a
    # schema-valid request is not always an accepted one.
    positive_data_acceptance = schemathesis.checks.positive_data_acceptance
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
