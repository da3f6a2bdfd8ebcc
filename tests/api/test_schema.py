"""The OpenAPI 3 schema and its docs: open to all, local assets, exact (test_schemathesis.py checks it live)."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.contrib.staticfiles import finders

from compliance.models import CaseType

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
    responses = {
        (method, path): sorted(operation["responses"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }
    assert responses == {
        ("get", "/api/v1/eligibility/"): ["200", "400", "401", "403", "404", "429"],
        ("post", "/api/v1/eligibility/"): ["200", "400", "401", "403", "413", "429"],
        ("get", "/api/v1/eligibility/{employee_number}/"): ["200", "400", "401", "403", "404", "429"],
        ("get", "/api/v1/policies/"): ["200", "400", "401", "403", "429"],
        ("get", "/api/v1/webhooks/"): ["200", "401", "403", "429"],
        ("post", "/api/v1/webhooks/"): ["201", "400", "401", "403", "413", "429"],
        ("delete", "/api/v1/webhooks/{id}/"): ["204", "401", "403", "404", "429"],
    }
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


def parameters(operation) -> dict:
    return {p["name"]: p["schema"] for p in operation["parameters"]}


def test_the_schema_gives_the_sets_and_bounds_the_server_keeps(client, spec_people, token):
    CaseType.objects.create(code="antisocial", name="Anti-social behaviour")
    schema = client.get("/api/schema/", {"format": "json"}, HTTP_AUTHORIZATION=f"Token {token}").json()
    components = schema["components"]["schemas"]
    case_type = {"$ref": "#/components/schemas/CaseTypeCode"}

    # Case types and teams are data: the schema lists the ones there are when it is served.
    assert components["CaseTypeCode"]["enum"] == ["antisocial", "hate_crime"]
    assert components["TeamName"]["enum"] == ["Contract Team"]
    listing = parameters(schema["paths"]["/api/v1/eligibility/"]["get"])
    assert listing["case_type"] == case_type
    assert listing["team"] == {"$ref": "#/components/schemas/TeamName"}
    assert listing["on"] == {"type": "string", "format": "date"}
    assert listing["eligible"] == {"type": "boolean"}
    assert listing["page"] == {"type": "integer", "minimum": 1}
    assert listing["page_size"] == {"type": "integer", "minimum": 1, "maximum": 1000}
    bulk = components["BulkEligibilityRequestRequest"]["properties"]
    assert bulk["case_type"]["allOf"] == [case_type]
    assert (bulk["employee_numbers"]["minItems"], bulk["employee_numbers"]["maxItems"]) == (1, 1000)
    assert bulk["on"]["format"] == "date"
    webhook = components["WebhookRequest"]["properties"]
    assert webhook["case_type"]["allOf"] == [case_type]
    assert webhook["url"]["pattern"].startswith("^https?://")


def test_team_names_are_listed_only_to_a_reader_with_credentials(client, spec_people):
    """The schema is open to anyone; the organisation's team names are not."""
    anonymous = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert "enum" not in anonymous["TeamName"]
    assert anonymous["CaseTypeCode"]["enum"] == ["hate_crime"]
    stale = client.get("/api/schema/", {"format": "json"}, HTTP_AUTHORIZATION="Token not-a-key")
    assert stale.status_code == 200
    assert "enum" not in stale.json()["components"]["schemas"]["TeamName"]


def test_a_schema_written_without_a_database_says_so(tmp_path):
    """CI writes the schema with `manage.py spectacular` on an empty database: no set to list, so the form."""
    out = tmp_path / "schema.json"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    command = [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--format"]
    subprocess.run([*command, "openapi-json", "--file", str(out)], env=env, check=True, capture_output=True)

    case_type = json.loads(out.read_text())["components"]["schemas"]["CaseTypeCode"]
    assert "enum" not in case_type
    assert case_type["pattern"] == "^[-a-zA-Z0-9_]+$"
    assert "any unknown one is a 400" in case_type["description"]
