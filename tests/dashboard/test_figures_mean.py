"""Figures that mean what they say (issue 19): met / on track / not met, links to the people, no contradictions."""

import html
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from compliance.enums import Status
from compliance.standing import Standing, standing, standing_q
from dashboard.models import StatusSummary
from dashboard.services import summary_rebuild
from policies.models import Policy
from tests.factories import ColleagueFactory, record
from tests.organisation import TODAY, D, client_for

pytestmark = pytest.mark.django_db

FIGURE_LINK = re.compile(r'<a href="(/overdue/\?[^"]+)">(\d+)</a>')


def listed(client, url):
    """How many rows the overdue list holds behind a link (every page)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["table"].page.paginator.count


def test_the_stored_rows_are_filtered_by_the_same_rule(org):
    summary_rebuild(day=TODAY)
    combos = [
        (Status.COMPLIANT, None),
        (Status.COMPLIANT, TODAY),
        (Status.EXEMPT, None),
        (Status.DUE_SOON, TODAY),
        (Status.DUE_SOON, None),
        (Status.PENDING, None),
        (Status.OVERDUE, None),
    ]
    rows = list(StatusSummary.objects.order_by("pk"))
    assert len(rows) >= len(combos)
    for row, (status, valid_until) in zip(rows, combos * 2, strict=False):
        StatusSummary.objects.filter(pk=row.pk).update(status=status, valid_until=valid_until)
    stored = list(StatusSummary.objects.values_list("pk", "status", "valid_until"))
    for wanted in Standing:
        assert set(StatusSummary.objects.filter(standing_q(wanted)).values_list("pk", flat=True)) == {
            pk for pk, status, valid_until in stored if standing(status, valid_until) == wanted
        }, wanted


@pytest.mark.parametrize("source", ["summary", "live"])
def test_every_figure_on_the_dashboard_lists_exactly_its_people(org, client, source):
    if source == "summary":
        summary_rebuild(day=TODAY)
    client_for(client, org.users["hr"])
    page = client.get("/").content.decode()
    links = [(html.unescape(url), int(n)) for url, n in FIGURE_LINK.findall(page)]
    # By requirement (3 figures each for BTEC-L2, BTEC-L3, HATE-REFRESHER) and by team and requirement (3 x 5).
    assert len(links) == 9 + 15
    assert [(url, listed(client, url)) for url, _ in links] == links
    # N3's refresher (due soon, renewed and current) is met, not on track: 3 met, 1 on track (N2), 1 overdue.
    assert ("/overdue/?status=met&requirement=HATE-REFRESHER", 2) in links
    assert ("/overdue/?status=on_track&requirement=HATE-REFRESHER", 1) in links
    assert ("/overdue/?status=not_met&requirement=HATE-REFRESHER", 2) in links


def test_every_figure_on_the_kpi_page_lists_exactly_its_people(org, client):
    client_for(client, org.users["hr"])
    page = client.get("/kpi/", {"quarter": "2026-Q1"}).content.decode()
    links = [(html.unescape(url), int(n)) for url, n in FIGURE_LINK.findall(page)]
    assert len(links) == 3 + 3 * 4 + 3 * 5  # headline, by requirement, by team and requirement
    assert all("on=2026-03-31" in url for url, _ in links)
    assert [(url, listed(client, url)) for url, _ in links] == links


def test_the_policy_owner_sees_the_kpi_figures_without_links_they_cannot_follow(org, client):
    client_for(client, org.users["policy"])
    page = client.get("/kpi/", {"quarter": "2026-Q1"}).content.decode()
    assert FIGURE_LINK.findall(page) == []


def test_the_lists_title_says_what_it_holds(org, client):
    client_for(client, org.users["hr"])
    titles = {
        status: re.search(r"<h1>(.*?)</h1>", client.get("/overdue/", {"status": status}).content.decode())[1]
        for status in ("", "compliant", "met", "on_track", "not_met", "any")
    }
    assert titles == {
        "": "Overdue and due soon",
        "compliant": "Compliant",
        "met": "Requirements met",
        "on_track": "Requirements on track",
        "not_met": "Requirements not met (overdue)",
        "any": "Every requirement",
    }
    response = client.get("/overdue/export.xlsx", {"status": "compliant"})
    assert response["Content-Disposition"] == 'attachment; filename="compliant-2026-06-01.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).active.title == "Compliant"


def test_a_drop_out_shows_the_days_left_not_the_horizon(org, client):
    # Refresher due 2 Jul 2026: eligible for 31 more days, which the 30/60/90 horizons call "within 60".
    officer = ColleagueFactory(employee_number="S9", team=org.south, role="NHO", start_date=D("2018-01-01"))
    record(officer, "BTEC2-CSC", "2018-06-01")
    record(officer, "HC-REFRESHER", "2024-07-02")
    client_for(client, org.users["hr"])
    page = client.get("/").content.decode()
    section = page[page.index('id="drop-outs"') :]
    row = section[section.index("S9") : section.index("</tr>", section.index("S9"))]
    assert "2 Jul 2026" in row
    assert "31 more days" in row
    assert "60" not in row


def test_a_quarter_with_no_refresher_due_says_none_fell_due(org, client):
    client_for(client, org.users["hr"])
    page = client.get("/kpi/", {"quarter": "2025-Q4"}).content.decode()
    assert "none fell due" in page
    assert "of 0 refresher" not in page
    assert "No refresher fell due in the quarter." in page


def test_a_quarter_with_refreshers_due_gives_the_rate(org, client):
    client_for(client, org.users["hr"])
    page = client.get("/kpi/", {"quarter": "2026-Q1"}).content.decode()
    # N1's refresher fell due on 1 Mar 2026 and was not renewed (the figures link to the people: words only).
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "0% of 1 refresher due in the quarter renewed" in words
    assert "none fell due" not in page


def test_a_policy_with_a_cover_sheet_version_does_not_say_no_version(org, client):
    Policy.objects.create(slug="lettings", title="Lettings Policy", version="1", published=True)
    client_for(client, org.users["hr"])
    page = client.get("/policies/lettings/").content.decode()
    assert "No version recorded" not in page
    assert "Version 1 is on the cover sheet" in page


def _pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages).split()
    )


def test_the_pack_the_page_and_the_workbook_give_the_same_figures(org, client):
    client_for(client, org.users["hr"])
    report = client.get("/kpi/", {"quarter": "2026-Q1"}).context["kpi"]
    book = load_workbook(io.BytesIO(client.get("/kpi/export.xlsx", {"quarter": "2026-Q1"}).content))
    response = client.get("/kpi/pack.pdf", {"quarter": "2026-Q1"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="committee-pack-2026-Q1.pdf"'
    text = _pdf_text(response.content)

    sheet = {row[0]: row for row in book["Compliance by requirement"].iter_rows(min_row=2, values_only=True)}
    for code, _, start, end in report.requirement_rows():
        page_row = (
            start.percent_met if start else None,
            end.percent_met,
            end.met,
            end.on_track,
            start.not_met if start else None,
            end.not_met,
            end.total,
        )
        assert sheet[code][2:] == page_row, code
        if end.total:
            cells = [f"{page_row[0]}%", f"{page_row[1]}%", *(str(n) for n in page_row[2:])]
            assert f"{code} {' '.join(cells)}" in text, code
    codes = [code for code, _ in report.at_end.requirements]
    for team in report.at_end.teams:
        percents = [team.requirements[c].percent_met if c in team.requirements else None for c in codes]
        cells = ["\N{EN DASH}" if p is None else f"{p}%" for p in percents]
        line = f"{team.label} {' '.join(cells)} {team.all_requirements.not_met} {team.people_overdue}"
        assert line in text, line
    for code, _, paragraph in report.paragraphs():
        assert " ".join(paragraph.split()) in text, code
    assert "Q1 2026 (1 Jan to 31 Mar 2026)" in text


def test_the_pack_for_a_bad_quarter_is_refused(org, client):
    client_for(client, org.users["hr"])
    response = client.get("/kpi/pack.pdf", {"quarter": "2026-Q9"})
    assert response.status_code == 400
    assert "is not a quarter such as 2026-Q1" in response.content.decode()


def test_a_requirement_paragraph_in_plain_words(org, client):
    client_for(client, org.users["hr"])
    report = client.get("/kpi/", {"quarter": "2026-Q1"}).context["kpi"]
    paragraphs = {code: text for code, _, text in report.paragraphs()}
    assert paragraphs["HATE-REFRESHER"] == (
        "On 31 Mar 2026 it applied to 5 colleagues: 40% met it (50% on 1 Jan 2026); 2 met, 1 on track "
        "(inside the induction year or an extension) and 2 overdue (2 at the start of the quarter). "
        "Of 1 refresher that fell due in the quarter, 0 were renewed (0%), 0 on or before the due date."
    )
