"""Shared fixtures: a real Parquet store built from the shipped sources in a tmp dir, the CLI
(in-process or as a real subprocess), and Debian's Chromium for browser tests. The helpers
themselves live in dashboard/testing.py, shared with bench/.

Read-only browser tests share one Streamlit server per module (`shipped_app`, over a module's
own copy of the store); pytest-xdist runs a module's tests on one worker (`--dist loadfile`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from dashboard.testing import (
    CHROMIUM,
    DATA,
    CliResult,
    StreamlitServer,
    call_cli,
    data_env,
    launch_chromium,
)

# Properties check what a result is, never how fast it came: on a busy 2-core machine a
# deadline is a coin toss (speed is measured in bench/).
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


# A correction published after the definitive result (same round, more votants): what the
# pages that follow the store must show without a reload.
LATER_CORRECTION = {
    "schema": 1,
    "election": "primaire-2017",
    "round": 2,
    "snapshot_id": "t2-later",
    "as_of": "2017-02-03T10:00:00+01:00",
    "status": "corrected",
    "share_base": "exprimes",
    "bureaux_counted": 7208,
    "bureaux_total": 7208,
    "votants": 2_045_400,
    "candidates": [{"id": "hamon", "share": 58.7}, {"id": "valls", "share": 41.3}],
    "source_url": "http://127.0.0.1/test",
}


def record_later_correction(store_dir: Path) -> None:
    """Store LATER_CORRECTION through the one results write path, as a watcher would."""
    from dashboard.model import document_rows
    from dashboard.results.record import record_snapshots
    from dashboard.results.views import load_candidates
    from dashboard.store import Store

    store = Store(store_dir)
    rows = document_rows(LATER_CORRECTION)
    record_snapshots(store, rows, load_candidates(store), allow_flagged=False)


def copy_store(target: Path) -> Path:
    """A copy of the shipped Parquet store at `target`."""
    shutil.copytree(DATA / "store", target, ignore=shutil.ignore_patterns(".*", "*.tmp", "*.json"))
    return target


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the shipped source files (not the store), safe to edit."""
    target = tmp_path / "data"
    target.mkdir()
    sources = ("election.toml", "candidates.csv", "results.csv", "people.csv", "camps.csv")
    for name in (*sources, "outlets.csv", "stance_rules.csv"):
        if (DATA / name).exists():
            shutil.copy(DATA / name, target / name)
    return target


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """A copy of the shipped Parquet store."""
    return copy_store(tmp_path / "store")


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, store_dir: Path) -> Path:
    """Settings for AppTest (same process): shipped sources, tmp copy of the store."""
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(DATA))
    monkeypatch.setenv("DASHBOARD_STORE_DIR", str(store_dir))
    monkeypatch.delenv("DASHBOARD_DESK", raising=False)
    monkeypatch.delenv("DASHBOARD_EMBARGO_UNTIL", raising=False)
    return store_dir


@pytest.fixture
def env(tmp_path: Path, store_dir: Path) -> dict[str, str]:
    """Environment for the CLI: shipped sources, tmp copy of the store."""
    return data_env(store_dir, tmp_path / "raw")


@pytest.fixture
def cli(env: dict[str, str]) -> Callable[..., CliResult]:
    """The command line run in this process under `env` (the shipped sources, a tmp store):
    `cli("results", "show", "--round", "2")` → exit code, stdout, stderr."""

    def run(*args: str, stdin: bytes | None = None, **extra: str) -> CliResult:
        return call_cli(args, {**env, **extra}, stdin=stdin)

    return run


def require_chromium() -> str:
    """Browser tests need Debian's Chromium; in CI its absence is a failure, not a skip."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test does it)")
    return CHROMIUM


@pytest.fixture(scope="module")
def module_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the shipped store for a module's read-only tests."""
    return copy_store(tmp_path_factory.mktemp("module") / "store")


@pytest.fixture(scope="module")
def shipped_app(module_store_dir: Path) -> Iterator[StreamlitServer]:
    """The public app on the shipped data, one server for the whole module (read-only)."""
    server = StreamlitServer(data_env(module_store_dir))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, one per module; each test opens its own page."""
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()
