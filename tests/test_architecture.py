"""Layering: only the app layer imports streamlit; settings are all in README."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from dashboard import settings

ROOT = Path(__file__).parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_pure_modules_never_import_streamlit():
    offenders = []
    for path in (ROOT / "dashboard").rglob("*.py"):
        rel = path.relative_to(ROOT / "dashboard")
        if rel.parts[0] == "app":
            continue
        if "streamlit" in _imports(path):
            offenders.append(str(rel))
    assert offenders == []


def test_readme_lists_every_setting_with_its_default():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^\| `(DASHBOARD_[A-Z_]+)` \| `([^`]*)` \|", readme, re.M)
    }
    assert rows == {s.env: str(s.default) for s in settings.SETTINGS}


def test_one_version_string():
    from dashboard import __version__

    hits = [
        p
        for p in (ROOT / "dashboard").rglob("*.py")
        if re.search(r"__version__\s*=", p.read_text(encoding="utf-8"))
    ]
    assert [p.name for p in hits] == ["__init__.py"] and __version__
