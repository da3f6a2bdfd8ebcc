"""The workspace's pages: each bad input refused with a message and nothing written; downloads scoped and logged."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.models import Requirement, Waiver
from core.models import StoredFile
from privacy.models import DataExport
from tests.organisation import TODAY, client_for
from training.models import Course, Evidence, TrainingRecord
from workspace import services
from workspace.enums import RequestStatus
from workspace.models import Request

from .files import EXE, PDF, pdf, upload

pytestmark = pytest.mark.django_db


def counts():
    return (
        TrainingRecord.objects.count(),
        Evidence.objects.count(),
        StoredFile.objects.count(),
        Request.objects.count(),
        Waiver.objects.count(),
    )


def errors_of(response) -> list[str]:
    import re

    return re.findall(r'<ul class="errorlist[^"]*"[^>]*><li>(.*?)</li>', response.content.decode())


def completion(org, file, number="N2"):
    return {
        "colleague": number,
        "course": Course.objects.get(code="BTEC2-CSC").pk,
        "completed_on": "2026-05-20",
        "provider": "Pearson",
        "certificate": file,
        "notes": "",
    }


def test_hr_records_a_completion_with_its_certificate(org, client):
    client_for(client, org.users["hr"])
    response = client.post("/hr/completion/", completion(org, pdf("Ben BTEC.pdf")))
    assert response.status_code == 302
    assert response["Location"] == "/colleagues/N2/"
    record = TrainingRecord.objects.get(colleague=org.people["N2"], course__code="BTEC2-CSC")
    evidence = record.evidence.get()
    assert (record.verified, record.recorded_by, record.certificate) == (
        True,
        org.users["hr"],
        "Ben_BTEC.pdf",
    )
    with evidence.file.open("rb") as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            upload("certificate.pdf", EXE),
            "“certificate.pdf” is not a PDF, JPEG or PNG (its content is EXE): a certificate must be one of"
            " those, and a renamed file is refused.",
        ),
        (pdf(padding=11 * 1024 * 1024), "The certificate is 11.0 MB: files of at most 10 MB are accepted."),
    ],
    ids=["renamed exe", "11 MB"],
)
def test_a_bad_certificate_is_refused_with_a_message_and_nothing_written(org, client, file, message):
    client_for(client, org.users["hr"])
    before = counts()
    response = client.post("/hr/completion/", completion(org, file))
    assert (response.status_code, errors_of(response)) == (400, [message])
    assert counts() == before


def test_a_pdf_with_the_wrong_extension_is_accepted_as_a_pdf(org, client):
    client_for(client, org.users["hr"])
    response = client.post("/hr/completion/", completion(org, upload("scan.jpg", PDF, "image/jpeg")))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type) == ("scan.pdf", "application/pdf")


def test_a_future_completion_is_refused(org, client):
    client_for(client, org.users["hr"])
    before = counts()
    data = {**completion(org, pdf()), "completed_on": "2026-06-02"}
    response = client.post("/hr/completion/", data)
    assert (response.status_code, errors_of(response)) == (
        400,
        ["A completion date cannot be in the future."],
    )
    assert counts() == before


def test_another_teams_colleague_cannot_be_named(org, client):
    client_for(client, org.users["north"])
    before = counts()
    response = client.post(
        "/requests/new/extension/",
        {
            "colleague": "S2",
            "requirement": Requirement.objects.get(code="BTEC-L2").pk,
            "new_due_date": "2026-12-01",
            "reason": "x",
        },
    )
    assert (response.status_code, errors_of(response)) == (400, ["No colleague S2 that you can act for."])
    assert counts() == before


def test_an_exemption_ending_before_it_starts_is_refused_on_the_page(org, client):
    client_for(client, org.users["north"])
    before = counts()
    response = client.post(
        "/requests/new/exemption/",
        {
            "colleague": "N2",
            "requirement": Requirement.objects.get(code="BTEC-L2").pk,
            "starts_on": "2026-07-01",
            "ends_on": "2026-06-01",
            "reason": "Maternity leave.",
        },
    )
    assert (response.status_code, errors_of(response)) == (
        400,
        ["The exemption cannot end before it starts."],
    )
    assert counts() == before


def extension(org, by):
    return services.waiver_request_submit(
        colleague=org.people["N1"],
        requirement=Requirement.objects.get(code="HATE-REFRESHER"),
        kind="extension",
        new_due_date=dt.date(2026, 9, 1),
        reason="Long-term sickness.",
        by=by,
    )


def test_approving_ones_own_request_is_refused_on_the_page(org, client):
    request = extension(org, org.users["hr"])
    client_for(client, org.users["hr"])
    page = client.get(f"/requests/{request.pk}/")
    assert b"someone else in HR decides it" in page.content and b">Approve<" not in page.content
    before = counts()
    response = client.post(f"/requests/{request.pk}/decide/", {"decision": "approve", "comment": ""})
    assert (response.status_code, errors_of(response)) == (
        400,
        ["You made this request: someone else in HR must decide it (four eyes)."],
    )
    assert counts() == before


def test_approving_twice_from_two_tabs_is_refused_on_the_page(org, client):
    request = extension(org, org.users["north"])
    client_for(client, org.users["hr"])
    first = client.post(f"/requests/{request.pk}/decide/", {"decision": "approve", "comment": "Agreed."})
    before = counts()
    second = client.post(f"/requests/{request.pk}/decide/", {"decision": "approve", "comment": "Agreed."})
    assert first.status_code == 302
    assert second.status_code == 400
    assert errors_of(second)[0].startswith("This request was already approved by hr at ")
    assert counts() == before
    assert Request.objects.get().status == RequestStatus.APPROVED


def test_the_approver_sees_what_approving_changes(org, client):
    request = extension(org, org.users["north"])
    client_for(client, org.users["hr"])
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "Amira Ahmed&#x27;s Hate crime refresher every two years becomes pending (due 1 Sep 2026)." in page


def test_the_preview_speaks_the_engines_answer(org, client):
    client_for(client, org.users["hr"])
    course = Course.objects.get(code="HC-REFRESHER").pk
    answer = client.get(
        "/hr/preview/",
        {"kind": "completion", "colleague": "N1", "course": course, "completed_on": "2026-05-20"},
    )
    assert answer.json() == {
        "lines": [
            "Amira Ahmed's BTEC level 2 in Community Safety Casework (or equivalent) stays compliant: no change.",
            "Amira Ahmed's Hate crime refresher every two years becomes compliant until 20 May 2028.",
        ]
    }


def test_a_certificate_download_is_scoped_and_logged(org, client):
    client_for(client, org.users["hr"])
    client.post("/hr/completion/", completion(org, pdf("cert.pdf"), number="N2"))
    evidence = Evidence.objects.get()
    url = f"/evidence/{evidence.pk}/"
    client_for(client, org.users["north"])
    response = client.get(url)
    body = b"".join(response.streaming_content)
    assert (response.status_code, body, response["Content-Type"]) == (200, PDF, "application/pdf")
    assert response["Content-Disposition"] == 'attachment; filename="cert.pdf"'
    log = DataExport.objects.get()
    assert (log.user, log.kind, log.subject) == (org.users["north"], "certificate", org.people["N2"])
    client_for(client, org.users["south"])
    assert client.get(url).status_code == 404
    assert DataExport.objects.count() == 1


def pending_requests(org, count):
    for i in range(count):
        services.waiver_request_submit(
            colleague=org.people["N2"],
            requirement=Requirement.objects.get(code="BTEC-L2"),
            kind="exemption",
            starts_on=TODAY + dt.timedelta(days=i),
            reason="x",
            by=org.users["north"],
        )


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("count", [1, 50])
def test_the_request_lists_cost_a_fixed_number_of_queries(org, client, count):
    pending_requests(org, count)
    client_for(client, org.users["hr"])
    # Signed in (7, with the second-factor device); the pending requests with what they show (1).
    assert queries(client, "/hr/") == 8
    # Signed in (7); the requests with their people and requirement (1).
    assert queries(client, "/requests/") == 8
    client_for(client, org.users["north"])
    # Signed in as a manager, with their scope (9, as on the dashboard); the requests (1).
    assert queries(client, "/requests/") == 10


def test_the_colleague_page_links_the_certificate_and_says_it_awaits_a_check(org, client):
    request = services.training_request_submit(
        colleague=org.people["N1"],
        course=Course.objects.get(code="HC-REFRESHER"),
        completed_on=dt.date(2026, 5, 20),
        uploaded=pdf("council.pdf"),
        reason="Council course.",
        by=org.users["colleague"],
    )
    evidence = Evidence.objects.get(record=request.record)
    client_for(client, org.users["colleague"])
    page = client.get("/colleagues/N1/").content.decode()
    assert f'<a href="/evidence/{evidence.pk}/">council.pdf</a>' in page
    assert "(evidence awaiting HR's check: not counted yet)" in page
    assert "(HATE-REFRESHER): overdue" in page


def test_a_manager_asks_from_the_colleague_page_with_the_colleague_filled_in(org, client):
    client_for(client, org.users["north"])
    page = client.get("/colleagues/N2/").content.decode()
    assert '<a href="/requests/new/extension/?colleague=N2">Ask for an extension</a>' in page
    form = client.get("/requests/new/extension/?colleague=N2").content.decode()
    assert 'name="colleague" value="N2"' in form


def test_an_empty_form_says_what_is_missing(org, client):
    client_for(client, org.users["hr"])
    response = client.post("/hr/completion/", {})
    assert response.status_code == 400
    assert errors_of(response) == ["This field is required."] * 4  # colleague, course, date, certificate


def test_the_request_keeps_its_history(org, client):
    request = extension(org, org.users["north"])
    services.request_approve(request=request, by=org.users["hr"], comment="Agreed.")
    client_for(client, org.users["auditor"])
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "<li>1 Jun 2026 12:00: asked by north</li><li>1 Jun 2026 12:00: approved by hr</li>" in page


def test_an_approval_shows_at_once_on_the_overdue_list(org, client):
    from dashboard.services import summary_rebuild

    summary_rebuild(day=TODAY)
    request = services.training_request_submit(
        colleague=org.people["N1"],
        course=Course.objects.get(code="HC-REFRESHER"),
        completed_on=dt.date(2026, 5, 20),
        uploaded=pdf(),
        reason="Council course.",
        by=org.users["colleague"],
    )
    client_for(client, org.users["hr"])
    before = client.get("/overdue/?status=overdue").content.decode()
    client.post(f"/requests/{request.pk}/decide/", {"decision": "approve", "comment": "Checked."})
    after = client.get("/overdue/?status=overdue").content.decode()
    assert ("Amira Ahmed" in before, "Amira Ahmed" in after) == (True, False)
