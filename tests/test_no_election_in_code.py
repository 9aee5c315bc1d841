"""The next election is new files in data/, not new code: no Python module holds a candidate
or person name, a party, a colour of data, an election id or date, or a default round."""

from __future__ import annotations

import ast
import csv
import tomllib
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every shipped election's words are forbidden in code, not only the default's.
ELECTIONS = sorted(p.parent for p in (ROOT / "data" / "elections").glob("*/election.toml"))
# dashboard/testing.py is the tests' and benchmarks' helper (fixtures of both elections), not
# code the dashboard runs: it may name them.
MODULES = sorted(p for p in (ROOT / "dashboard").rglob("*.py") if p.name != "testing.py")


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    if not (folder / name).exists():
        return []
    with open(folder / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _election_words() -> set[str]:
    words: set[str] = set()
    for folder in ELECTIONS:
        words |= _words_of(folder)
    # Two-letter parties ("PS") and short words would match any code: keep telling ones.
    return {w.lower() for w in words if w and len(w) > 3}


def _words_of(folder: Path) -> set[str]:
    words: set[str] = set()
    for row in _rows(folder, "candidates.csv"):
        words |= {row["name"], row["name"].split()[-1], row["party"], row["colour"]}
        words |= {row.get("short_name") or ""}
    for row in _rows(folder, "people.csv"):
        words |= {row["name"], row["name"].split()[-1], row["party"]}
    for row in _rows(folder, "camps.csv"):
        words |= {row["label"], row["colour"]}
    election = tomllib.loads((folder / "election.toml").read_text(encoding="utf-8"))
    words |= {election["id"], election["name"], election["short_name"], election["organiser"]}
    for rnd in election["rounds"]:
        day = date.fromisoformat(rnd["date"])
        words |= {day.isoformat(), f"{day:%d/%m/%Y}"}
    return words


def _code_strings(tree: ast.AST) -> list[str]:
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_name_party_colour_id_or_date_of_the_election(path: Path) -> None:
    words = _election_words()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = sorted({w for s in _code_strings(tree) for w in words if w in s.lower()})
    assert found == [], f"election data in {path.relative_to(ROOT)}: {found}"


def _round_defaults(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            named = [*args.posonlyargs, *args.args]
            pairs = list(zip(named[len(named) - len(args.defaults) :], args.defaults, strict=True))
            kw = zip(args.kwonlyargs, args.kw_defaults, strict=True)
            pairs += [(a, d) for a, d in kw if d is not None]
            for arg, default in pairs:
                if arg.arg.startswith("round") and isinstance(default, ast.Constant):
                    if isinstance(default.value, int):
                        found.append(f"{node.name}({arg.arg}={default.value})")
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_argument":
            flags = [a.value for a in node.args if isinstance(a, ast.Constant)]
            for kwarg in node.keywords:
                value = kwarg.value
                if (
                    "--round" in flags
                    and kwarg.arg == "default"
                    and isinstance(value, ast.Constant)
                ):
                    if isinstance(value.value, int):
                        found.append(f"--round default {value.value}")
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "date":
            if node.args and isinstance(node.args[0], ast.Constant):
                found.append(f"date({node.args[0].value}, …)")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_default_round_or_election_date_in_code(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _round_defaults(tree) == []


def test_the_checks_catch_what_they_look_for() -> None:
    tree = ast.parse(
        "def f(round_=2): pass\np.add_argument('--round', default=2)\nd = date(2017, 1, 30)\n"
    )
    assert _round_defaults(tree) == ["f(round_=2)", "--round default 2", "date(2017, …)"]
    assert "benoît hamon" in _election_words() and "#c2185b" in _election_words()
    assert len(ELECTIONS) >= 1


def test_the_default_election_is_written_in_data_only() -> None:
    catalogue = tomllib.loads((ROOT / "data" / "elections.toml").read_text(encoding="utf-8"))
    ids = [e["id"] for e in catalogue["elections"]]
    assert catalogue["default"] in ids
    assert sorted(ids) == sorted(p.name for p in ELECTIONS)
