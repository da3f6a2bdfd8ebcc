"""Issue 7, point 7: bad input everywhere. One catalogue: each hostile or malformed input, where it goes,
and the clear rejection or safe handling expected; every rejected case also writes nothing.

`CASES` is the list the closing note cites. Each case sends one thing to one
form, page, export or endpoint through the real views (Django's test client)
and checks the answer: a status with a readable message, a form error, text
shown escaped, or a spreadsheet cell made inert.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from compliance import selectors
from compliance.models import Waiver
from core.access import AccessGroup
from imports.models import ImportBatch
from imports.resources import ColleagueResource
from integrations import services as api_services
from integrations.services import api_client_issue
from people.models import Colleague, RoleAssignment, Team
from reviews.models import ColleagueReview
from tests.factories import TeamFactory, UserFactory
from tests.reminders.helpers import manager_of, officer_due_on
from training.models import TrainingRecord

SCRIPT = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"
# OWASP's CSV injection starts: = + - @, tab and carriage return.
FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+SUM(1,1)", "-2+3", "@SUM(1)", "\tTab", "\rCR"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TRAINING_HEADER = "employee_number,course,completed_on,provider\n"
COLLEAGUE_HEADER = "employee_number,first_name,last_name,role,team,start_date\n"


@dataclass
class Ctx:
    hr: Client
    manager: Client
    api: Client
    anonymous: Client
    settings: object
    hostile: Colleague
    today: dt.date


@dataclass(frozen=True)
class Case:
    id: str
    where: str
    sent: str
    expected: str
    send: Callable[[Ctx], object]
    check: Callable[[Ctx, object], None]
    writes: bool = False  # True: accepted by design (and shown safely); False: nothing may be written


# ------------------------------------------------------------------ helpers


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def upload(client, content: bytes, name: str = "training.csv", kind: str = "training", **extra):
    return client.post(
        reverse(f"imports:upload-{kind}"),
        {"file": SimpleUploadedFile(name, content), "encoding": "auto", **extra},
    )


def last_batch() -> ImportBatch:
    return ImportBatch.objects.order_by("-pk").first()


def rejected_upload(*message_parts: str):
    """The upload is taken, checked and rejected: the batch page lists the problem; nothing written."""

    def check(ctx, response):
        assert response.status_code == 302
        batch = last_batch()
        assert batch.status == "rejected"
        lines = " ".join(batch.problem_lines)
        for part in message_parts:
            assert part in lines, lines
        page = ctx.hr.get(response["Location"])
        assert "The file was rejected: nothing was written" in text(page)

    return check


def form_error(*message_parts: str, status: int = 200):
    def check(ctx, response):
        assert response.status_code == status
        body = text(response)
        for part in message_parts:
            assert part in body, body[:3000]

    return check


def api_error(status: int, *message_parts: str, parameter: str | None = None):
    def check(ctx, response):
        assert response.status_code == status, response.content[:500]
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        for part in message_parts:
            assert part in body["detail"], body
        if parameter is not None:
            assert body.get("parameter") == parameter, body

    return check


def escaped(ctx, response):
    """The hostile name appears on the page as text, never as markup."""
    assert response.status_code == 200
    body = response.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert SCRIPT not in body and IMG not in body


def inert_cells(cells: list[str]):
    """No text cell starts a formula; the hostile ones reached the file with a leading apostrophe."""
    offenders = [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert offenders == [], f"these would run as formulas: {offenders}"
    inert = [c for c in cells if c.startswith("'") and c[1:].startswith(FORMULA_STARTS)]
    assert len(inert) >= 3, cells


def csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def xlsx_cells(content: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", f"{cell.value!r} stored as {cell.data_type}"
                    cells.append(cell.value)
    return cells


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def exported_csv(ctx, response):
    assert response.status_code == 200
    inert_cells(csv_cells(streamed(response)))


def exported_xlsx(ctx, response):
    assert response.status_code == 200
    inert_cells(xlsx_cells(streamed(response)))


def command_output(*args: str) -> bytes:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().encode()


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06" + bytes(200)


def stored_file_name(check_name: Callable[[str], None]):
    def check(ctx, response):
        assert response.status_code == 302
        name = last_batch().file_name
        check_name(name)
        page = ctx.hr.get(response["Location"])
        assert page.status_code == 200

    return check


def no_path(name: str) -> None:
    assert "/" not in name and "\\" not in name and ".." not in name and "\x00" not in name, name


def base_name_only(name: str) -> None:
    assert name == "passwd.csv"


def cut_to_255(name: str) -> None:
    assert len(name) <= 255 and name.endswith(".csv"), name


def admin_import_base_name(ctx, response):
    assert response.status_code == 200
    name = last_batch().file_name
    no_path(name)
    assert name == "x.csv"


def kpi_inert(ctx, response):
    assert response.status_code == 200
    cells = xlsx_cells(streamed(response))
    assert "'@Team SUM(1)" in cells
    for cell in cells:
        assert not cell.startswith(FORMULA_STARTS), f"{cell!r} would run as a formula"


def subject_access_as_held(ctx, response):
    assert response.status_code == 200
    assert json.dumps(FORMULAS[0]) in streamed(response).decode()


def colleagues_csv(*rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLLEAGUE_HEADER.strip().split(","))
    writer.writerows(rows)
    return out.getvalue().encode()


def admin_import(ctx, content: bytes, name: str = "training.csv"):
    return ctx.hr.post(
        reverse("admin:training_trainingrecord_import"),
        {"import_file": SimpleUploadedFile(name, content), "format": "0", "encoding": "auto"},
    )


def api_get(path: str, **params):
    return lambda ctx: ctx.api.get(path, params)


def api_post(body, content_type="application/json"):
    return lambda ctx: ctx.api.post(reverse("api-eligibility"), body, content_type=content_type)


def review_post(**fields):
    def send(ctx):
        data = {
            "reviewed_on": ctx.today.isoformat(),
            "training_discussed": "Booked on the refresher.",
            "next_review_on": (ctx.today + dt.timedelta(days=365)).isoformat(),
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        }
        return ctx.manager.post(reverse("reviews:review_create", args=[ctx.hostile.pk]), data | fields)

    return send


# ------------------------------------------------------------------ the catalogue

CASES = [
    # --- HTML and script in names: stored as given, shown as text everywhere.
    Case(
        "names-html-overdue-page",
        "overdue list (manager)",
        f"a colleague named {SCRIPT} {IMG}",
        "shown escaped",
        lambda ctx: ctx.manager.get(reverse("dashboard:overdue")),
        escaped,
        writes=True,
    ),
    Case(
        "names-html-colleague-page",
        "colleague page",
        f"a colleague named {SCRIPT} {IMG}",
        "shown escaped",
        lambda ctx: ctx.manager.get(reverse("dashboard:colleague", args=[ctx.hostile.employee_number])),
        escaped,
        writes=True,
    ),
    Case(
        "names-html-matrix",
        "training matrix",
        f"a colleague named {SCRIPT} {IMG}",
        "shown escaped",
        lambda ctx: ctx.manager.get(reverse("dashboard:matrix")),
        escaped,
        writes=True,
    ),
    Case(
        "names-html-admin-list",
        "admin: colleagues",
        f"a colleague named {SCRIPT} {IMG}",
        "shown escaped",
        lambda ctx: ctx.hr.get(reverse("admin:people_colleague_changelist")),
        escaped,
        writes=True,
    ),
    Case(
        "names-html-subject-access",
        "subject access page (HTML)",
        f"a colleague named {SCRIPT} {IMG}",
        "shown escaped",
        lambda ctx: ctx.hr.get(reverse("privacy:subject_access", args=[ctx.hostile.employee_number])),
        escaped,
        writes=True,
    ),
    Case(
        "names-html-import-preview",
        "HR upload: colleagues (preview)",
        f"a CSV with first_name {SCRIPT}",
        "previewed escaped; nothing written until confirmed",
        lambda ctx: upload(
            ctx.hr,
            colleagues_csv(["N1", SCRIPT, IMG, "NHO", "North", "2020-01-06"]),
            kind="colleagues",
        ),
        lambda ctx, r: escaped(ctx, ctx.hr.get(r["Location"])),
    ),
    # --- Formula injection: every CSV/XLSX the app writes makes such cells inert.
    Case(
        "formula-overdue-csv",
        "overdue list export (.csv)",
        "names and team starting = + - @ tab CR",
        "each such cell starts with '",
        lambda ctx: ctx.hr.get(reverse("dashboard:overdue_csv")),
        exported_csv,
    ),
    Case(
        "formula-overdue-xlsx",
        "overdue list export (.xlsx)",
        "names and team starting = + - @ tab CR",
        "each such cell is text starting with '",
        lambda ctx: ctx.hr.get(reverse("dashboard:overdue_xlsx")),
        exported_xlsx,
    ),
    Case(
        "formula-kpi-xlsx",
        "KPI report export (.xlsx)",
        "team names starting = + - @ tab CR",
        "each such cell is text starting with '",
        lambda ctx: ctx.hr.get(reverse("dashboard:kpi_export")),
        kpi_inert,
    ),
    Case(
        "formula-admin-export",
        "admin export of colleagues (django-import-export)",
        "names starting = + - @ tab CR",
        "each such cell starts with '",
        lambda ctx: ColleagueResource().export().export("csv").encode(),
        lambda ctx, content: inert_cells(csv_cells(content)),
    ),
    Case(
        "formula-compliance-report",
        "compliance_report --format csv",
        "names and team starting = + - @ tab CR",
        "each such cell starts with '",
        lambda ctx: command_output("compliance_report"),
        lambda ctx, content: inert_cells(csv_cells(content)),
    ),
    Case(
        "formula-subject-access-json",
        "subject access export (.json)",
        "a name starting =",
        "kept exactly (JSON is data, not a spreadsheet: the subject gets what is held)",
        lambda ctx: ctx.hr.get(reverse("privacy:subject_access_json", args=["FX1"])),
        subject_access_as_held,
    ),
    Case(
        "formula-import-cell",
        "HR upload: training records",
        "a provider cell =cmd|' /C calc'!A0",
        "rejected: is a spreadsheet formula",
        lambda ctx: upload(
            ctx.hr, (TRAINING_HEADER + "H1,HC-REFRESHER,2024-01-10,=cmd|' /C calc'!A0\n").encode()
        ),
        rejected_upload("row 2: provider:", "is a spreadsheet formula"),
    ),
    # --- Path tricks in uploaded file names: only the base name is kept, as text.
    Case(
        "path-dotdot-upload",
        "HR upload",
        "file name ../../etc/passwd.csv",
        "kept as passwd.csv; nothing stored on disk",
        lambda ctx: upload(
            ctx.hr, TRAINING_HEADER.encode() + b"H1,HC-REFRESHER,2024-01-10,Acme\n", "../../etc/passwd.csv"
        ),
        stored_file_name(base_name_only),
    ),
    Case(
        "path-nul-upload",
        "HR upload",
        "file name with a NUL byte (evil\\x00.csv)",
        "NUL removed",
        lambda ctx: upload(
            ctx.hr, TRAINING_HEADER.encode() + b"H1,HC-REFRESHER,2024-01-10,Acme\n", "evil\x00.csv"
        ),
        stored_file_name(no_path),
    ),
    Case(
        "path-long-upload",
        "HR upload",
        "a 1,000-character file name",
        "cut to 255 characters, keeping .csv",
        lambda ctx: upload(
            ctx.hr, TRAINING_HEADER.encode() + b"H1,HC-REFRESHER,2024-01-10,Acme\n", "a" * 1000 + ".csv"
        ),
        stored_file_name(cut_to_255),
    ),
    Case(
        "path-dotdot-admin-import",
        "admin import of training records",
        "file name ../../../tmp/x.csv",
        "kept as x.csv",
        lambda ctx: admin_import(ctx, TRAINING_HEADER.encode(), "../../../tmp/x.csv"),
        admin_import_base_name,
    ),
    Case(
        "size-admin-import",
        "admin import of training records",
        "a file over IMPORT_MAX_BYTES (set to 2,000 bytes here)",
        "form error: one import takes at most ... split it",
        lambda ctx: admin_import(ctx, (TRAINING_HEADER + "H1,HC-REFRESHER,2024-01-10,Acme\n" * 100).encode()),
        form_error("one import takes at most", "split it into smaller files"),
    ),
    Case(
        "type-exe-admin-import",
        "admin import of training records",
        "a Windows .exe renamed training.csv",
        "the import's error: not readable as text; nothing written",
        lambda ctx: admin_import(ctx, exe_bytes()),
        form_error("not readable as UTF-8 or Windows-1252 text"),
    ),
    # --- Wrong content types.
    Case(
        "type-exe-as-csv",
        "HR upload",
        "a Windows .exe renamed training.csv",
        "rejected: not readable as text; save it as CSV UTF-8 or .xlsx",
        lambda ctx: upload(ctx.hr, exe_bytes()),
        rejected_upload("row 1: file: not readable as UTF-8 or Windows-1252 text"),
    ),
    Case(
        "type-png-as-csv",
        "HR upload",
        "a PNG renamed training.csv",
        "rejected: not a CSV file or an .xlsx workbook",
        lambda ctx: upload(ctx.hr, png_bytes()),
        rejected_upload("not a CSV file or an .xlsx workbook"),
    ),
    Case(
        "type-fake-xlsx",
        "HR upload",
        "a zip that is not a workbook, named training.xlsx",
        "rejected with a readable message",
        lambda ctx: upload(ctx.hr, b"PK\x03\x04" + bytes(300), "training.xlsx"),
        rejected_upload("row 1: file:"),
    ),
    Case(
        "type-json-to-form",
        "HR upload",
        "a JSON body instead of the form",
        "the form again with 'This field is required'",
        lambda ctx: ctx.hr.post(
            reverse("imports:upload-training"), json.dumps({"file": "x"}), content_type="application/json"
        ),
        form_error("This field is required"),
    ),
    Case(
        "type-form-to-api",
        "eligibility API (POST)",
        "form data instead of JSON",
        "400 naming the body: send JSON with Content-Type: application/json",
        api_post("case_type=hate_crime&employee_numbers=H1", "application/x-www-form-urlencoded"),
        api_error(400, "send JSON with Content-Type: application/json", parameter="body"),
    ),
    Case(
        "type-xml-to-api",
        "eligibility API (POST)",
        "an XML body",
        "400 naming the body: send JSON with Content-Type: application/json",
        api_post("<x/>", "application/xml"),
        api_error(400, "send JSON with Content-Type: application/json", parameter="body"),
    ),
    Case(
        "type-broken-json-to-api",
        "eligibility API (POST)",
        "JSON cut short",
        "400 naming the body: not valid JSON",
        api_post('{"case_type": "hate_crime", "employee_numbers": ['),
        api_error(400, "not valid JSON", parameter="body"),
    ),
    # --- Oversized.
    Case(
        "size-upload-over-import-limit",
        "HR upload",
        "a file over IMPORT_MAX_BYTES (set to 2,000 bytes here)",
        "form error: one import takes at most ... split it",
        lambda ctx: upload(ctx.hr, (TRAINING_HEADER + "H1,HC-REFRESHER,2024-01-10,Acme\n" * 100).encode()),
        form_error("one import takes at most", "split it into smaller files"),
    ),
    Case(
        "size-json-body",
        "eligibility API (POST)",
        "a JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE (set to 20,000 bytes here)",
        "413 with a readable detail",
        api_post(json.dumps({"case_type": "hate_crime", "employee_numbers": ["H1"] * 5000})),
        api_error(413, "The request body is too large: at most 20,000 bytes"),
    ),
    Case(
        "size-form-body",
        "colleague review form",
        "a form body over DATA_UPLOAD_MAX_MEMORY_SIZE (set to 20,000 bytes here)",
        "400 page: the request could not be read ... too large",
        review_post(training_discussed="x" * 30_000),
        form_error("The request could not be read", "too large", status=400),
    ),
    Case(
        "size-bulk-list",
        "eligibility API (POST)",
        "more employee numbers than API_ELIGIBILITY_BULK_MAX",
        "400 naming employee_numbers",
        api_post({"case_type": "hate_crime", "employee_numbers": [f"E{i}" for i in range(1001)]}),
        api_error(400, "employee_numbers", parameter="employee_numbers"),
    ),
    Case(
        "size-form-field",
        "colleague review form",
        "a 12,000-character 'training discussed'",
        "form error: at most 10,000 characters",
        review_post(training_discussed="x" * 12_000),
        form_error("Ensure this value has at most 10000 characters"),
    ),
    Case(
        "size-import-cell",
        "HR upload: colleagues",
        "a 101-character first name",
        "rejected: at most 100 fit",
        lambda ctx: upload(
            ctx.hr, colleagues_csv(["N2", "A" * 101, "Long", "NHO", "North", "2020-01-06"]), kind="colleagues"
        ),
        rejected_upload("row 2: first_name:", "at most 100 fit"),
    ),
    # --- Malformed dates and over-long parameters.
    Case(
        "date-api-impossible",
        "eligibility API (GET)",
        "on=2026-02-30",
        "400 naming on",
        api_get("/api/v1/eligibility/H1/", case_type="hate_crime", on="2026-02-30"),
        api_error(400, "is not a date in the form YYYY-MM-DD", parameter="on"),
    ),
    Case(
        "date-api-long",
        "eligibility API (GET)",
        "on= 10,000 characters",
        "400 naming on",
        api_get("/api/v1/eligibility/H1/", case_type="hate_crime", on="9" * 10_000),
        api_error(400, "is not a date", parameter="on"),
    ),
    Case(
        "date-api-bulk",
        "eligibility API (POST)",
        'on: "31/02/2026" in the body',
        "400 naming on",
        api_post({"case_type": "hate_crime", "employee_numbers": ["H1"], "on": "31/02/2026"}),
        api_error(400, "on", parameter="on"),
    ),
    Case(
        "param-api-long-employee",
        "eligibility API (GET)",
        "a 5,000-character employee number",
        "404 JSON",
        api_get("/api/v1/eligibility/" + "9" * 5000 + "/", case_type="hate_crime"),
        api_error(404, ""),
    ),
    Case(
        "param-api-script-case-type",
        "eligibility API (GET)",
        f"case_type={SCRIPT}",
        "400 naming case_type (JSON, never HTML)",
        api_get("/api/v1/eligibility/H1/", case_type=SCRIPT),
        api_error(400, "unknown case type", parameter="case_type"),
    ),
    Case(
        "param-api-wrong-types",
        "eligibility API (POST)",
        "employee_numbers [123, null]",
        "400 naming employee_numbers",
        api_post({"case_type": "hate_crime", "employee_numbers": [123, None]}),
        api_error(400, "employee_numbers"),
    ),
    Case(
        "date-overdue-page",
        "overdue list",
        "?on=31/02/2026",
        "400 page naming the date",
        lambda ctx: ctx.manager.get(reverse("dashboard:overdue"), {"on": "31/02/2026"}),
        form_error("Something in the address is not right", "on</strong>: Enter a date such as", status=400),
    ),
    Case(
        "date-dashboard-long",
        "dashboard",
        "?on= 10,000 characters",
        "400 page naming the date",
        lambda ctx: ctx.manager.get(reverse("dashboard:home"), {"on": "1" * 10_000}),
        form_error("Something in the address is not right", "on</strong>: Enter a date such as", status=400),
    ),
    Case(
        "date-review-form",
        "colleague review form",
        "reviewed_on=2026-13-45",
        "form error: Enter a valid date",
        review_post(reviewed_on="2026-13-45"),
        form_error("Enter a valid date"),
    ),
    Case(
        "date-import-cell",
        "HR upload: training records",
        "completed_on 30/02/2024",
        "rejected: row 2: completed_on",
        lambda ctx: upload(ctx.hr, (TRAINING_HEADER + "H1,HC-REFRESHER,30/02/2024,Acme\n").encode()),
        rejected_upload("row 2: completed_on:"),
    ),
    Case(
        "choice-upload-encoding",
        "HR upload",
        "encoding=../../etc",
        "form error: Select a valid choice",
        lambda ctx: upload(ctx.hr, TRAINING_HEADER.encode(), encoding="../../etc"),
        form_error("Select a valid choice"),
    ),
]


def data_written() -> dict:
    """The records a bad input must not create or change (audit logs of exports are expected)."""
    models = (Colleague, Team, RoleAssignment, TrainingRecord, Waiver, ColleagueReview)
    counts = {m.__name__: m.objects.count() for m in models}
    counts["names"] = sorted(Colleague.objects.values_list("employee_number", "first_name", "last_name"))
    return counts


@pytest.fixture
def ctx(reference, settings):
    selectors.catalogue_forget()
    api_services._known_keys.clear()
    settings.IMPORT_MAX_BYTES = 2_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    today = timezone.localdate()
    nora, north = manager_of("North", "nora")
    hostile = officer_due_on(
        today - dt.timedelta(days=10), team=north, employee_number="H1", first_name=SCRIPT, last_name=IMG
    )
    # Names as HR might key them by hand (the import refuses a leading =): each would run in a spreadsheet.
    formula_team = TeamFactory(name="@Team SUM(1)")
    formula_team.manager = north.manager
    formula_team.save()
    for i, (first, last) in enumerate(zip(FORMULAS, reversed(FORMULAS), strict=True)):
        officer_due_on(
            today - dt.timedelta(days=5),
            team=formula_team if i % 2 else north,
            employee_number=f"FX{i + 1}",
            first_name=first,
            last_name=last,
        )
    hr_user = UserFactory(username="harriet")
    hr_user.groups.add(Group.objects.get_or_create(name=AccessGroup.HR)[0])
    hr_user.is_staff = True
    hr_user.save()
    hr, manager = Client(), Client()
    hr.force_login(hr_user)
    manager.force_login(nora)
    _, key = api_client_issue(name="case-system")
    return Ctx(
        hr=hr,
        manager=manager,
        api=Client(HTTP_AUTHORIZATION=f"Token {key}"),
        anonymous=Client(),
        settings=settings,
        hostile=hostile,
        today=today,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(ctx, case):
    before = data_written()
    result = case.send(ctx)
    case.check(ctx, result)
    if not case.writes:
        assert data_written() == before


def test_catalogue_ids_are_unique():
    assert len({c.id for c in CASES}) == len(CASES)
