"""docs/rules.md and docs/interfaces.md stay in step with the code that cites them.

- every `docs/rules.md §N` or `docs/interfaces.md §N` citation names a section that exists;
- every worked example of docs/rules.md §3.4 is what the engine answers;
- the statuses, reason codes, eligibility object and import columns the docs
  name are the ones the code uses.
"""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from compliance import engine
from compliance.enums import Reason, Status
from imports.checks import colleagues, training
from tests.compliance.catalogue import reference_catalogue

ROOT = Path(settings.BASE_DIR)
DOCS = {name: (ROOT / "docs" / name).read_text() for name in ("rules.md", "interfaces.md")}
CITATION = re.compile(r"docs/(rules|interfaces)\.md((?:,? (?:and )?§\d+(?:\.\d+)?)+)")


def sections(text: str) -> dict[str, str]:
    """Each numbered heading's number and the text under it, up to the next heading of any level."""
    found = {}
    # "## 3. Title" and "### 3.1 Title"; re.split gives text, number, body, number, body, ...
    parts = re.split(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", text, flags=re.M)
    for i in range(1, len(parts) - 1, 2):
        found[parts[i]] = parts[i + 1]
    return found


SECTIONS = {name: sections(text) for name, text in DOCS.items()}


def _cited() -> list[tuple[str, str, str]]:
    out = []
    for path in [*ROOT.glob("*.md"), *ROOT.glob("docs/*.md")] + [
        p
        for pattern in ("**/*.py", "**/*.html")
        for p in ROOT.glob(pattern)
        if ".venv" not in p.parts and "node_modules" not in p.parts
    ]:
        for match in CITATION.finditer(path.read_text(errors="replace")):
            for number in re.findall(r"§(\d+(?:\.\d+)?)", match.group(2)):
                out.append((str(path.relative_to(ROOT)), f"{match.group(1)}.md", number))
    return out


def test_every_citation_names_a_section_that_exists():
    cited = _cited()
    assert len(cited) > 50  # the scan finds the code's citations
    missing = sorted({(where, doc, n) for where, doc, n in cited if n not in SECTIONS[doc]})
    assert missing == []


def _uk(text: str) -> dt.date | None:
    return None if text == "\u2013" else dt.datetime.strptime(text, "%d %b %Y").date()


def _worked_examples() -> list[list[str]]:
    table = [line for line in SECTIONS["rules.md"]["3.4"].splitlines() if line.startswith("| ")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table[1:]]
    assert len(rows) >= 9  # every example the policy's worked table gives, and more
    return rows


@pytest.mark.parametrize("row", _worked_examples(), ids=lambda r: f"{r[0]} {r[4]} {r[5]}")
def test_worked_example_is_what_the_engine_answers(row):
    _, role, role_from, trained, on, requirement, status, due, valid_until = row
    completions = ()
    if trained != "none":
        completions = tuple(
            engine.Completion(course, _uk(day))
            for course, day in (item.strip().split(" ", 1) for item in trained.split(";"))
        )
    facts = engine.ColleagueFacts(
        "E1", _uk(role_from), roles=(engine.RoleSpell(role, _uk(role_from)),), completions=completions
    )
    answers = engine.colleague_statuses(
        facts, reference_catalogue(), _uk(on), settings.COMPLIANCE_WARNING_DAYS
    )
    found = next(s for s in answers if s.code == requirement)
    assert (found.status, found.due_date, found.valid_until) == (status, _uk(due), _uk(valid_until))


def _codes(text: str) -> set[str]:
    return set(re.findall(r"`([a-z_]+)`", text))


def test_the_statuses_the_rules_name_are_the_engines():
    assert set(Status.values) <= _codes(SECTIONS["rules.md"]["3"])


def test_the_reason_codes_documented_are_the_engines():
    eligibility = SECTIONS["interfaces.md"]["4.2"]
    listed = eligibility[eligibility.index("Reason codes") :]
    assert _codes(listed) & set(Reason.values) == set(Reason.values)
    assert set(Reason.values) <= _codes(SECTIONS["rules.md"]["4"])


def test_the_eligibility_object_documented_has_the_engines_fields():
    block = re.search(r"```json\n(.*?)```", SECTIONS["interfaces.md"]["4.2"], flags=re.S).group(1)
    example = json.loads(block)
    fields = lambda cls: set(cls.__dataclass_fields__)  # noqa: E731
    assert set(example) == fields(engine.Eligibility)
    assert set(example["reasons"][0]) == fields(engine.ReasonEntry)
    # The API shows the status, not what satisfied it or which waiver applied.
    assert set(example["requirements"][0]) == fields(engine.RequirementStatus) - {"satisfied_by", "waiver"}


@pytest.mark.parametrize(
    ("number", "order"), [("3.1", colleagues.COLUMN_ORDER), ("3.2", training.COLUMN_ORDER)]
)
def test_the_import_columns_documented_are_the_files(number, order):
    text = SECTIONS["interfaces.md"][number]
    listed = re.search(r"Columns: `([^`]*)`", text.replace("\n", " ")).group(1)
    assert tuple(c.strip() for c in listed.split(",")) == order
