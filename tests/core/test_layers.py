"""core/ is the ground floor: it imports no app of ours, and apps tell it what it needs to know."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

from core.access import hr_apps

ROOT = Path(settings.BASE_DIR)


def _our_packages() -> set[str]:
    """Top-level packages of this repository: every installed app of ours, and the project (config)."""
    ours = {c.name.split(".")[0] for c in apps.get_app_configs() if (ROOT / c.name.split(".")[0]).is_dir()}
    return (ours | {"config"}) - {"core"}


def _imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_core_imports_no_app_and_not_the_project():
    ours = _our_packages()
    assert {"people", "compliance", "config"} <= ours  # the scan knows what to look for
    upward = {
        str(path.relative_to(ROOT)): sorted(_imported(path) & ours)
        for path in sorted((ROOT / "core").rglob("*.py"))
        if _imported(path) & ours
    }
    assert upward == {}


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
