"""HR, a manager and a colleague use the workspace in a real browser, at desktop width and at 390 px.

Each flow ends with the refusals a person meets: a renamed executable, an
exemption that ends before it starts, approving one's own request, and the
second of two tabs approving the same request.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from compliance.models import Requirement, Waiver
from core.access import AccessGroup
from programme.models import Booking, Session
from tests.organisation import PASSWORD, TODAY, build_org, user_in
from tests.services import screenshot
from training.models import Course, Evidence, TrainingRecord
from workspace import services
from workspace.enums import RequestStatus
from workspace.models import Request

from .files import EXE, PDF

pytestmark = pytest.mark.browser

# The preview asks the server's engine as the fields change, and a file upload is posted: on a
# shared 2-core machine under load either can take longer than Playwright's default 5 s.
expect.set_options(timeout=20_000)

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(WIDTHS))
def screen(request, chromium, live_server):
    """A browser context at desktop width or a phone's 390 px, with a way to open more tabs."""
    context = chromium.new_context(
        base_url=live_server.url, viewport=WIDTHS[request.param], locale="en-GB", timezone_id="Europe/London"
    )
    context.width = request.param
    yield context
    context.close()


@pytest.fixture
def org(transactional_db, today):
    call_command("loaddata", "reference", verbosity=0)
    return build_org()


def sign_in(context, user, second_factor=False):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if second_factor:
        device = TOTPDevice.objects.get_or_create(user=user, name="phone", defaults={"confirmed": True})[0]
        page.wait_for_url("**/accounts/two-factor/**")
        page.get_by_label("6-digit code from your authenticator app").fill(f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    return page


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def certificate(name, content, mime="application/pdf"):
    return {"name": name, "mimeType": mime, "buffer": content}


def test_hr_records_a_completion_with_its_certificate_and_a_renamed_exe_is_refused(screen, org):
    page = sign_in(screen, org.users["hr"], second_factor=True)
    page.goto("/hr/")
    page.get_by_role("link", name="Record a completion").click()
    page.get_by_label("Employee number").fill("N1")
    page.get_by_label("Course").select_option(label="HC-REFRESHER: Hate crime refresher")
    page.get_by_label("Completed on").fill("2026-05-20")
    preview = page.locator("#preview")
    expect(preview).to_contain_text(
        "Amira Ahmed's Hate crime refresher every two years becomes compliant until 20 May 2028."
    )
    no_sideways_scroll(page)
    screenshot(page, f"workspace-completion-preview-{screen.width}")

    # Refused: an executable renamed .pdf. Nothing is written; the message says why.
    page.locator("input[name=certificate]").set_input_files(certificate("certificate.pdf", EXE))
    page.get_by_role("button", name="Record completion").click()
    expect(page.locator(".errorlist")).to_contain_text("is not a PDF, JPEG or PNG (its content is EXE)")
    assert TrainingRecord.objects.filter(colleague=org.people["N1"]).count() == 2
    screenshot(page, f"workspace-completion-refused-{screen.width}")

    # Accepted: a real PDF, even named .jpg.
    page.locator("input[name=certificate]").set_input_files(certificate("scan.jpg", PDF, "image/jpeg"))
    page.get_by_role("button", name="Record completion").click()
    page.wait_for_url("**/colleagues/N1/")
    expect(page.get_by_role("status")).to_contain_text(
        "Recorded HC-REFRESHER for Amira Ahmed, with the certificate."
    )
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.record.completed_on) == ("scan.pdf", dt.date(2026, 5, 20))


def test_a_manager_asks_for_an_extension_and_hr_approves_it(screen, org):
    manager = sign_in(screen, org.users["north"])
    manager.goto("/requests/")
    manager.get_by_role("link", name="Ask for an exemption").click()
    manager.get_by_label("Employee number").fill("N2")
    manager.get_by_label("Requirement").select_option(
        label="BTEC-L2: " + Requirement.objects.get(code="BTEC-L2").name
    )
    manager.get_by_label("Exempt from").fill("2026-07-01")
    manager.get_by_label("Exempt until").fill("2026-06-01")
    manager.get_by_label("Reason").fill("Maternity leave.")
    manager.get_by_role("button", name="Send request").click()
    expect(manager.locator(".errorlist")).to_contain_text("The exemption cannot end before it starts.")
    assert Request.objects.count() == 0
    screenshot(manager, f"workspace-exemption-refused-{screen.width}")

    manager.goto("/requests/new/extension/")
    manager.get_by_label("Employee number").fill("N1")
    manager.get_by_label("Requirement").select_option(
        label="HATE-REFRESHER: " + Requirement.objects.get(code="HATE-REFRESHER").name
    )
    manager.get_by_label("New due date").fill("2026-09-01")
    manager.get_by_label("Reason").fill("Long-term sickness since February.")
    expect(manager.locator("#preview")).to_contain_text("becomes pending (due 1 Sep 2026)")
    manager.get_by_role("button", name="Send request").click()
    expect(manager.get_by_role("status")).to_contain_text("Request sent")
    no_sideways_scroll(manager)
    request = Request.objects.get()

    hr = sign_in(screen, org.users["hr"], second_factor=True)
    hr.goto("/")
    expect(hr.locator("#pending")).to_contain_text("Extension: HATE-REFRESHER")
    expect(hr.locator("#pending")).to_contain_text("today")
    hr.get_by_role("link", name="Extension: HATE-REFRESHER").click()
    expect(hr.locator("#approval-preview")).to_contain_text("becomes pending (due 1 Sep 2026)")
    hr.get_by_label("Comment").fill("Agreed with occupational health.")
    hr.get_by_role("button", name="Approve").click()
    expect(hr.get_by_role("status")).to_contain_text("Request approved")
    expect(hr.locator("#request-status")).to_have_text("Approved")
    screenshot(hr, f"workspace-approved-{screen.width}")
    waiver = Waiver.objects.get()
    assert (waiver.new_due_date, waiver.recorded_by) == (dt.date(2026, 9, 1), org.users["hr"])
    assert Request.objects.get(pk=request.pk).status == RequestStatus.APPROVED


def test_nobody_approves_their_own_request_nor_twice_from_two_tabs(screen, org):
    hr, other = org.users["hr"], user_in("hr2", AccessGroup.HR)
    own = services.waiver_request_submit(
        colleague=org.people["S2"],
        requirement=Requirement.objects.get(code="BTEC-L2"),
        kind="extension",
        new_due_date=TODAY + dt.timedelta(days=60),
        reason="Course cancelled.",
        by=hr,
    )
    page = sign_in(screen, hr, second_factor=True)
    page.goto(f"/requests/{own.pk}/")
    expect(page.get_by_text("someone else in HR decides it")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)

    theirs = services.training_request_submit(
        colleague=org.people["N1"],
        course=Course.objects.get(code="HC-REFRESHER"),
        completed_on=dt.date(2026, 5, 1),
        uploaded=__import__("tests.workspace.files", fromlist=["pdf"]).pdf(),
        reason="Council course.",
        by=org.users["colleague"],
    )
    first = sign_in(screen, other, second_factor=True)
    first.goto(f"/requests/{theirs.pk}/")
    second = screen.new_page()
    second.goto(f"/requests/{theirs.pk}/")
    expect(second.get_by_role("link", name="certificate.pdf")).to_be_visible()
    first.get_by_role("button", name="Approve").click()
    expect(first.locator("#request-status")).to_have_text("Approved")
    second.get_by_role("button", name="Approve").click()
    expect(second.locator(".errorlist")).to_contain_text("This request was already approved by hr2")
    screenshot(second, f"workspace-double-approval-refused-{screen.width}")
    assert Request.history.filter(id=theirs.pk).count() == 2
    assert TrainingRecord.objects.get(pk=theirs.record_id).verified is True


def test_hr_records_a_sessions_attendees_with_one_certificate(screen, org):
    from django.utils import timezone

    start = timezone.now() - dt.timedelta(hours=3)
    session = Session.objects.create(
        course=Course.objects.get(code="SHUK-HATE"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=10,
        venue="Civic Centre",
        provider="Stop Hate UK",
    )
    for number in ("N1", "N2"):
        Booking.objects.create(session=session, colleague=org.people[number], uid=f"{number}@test")
    page = sign_in(screen, org.users["hr"], second_factor=True)
    page.goto(f"/programme/sessions/{session.pk}/")
    page.get_by_role("link", name="Record completions").click()
    page.get_by_label("Amira Ahmed (N1)").check()
    page.get_by_label("Ben Bennett (N2)").check()
    page.locator("input[name=certificate]").set_input_files(certificate("register.pdf", PDF))
    no_sideways_scroll(page)
    page.get_by_role("button", name="Record completions").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded SHUK-HATE for 2 attendees")
    files = {
        e.record.colleague.employee_number: e.file.name
        for e in Evidence.objects.select_related("record__colleague")
    }
    assert sorted(files) == ["N1", "N2"] and len(set(files.values())) == 1


def test_a_colleague_submits_training_and_an_11_mb_file_is_refused(screen, org):
    page = sign_in(screen, org.users["colleague"])
    page.goto("/requests/")
    page.get_by_role("link", name="Submit training").click()
    expect(page.get_by_label("Employee number")).to_have_value("N1")
    page.get_by_label("Course").select_option(
        label="SHUK-HATE: " + Course.objects.get(code="SHUK-HATE").title
    )
    page.get_by_label("Completed on").fill("2026-05-14")
    page.get_by_label("Provider").fill("Stop Hate UK")
    page.get_by_label("What the training was").fill("Stop Hate UK session at the council offices.")
    expect(page.locator("#preview")).to_contain_text("becomes compliant until 14 May 2028")
    page.locator("input[name=certificate]").set_input_files(
        certificate("big.pdf", PDF + b"%" * (11 * 1024 * 1024))
    )
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".errorlist")).to_contain_text(
        "The certificate is 11.0 MB: files of at most 10 MB are accepted."
    )
    assert (Request.objects.count(), Evidence.objects.count()) == (0, 0)
    screenshot(page, f"workspace-training-too-big-{screen.width}")

    page.locator("input[name=certificate]").set_input_files(certificate("certificate.png", PDF))
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("status")).to_contain_text("Request sent")
    expect(page.locator("#request-status")).to_have_text("Awaiting a decision")
    no_sideways_scroll(page)
    record = TrainingRecord.objects.get(course__code="SHUK-HATE", colleague=org.people["N1"])
    assert (record.verified, record.evidence.get().original_name) == (False, "certificate.pdf")

    page.goto("/colleagues/N1/")
    expect(page.get_by_text("evidence awaiting HR's check: not counted yet")).to_be_visible()


def test_hr_proposes_an_equivalence_for_a_new_course_and_another_approves_it(screen, org):
    proposer = sign_in(screen, org.users["hr"], second_factor=True)
    proposer.goto("/hr/")
    proposer.get_by_role("link", name="Equivalence").click()
    proposer.get_by_label("New course code").fill("CIH-L3")
    proposer.get_by_label("New course title").fill("CIH Level 3 Certificate in Housing")
    proposer.get_by_label("Counts as").select_option(label="BTEC2-CSC: Community Safety Casework")
    proposer.get_by_label("Reason").fill("Level 3, covers anti-social behaviour and hate crime casework.")
    expect(proposer.locator("#preview")).to_contain_text("Nobody holds a new course yet")
    proposer.get_by_role("button", name="Send request").click()
    expect(proposer.get_by_role("status")).to_contain_text("Request sent")

    approver = sign_in(screen, user_in("hr2", AccessGroup.HR), second_factor=True)
    approver.goto("/hr/")
    approver.get_by_role("link", name="Equivalence: CIH-L3 as BTEC2-CSC").click()
    approver.get_by_role("button", name="Approve").click()
    expect(approver.locator("#request-status")).to_have_text("Approved")
    no_sideways_scroll(approver)
    screenshot(approver, f"workspace-equivalence-approved-{screen.width}")
    assert Course.objects.get(code="CIH-L3").equivalent_to.get().satisfies.code == "BTEC2-CSC"
