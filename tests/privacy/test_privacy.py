import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from compliance.enums import WaiverKind
from compliance.models import Requirement, Waiver
from compliance.reports import compliance_report_rows
from core.access import AccessGroup
from people.models import Colleague
from privacy.models import DataExport
from privacy.services import anonymise_leavers, leavers_due_for_anonymisation
from tests.factories import ColleagueFactory, UserFactory, record

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def hr(client, reference):
    from django.contrib.auth.models import Group

    user = UserFactory(username="hr1")
    user.groups.add(Group.objects.get(name=AccessGroup.HR))
    client.force_login(user)
    return user


@pytest.fixture
def leaver(reference):
    c = ColleagueFactory(
        employee_number="E777",
        first_name="Lena",
        last_name="Leaver",
        email="lena@example.org",
        role="NHO",
        start_date=dt.date(2015, 1, 5),
        leaving_date=dt.date(2020, 6, 30),
    )
    record(c, "BTEC2-CSC", "2015-09-01").__class__.objects.filter(colleague=c).update(
        certificate="PRS-123", notes="passed with merit"
    )
    Waiver.objects.create(
        colleague=c,
        requirement=Requirement.objects.get(code="HATE-REFRESHER"),
        kind=WaiverKind.EXEMPTION,
        reason="Long-term sickness: back surgery",
        approved_by="HR",
        approved_on=dt.date(2019, 1, 1),
        starts_on=dt.date(2019, 1, 1),
        ends_on=dt.date(2019, 6, 1),
    )
    c.last_name = "Leaver-Smith"
    c.save()
    return c


def test_subject_access_json_holds_everything_and_is_logged(client, hr, leaver):
    response = client.get(reverse("privacy:subject_access_json", args=["E777"]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["employee_number"] == "E777"
    sections = data["sections"]
    assert sections["people.colleague"][0]["last_name"] == "Leaver-Smith"
    assert [h["last_name"] for h in sections["people.colleague (history)"]] == ["Leaver-Smith", "Leaver"]
    assert [r["certificate"] for r in sections["training.trainingrecord"]] == ["PRS-123"]
    assert sections["compliance.waiver"][0]["reason"] == "Long-term sickness: back surgery"
    assert "people.roleassignment" in sections
    assert "training.trainingrecord (history)" in sections
    log = DataExport.objects.get()
    assert (log.user, log.kind, log.subject, log.row_count) == (
        hr,
        "subject-access.json",
        leaver,
        sum(map(len, sections.values())),
    )


def test_subject_access_page_is_readable_html(client, hr, leaver):
    response = client.get(reverse("privacy:subject_access", args=["E777"]))
    assert response.status_code == 200
    assert "Everything held on Lena Leaver-Smith (E777)" in response.content.decode()


def test_subject_access_is_for_hr_only(client, reference, leaver):
    client.force_login(UserFactory(username="someone"))
    assert client.get(reverse("privacy:subject_access_json", args=["E777"])).status_code == 403
    assert DataExport.objects.count() == 0


def test_retention_anonymises_leavers_after_six_years_everywhere_keeping_figures(leaver):
    recent = ColleagueFactory(role="NHO", start_date=dt.date(2018, 1, 1), leaving_date=dt.date(2021, 1, 1))
    before = [(r.requirement, r.status, r.due_date) for r in compliance_report_rows(day=dt.date(2019, 3, 1))]
    assert list(leavers_due_for_anonymisation(today=dt.date(2026, 6, 30))) == []
    assert list(leavers_due_for_anonymisation(today=dt.date(2026, 7, 1))) == [leaver]
    assert anonymise_leavers(today=dt.date(2026, 7, 1)) == ["E777"]

    leaver.refresh_from_db()
    assert (leaver.first_name, leaver.last_name, leaver.email, leaver.employee_number) == (
        "Former",
        "colleague",
        "",
        f"ANON-{leaver.pk}",
    )
    assert {(h.first_name, h.last_name, h.email) for h in leaver.history.all()} == {
        ("Former", "colleague", "")
    }
    tr = leaver.training_records.get()
    assert (tr.course.code, tr.completed_on, tr.certificate, tr.notes) == (
        "BTEC2-CSC",
        dt.date(2015, 9, 1),
        "",
        "",
    )
    assert {h.certificate for h in tr.history.all()} == {""}
    assert leaver.waivers.get().reason == "Removed under the retention rule"
    # Figures on a past date are unchanged; the recent leaver is untouched; a second run does nothing.
    assert [
        (r.requirement, r.status, r.due_date) for r in compliance_report_rows(day=dt.date(2019, 3, 1))
    ] == before
    assert Colleague.objects.get(pk=recent.pk).first_name == recent.first_name
    assert anonymise_leavers(today=dt.date(2026, 7, 1)) == []


@time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC))
def test_retention_preview_page_and_command(client, hr, leaver, capsys):
    response = client.get(reverse("privacy:retention"))
    assert "E777" in response.content.decode()
    call_command("anonymise_leavers", "--dry-run")
    assert "1 leavers would be anonymised" in capsys.readouterr().out
    assert Colleague.objects.get(pk=leaver.pk).first_name == "Lena"
    response = client.post(reverse("privacy:retention_run"))
    assert response.status_code == 302
    assert Colleague.objects.get(pk=leaver.pk).first_name == "Former"
