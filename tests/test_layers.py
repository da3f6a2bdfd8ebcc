"""The house as the README's Architecture section draws it: each app imports only the floors below it.

One row per app of ours, like tests/test_access.py has one per URL: a new app
must join the table (and the README's), saying what it may import. An app's
`admin.py`, management commands and migrations are its top floor and may use
apps above it, as a page does.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

from core.access import hr_apps

ROOT = Path(settings.BASE_DIR)
GROUND = {"core"}
RECORDS = GROUND | {"people", "training"}
ENGINE = RECORDS | {"compliance"}
FEATURES = {"policies", "programme", "reviews", "imports", "reminders", "privacy", "integrations"}

MAY_IMPORT = {
    "core": set(),
    "people": {"core"},
    "training": {"core", "people"},
    "compliance": {"core", "people", "training"},
    **dict.fromkeys(FEATURES, ENGINE),
    "accounts": {"core", "people"},
    "api": ENGINE | FEATURES | {"accounts"},
    "dashboard": ENGINE | FEATURES | {"accounts"},
    "workspace": ENGINE | FEATURES | {"accounts"},
    "demo": ENGINE | FEATURES | {"accounts", "api", "dashboard", "workspace"},
    # /me/ shows the colleague page's record (dashboard) with the requests (workspace) beside it.
    "selfservice": ENGINE | FEATURES | {"dashboard", "workspace"},
}
TOP_FLOOR = ("admin.py", "management", "migrations")

# Known links that break the rule, each with its reason. An entry whose file no
# longer imports it is harmless; a new one needs a reason here.
ALLOWED = {
    # A record points to the import that last wrote it: a foreign key by name, from a
    # module (imports/fields.py) that imports nothing of ours.
    ("people/models.py", "imports"),
    ("training/models.py", "imports"),
}


def _ours() -> set[str]:
    return {c.name.split(".")[0] for c in apps.get_app_configs() if (ROOT / c.name.split(".")[0]).is_dir()}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_every_app_has_a_row():
    assert _ours() - set(MAY_IMPORT) == set()


def test_no_app_imports_upwards():
    ours = _ours() | {"config"}
    upward = []
    for app in sorted(_ours()):
        for path in sorted((ROOT / app).rglob("*.py")):
            if path.name in TOP_FLOOR or any(part in TOP_FLOOR for part in path.parts):
                continue
            where = str(path.relative_to(ROOT))
            for target in sorted(_imports(path) & (ours - {app} - MAY_IMPORT[app])):
                if (where, target) not in ALLOWED:
                    upward.append((where, target))
    assert upward == []


def test_core_imports_no_app_and_not_the_project_even_in_its_top_floor():
    ours = _ours() | {"config"}
    found = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & ours - {"core"})
        for path in sorted((ROOT / "core").rglob("*.py"))
    }
    assert {where: names for where, names in found.items() if names} == {}


def test_hr_keeps_the_records_of_the_apps_that_declare_it():
    assert sorted(hr_apps()) == [
        "compliance",
        "imports",
        "people",
        "policies",
        "programme",
        "reviews",
        "training",
    ]
