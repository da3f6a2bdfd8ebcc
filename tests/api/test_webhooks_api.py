"""`/api/v1/webhooks/`: a client registers, lists and removes its webhooks."""

import json

import pytest

from compliance.models import CaseType
from integrations.models import Webhook
from integrations.services import api_client_issue, webhook_register


@pytest.mark.django_db
def test_client_registers_lists_and_removes_a_webhook(api, reference):
    created = api.post(
        "/api/v1/webhooks/",
        data=json.dumps({"url": "https://cases.example.org/hooks/eligibility", "case_type": "hate_crime"}),
        content_type="application/json",
    )

    assert created.status_code == 201
    body = created.json()
    hook = Webhook.objects.get()
    assert body["secret"] == hook.secret
    assert len(hook.secret) == 64
    assert (body["url"], body["case_type"], body["active"]) == (hook.url, "hate_crime", True)
    listed = api.get("/api/v1/webhooks/").json()
    assert listed == [{k: v for k, v in body.items() if k != "secret"}]
    assert api.delete(f"/api/v1/webhooks/{hook.pk}/").status_code == 204
    assert Webhook.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"url": "not a url", "case_type": "hate_crime"}, "url"),
        ({"url": "ftp://x.example.org/", "case_type": "hate_crime"}, "url"),
        ({"url": "https://x.example.org/<script>", "case_type": "hate_crime"}, "url"),
        ({"url": " https://x.example.org/", "case_type": "hate_crime"}, "url"),
        ({"url": "https://x.example.org/" + "a" * 480, "case_type": "hate_crime"}, "url"),
        ({"url": "https://x.example.org/", "case_type": "hate\x00crime"}, "case_type"),
        ({"url": "https://x.example.org/", "case_type": ""}, "case_type"),
        ({"url": "https://x.example.org/", "case_type": "parking"}, "case_type"),
        ({"case_type": "hate_crime"}, "url"),
    ],
)
def test_bad_webhook_is_400_naming_the_field(api, reference, body, parameter):
    response = api.post("/api/v1/webhooks/", data=json.dumps(body), content_type="application/json")
    assert (response.status_code, response.json()["parameter"]) == (400, parameter)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/hook?case=1&x=%20y", "https://localhost", "https://cases.example.org:8443/a/b;c"],
)
def test_any_http_url_the_schema_allows_is_registered(api, reference, url):
    response = api.post(
        "/api/v1/webhooks/",
        data=json.dumps({"url": url, "case_type": "hate_crime"}),
        content_type="application/json",
    )
    assert (response.status_code, response.json()["url"]) == (201, url)


@pytest.mark.django_db
def test_a_client_cannot_remove_another_clients_webhook(api, reference):
    other, _ = api_client_issue(name="other")
    hook = webhook_register(client=other, url="https://x.example.org/", case_type=CaseType.objects.get())

    response = api.delete(f"/api/v1/webhooks/{hook.pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No Webhook matches the given query."}
    assert Webhook.objects.count() == 1


def test_an_id_too_large_for_the_database_is_404_not_a_server_error(api, reference):
    response = api.delete(f"/api/v1/webhooks/{2**63}/")

    assert response.status_code == 404
