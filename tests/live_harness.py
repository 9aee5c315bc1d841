"""Replay feed + watcher + app, wired together on loopback — shared by the live browser test
and bench/bench_live.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, StreamlitServer

from dashboard.feed.replay import start_replay_server
from dashboard.results.views import results_document
from dashboard.store import Store

DATA = ROOT / "data"


def night_document(at: str, round_: int = 2) -> dict:
    """The shipped snapshot current at `at` on election night, as a feed document."""
    return results_document(Store(DATA / "store"), DATA, round_=round_, at=at)


class LiveRig:
    """An empty store fed by `results watch` from a replay server that serves only what the
    test publishes, and the app reading that store."""

    def __init__(self, tmp: Path, *, every: str = "0.5s", live_every: int = 2) -> None:
        self.store_dir = tmp / "live-store"
        self.store_dir.mkdir(parents=True)
        self.feed = start_replay_server(2, documents=[], speed=0, data_dir=DATA)
        self.env = dict(
            os.environ,
            DASHBOARD_DATA_DIR=str(DATA),
            DASHBOARD_STORE_DIR=str(self.store_dir),
            DASHBOARD_RAW_DIR=str(tmp / "raw"),
            DASHBOARD_LIVE_EVERY=str(live_every),
            DASHBOARD_STALE_AFTER="4",
            DASHBOARD_FEED_READ_TIMEOUT="1",
            DASHBOARD_FEED_RETRIES="0",
            PYTHONPATH=str(ROOT),
        )
        self.watcher = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "results", "watch", self.feed.url,
             "--every", every],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.app = StreamlitServer(self.env)

    def stop(self) -> None:
        self.app.stop()
        self.watcher.terminate()
        try:
            self.watcher.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.watcher.kill()
        self.feed.shutdown()
