"""One folder per election under data/elections/<id>/, listed (with the default) in
data/elections.toml; `--election ID` on every command, the setting DASHBOARD_ELECTION."""

from __future__ import annotations

import argparse
import shutil
import tomllib
from pathlib import Path

import pytest

from dashboard import settings
from dashboard.cli.main import build_parser
from dashboard.errors import DashboardError, SourceError
from dashboard.testing import DATA, DATA_ROOT, call_cli, data_env

SHIPPED_IDS = [
    e["id"] for e in tomllib.loads((DATA_ROOT / "elections.toml").read_text())["elections"]
]


@pytest.fixture
def root_with_two_elections(tmp_path: Path) -> Path:
    """A data root with the default election and a second one listing it under another id
    (its election.toml copied with the id changed): what a newsroom adds for a new election."""
    root = tmp_path / "data"
    first = root / "elections" / DATA.name
    shutil.copytree(DATA, first, ignore=shutil.ignore_patterns("store", "raw", "sources"))
    second = root / "elections" / "essai-2030"
    shutil.copytree(first, second)
    for name in ("election.toml", "results.csv", "candidates.csv"):
        text = (second / name).read_text(encoding="utf-8")
        (second / name).write_text(text.replace(DATA.name, "essai-2030"), encoding="utf-8")
    (root / "elections.toml").write_text(
        f'default = "{DATA.name}"\n[[elections]]\nid = "essai-2030"\n'
        f'[[elections]]\nid = "{DATA.name}"\n',
        encoding="utf-8",
    )
    return root


def test_the_catalogue_lists_every_shipped_folder_and_a_default_among_them() -> None:
    folders = sorted(p.parent.name for p in (DATA_ROOT / "elections").glob("*/election.toml"))
    assert sorted(settings.election_ids(DATA_ROOT)) == folders
    assert settings.default_election(DATA_ROOT) in folders
    for eid in folders:
        toml = tomllib.loads((DATA_ROOT / "elections" / eid / "election.toml").read_text())
        assert toml["id"] == eid  # the folder is named by the election's id


def test_paths_follow_the_election_setting(
    root_with_two_elections: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = root_with_two_elections
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(root))
    for name in ("DASHBOARD_ELECTION", "DASHBOARD_STORE_DIR", "DASHBOARD_RAW_DIR"):
        monkeypatch.delenv(name, raising=False)
    assert settings.election_ids() == ["essai-2030", DATA.name]  # display order of the file
    assert settings.election_dir() == root / "elections" / DATA.name  # the default
    assert settings.store_dir() == root / "elections" / DATA.name / "store"
    monkeypatch.setenv("DASHBOARD_ELECTION", "essai-2030")
    assert settings.election_dir() == root / "elections" / "essai-2030"
    assert settings.store_dir() == root / "elections" / "essai-2030" / "store"
    assert settings.raw_dir() == root / "elections" / "essai-2030" / "raw"
    monkeypatch.setenv("DASHBOARD_ELECTION", "inconnue")
    with pytest.raises(
        DashboardError, match=r"^élection inconnue 'inconnue' \(élections connues : essai-2030, "
    ):
        settings.election_dir()


def test_a_folder_holding_one_election_is_that_election(data_dir: Path) -> None:
    assert settings.election_dir(data_dir) == data_dir
    assert settings.election_ids(data_dir) == []


def test_a_catalogue_whose_default_is_not_listed_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elections.toml").write_text('default = "x"\n[[elections]]\nid = "y"\n')
    with pytest.raises(
        SourceError, match=r"elections.toml: 'default' doit être l'une des élections \(y\)$"
    ):
        settings.election_dir(tmp_path)


def _leaf_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    subs = [
        child
        for a in parser._actions
        if isinstance(a, argparse._SubParsersAction)
        for child in dict.fromkeys(a.choices.values())
    ]
    return [leaf for child in subs for leaf in _leaf_parsers(child)] if subs else [parser]


def test_every_command_takes_election() -> None:
    leaves = _leaf_parsers(build_parser())
    assert len(leaves) >= 10
    without = [p.prog for p in leaves if "--election" not in p._option_string_actions]
    assert without == []


def test_an_unknown_election_is_one_error_line_listing_the_known_ids(tmp_path: Path) -> None:
    env = data_env(tmp_path / "store")
    for args in (
        ("results", "show", "--election", "presidentielle-1848"),
        ("data", "build", "--election", "presidentielle-1848"),
        ("export", "--list", "--election", "presidentielle-1848"),
    ):
        r = call_cli(args, env)
        code, out, err = r.returncode, r.stdout, r.stderr
        assert code == 2, args
        assert err.decode() == (
            "error: élection inconnue 'presidentielle-1848' "
            f"(élections connues : {', '.join(SHIPPED_IDS)})\n"
        )
        assert out == b""
    assert not (tmp_path / "store").exists()  # nothing written


def test_data_build_writes_the_chosen_elections_store(root_with_two_elections: Path) -> None:
    root = root_with_two_elections
    env = data_env(root / "unused", DASHBOARD_DATA_DIR=str(root))
    for key in ("DASHBOARD_STORE_DIR", "DASHBOARD_RAW_DIR", "DASHBOARD_ELECTION"):
        env.pop(key)
    r = call_cli(("data", "build", "--election", "essai-2030"), env)
    code, out, err = r.returncode, r.stdout, r.stderr
    assert code == 0, err
    store = root / "elections" / "essai-2030" / "store"
    assert out.decode().startswith(f"{store}: ")
    assert (store / "results.parquet").exists()
    assert not (root / "elections" / DATA.name / "store").exists()
    r = call_cli(("results", "show", "--election", "essai-2030"), env)
    code, out, err = r.returncode, r.stdout, r.stderr
    assert code == 0, err
    assert out.decode().splitlines()[0].startswith("essai-2030 — tour ")


def test_a_results_row_of_another_election_is_refused_by_build(
    data_dir: Path, tmp_path: Path
) -> None:
    from dashboard.results.record import build_store
    from dashboard.store import Store

    path = data_dir / "results.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(DATA.name, "autre-2030"))
    with pytest.raises(
        SourceError,
        match=r"results.csv, row 2, field 'election_id': 'autre-2030' n'est pas l'élection de ",
    ):
        build_store(data_dir, Store(tmp_path / "store"))
    assert not (tmp_path / "store" / "results.parquet").exists()
