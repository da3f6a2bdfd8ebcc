"""Every `api.*` expectation of ../shared/contract_check.py, over real HTTP, on colleagues A, B and C.

The contract check loads A, B and C with the import commands; this test makes
them with factories, so the API's side of the contract is checked on its own.
"""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core.management import call_command

from tests.integrations.conftest import CASE

pytestmark = pytest.mark.django_db(transaction=True)


class Api:
    def __init__(self, base, token=None):
        self.base, self.token = base, token

    def __call__(self, method, path, params=None, body=None, token=None, accept="application/json"):
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        headers = {"Accept": accept}
        token = token if token is not None else self.token
        if token:
            headers["Authorization"] = f"Token {token}"
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 - the live server
        try:
            with urllib.request.urlopen(request, timeout=60) as r:  # noqa: S310
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text


@pytest.fixture
def http(live_server, spec_people):
    token = call_command_token("contract-check")
    return Api(live_server.url, token)


def call_command_token(name, *extra):
    from io import StringIO

    out = StringIO()
    call_command("issue_api_token", name, *extra, stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()[-1]


def test_contract_api_group(http):
    single = "/api/v1/eligibility/E990001/"
    for method, path, params, body in [
        ("GET", single, {"case_type": CASE}, None),
        ("GET", "/api/v1/eligibility/", {"case_type": CASE}, None),
        ("POST", "/api/v1/eligibility/", None, {"case_type": CASE, "employee_numbers": ["E990001"]}),
        ("GET", "/api/v1/policies/", None, None),
    ]:
        status, body = http(method, path, params, body, token="")
        assert status == 401 and body["detail"], f"api.no-token {method} {path}"
    status, body = http("GET", single, {"case_type": CASE}, token="not-a-real-token")
    assert status == 401 and body["detail"], "api.bad-token"

    status, a = http("GET", single, {"case_type": CASE, "on": "2026-06-01"})
    assert status == 200
    assert (a["eligible"], a["supervision_required"], a["eligible_until"]) == (True, True, "2027-01-10")
    assert {"code": "in_induction", "requirement": "BTEC-L2", "due_date": "2027-01-10"} in a["reasons"]
    assert {"code": "BTEC-L2", "status": "pending", "due_date": "2027-01-10", "valid_until": None} in a[
        "requirements"
    ]

    status, a = http("GET", single, {"case_type": CASE, "on": "2027-01-11"})
    assert (a["eligible"], a["eligible_until"]) == (False, None)
    assert {"code": "overdue", "requirement": "BTEC-L2", "due_date": "2027-01-10"} in a["reasons"]

    status, b = http("GET", "/api/v1/eligibility/E990002/", {"case_type": CASE, "on": "2026-01-15"})
    assert (b["eligible"], b["supervision_required"], b["eligible_until"], b["reasons"]) == (
        True,
        False,
        "2026-04-30",
        [],
    )
    assert {
        "code": "HATE-REFRESHER",
        "status": "compliant",
        "due_date": "2026-04-30",
        "valid_until": "2026-04-30",
    } in b["requirements"]

    status, body = http("GET", "/api/v1/eligibility/ZZ404404/", {"case_type": CASE})
    assert status == 404 and body["detail"], "api.unknown-404"
    status, body = http("GET", single, {"case_type": "parking_fines"})
    assert status == 400 and "case_type" in body["detail"], "api.bad-case_type-400"
    for value in ("2026-02-30", "tomorrow"):
        status, body = http("GET", single, {"case_type": CASE, "on": value})
        assert status == 400 and "on" in body["detail"].split(":")[0], "api.bad-on-400"

    asked = ["E990003", "ZZ404404", "E990001", "E990002"]
    status, body = http(
        "POST",
        "/api/v1/eligibility/",
        body={"case_type": CASE, "employee_numbers": asked, "on": "2026-03-02"},
    )
    results = {r["employee_number"]: r for r in body["results"]}
    assert [r["employee_number"] for r in body["results"]] == asked, "api.bulk order"
    assert results["ZZ404404"]["eligible"] is False
    assert results["ZZ404404"]["reasons"] == [
        {"code": "unknown_employee", "requirement": None, "due_date": None}
    ]
    c = results["E990003"]
    assert (c["eligible"], c["supervision_required"], c["eligible_until"]) == (True, True, "2027-03-01")
    assert c["reasons"] == [
        {"code": "in_induction", "requirement": "HATE-REFRESHER", "due_date": "2027-03-01"}
    ]
    assert c["requirements"] == [
        {"code": "BTEC-L2", "status": "compliant", "due_date": None, "valid_until": None},
        {"code": "HATE-REFRESHER", "status": "pending", "due_date": "2027-03-01", "valid_until": None},
    ]

    big = ["E990001", "E990002", "E990003"] + [f"ZZ{i:06d}" for i in range(997)]
    status, body = http(
        "POST", "/api/v1/eligibility/", body={"case_type": CASE, "employee_numbers": big, "on": "2026-03-02"}
    )
    assert status == 200 and [r["employee_number"] for r in body["results"]] == big, "api.bulk-1000"

    status, listed = http("GET", "/api/v1/eligibility/", {"case_type": CASE, "on": "2026-05-01"})
    numbers = [i["employee_number"] for i in listed["results"]]
    assert numbers == ["E990001", "E990002", "E990003"] and listed["next"] is None, "api.list"
    assert listed["results"][1]["reasons"] == [
        {"code": "overdue", "requirement": "HATE-REFRESHER", "due_date": "2026-04-30"}
    ]
    status, listed = http(
        "GET", "/api/v1/eligibility/", {"case_type": CASE, "on": "2026-05-01", "eligible": "true"}
    )
    assert [i["employee_number"] for i in listed["results"]] == ["E990001", "E990003"], "api.list-eligible"

    status, body = http("GET", "/api/v1/policies/")
    assert status == 403 and body["detail"], "api.policies-default-token"
    scoped = call_command_token("contract-check-policies", "--scopes", "eligibility,policies")
    status, policies = http("GET", "/api/v1/policies/", token=scoped)
    hate = [p for p in policies if "hate" in p["title"].lower()]
    assert (hate[0]["next_review_date"], hate[0]["review_frequency_months"]) == ("2029-02-06", 36), (
        "api.policies"
    )
    assert len({p["slug"] for p in policies}) == len(policies)

    for token in ("", http.token):
        status, schema = http("GET", "/api/schema/", token=token, accept="*/*")
        assert status == 200 and "openapi: 3." in schema, "api.schema"
        status, _ = http("GET", "/api/docs/", token=token, accept="text/html,*/*")
        assert status == 200, "api.docs"
