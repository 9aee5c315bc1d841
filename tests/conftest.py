"""Shared fixtures: a real Parquet store built from the shipped sources in a tmp dir, the
CLI run as a real subprocess, and Debian's Chromium for browser tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CHROMIUM = "/usr/bin/chromium"


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
    target = tmp_path / "store"
    shutil.copytree(DATA / "store", target, ignore=shutil.ignore_patterns(".*", "*.tmp", "*.json"))
    return target


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
    """Environment for subprocesses: shipped sources, tmp copy of the store."""
    e = dict(os.environ)
    e.update(
        DASHBOARD_DATA_DIR=str(DATA),
        DASHBOARD_STORE_DIR=str(store_dir),
        DASHBOARD_RAW_DIR=str(tmp_path / "raw"),
        PYTHONPATH=str(ROOT),
    )
    return e


def run_cli(*args: str, env: dict[str, str] | None = None, input: bytes | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=ROOT, env=env, capture_output=True, input=input, timeout=timeout,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_chromium() -> str:
    """Browser tests need Debian's Chromium; in CI its absence is a failure, not a skip."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test does it)")
    return CHROMIUM


class StreamlitServer:
    def __init__(self, env: dict[str, str], script: str = "dashboard/app/main.py") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        import urllib.request

        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("streamlit did not start within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def streamlit_app(env: dict[str, str]):
    server = StreamlitServer(env)
    yield server
    server.stop()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield b
        b.close()
