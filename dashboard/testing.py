"""Helpers shared by tests/ and bench/: free ports, a real `streamlit run` server, the CLI run
in-process or as a real subprocess, Debian's Chromium, the replay + watcher + app rig, and a
feed serving hostile documents.

Not imported by the app or the CLI; it needs no pytest, so the benchmarks use it as is.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from dashboard import settings

ROOT = Path(__file__).resolve().parent.parent
# data/ holds every election; DATA is the default election's folder (data/elections/<id>).
DATA_ROOT = ROOT / "data"
DATA = settings.election_dir(DATA_ROOT, settings.default_election(DATA_ROOT))
CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium as Playwright drives it: no sandbox (containers), no GPU, nothing phoned home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium through Playwright (never `playwright install`)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def data_env(store_dir: Path, raw_dir: Path | None = None, **extra: str) -> dict[str, str]:
    """Environment for a subprocess: the shipped sources, `store_dir` as the store."""
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(DATA_ROOT), DASHBOARD_STORE_DIR=str(store_dir))
    env["DASHBOARD_ELECTION"] = DATA.name
    env["DASHBOARD_RAW_DIR"] = str(raw_dir or store_dir.parent / "raw")
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def long_blog(size: int) -> bytes:
    """A newest-first text live blog of at least `size` bytes: entries of ~2.5 kB (long
    paragraphs, times in prose), 72 a day from 23:50 down to 00:10, repeated day after day."""
    sentence = "Un paragraphe qui reprend une déclaration faite vers 20h30 et la commente. "
    block = "{h}h{m:02d} : Titre de l'entrée\n\n" + (sentence * 16 + "\n\n") * 2
    chunk = "".join(block.format(h=h, m=m) for h in range(23, -1, -1) for m in (50, 30, 10))
    return (chunk * (size // len(chunk.encode()) + 1)).encode()


# --- the command line ----------------------------------------------------------------------


@dataclass
class CliResult:
    """What a run of the command line left: exit code, stdout and stderr as bytes (the
    shape of subprocess.CompletedProcess, so a test reads both the same way)."""

    returncode: int
    stdout: bytes
    stderr: bytes


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    input: bytes | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess:
    """`python -m dashboard ARGS` as a real process (for what needs one: signals, stdin of a
    real pipe, a process that must die)."""
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        input=input,
        timeout=timeout,
    )


def call_cli(args: Sequence[str], env: dict[str, str], stdin: bytes | None = None) -> CliResult:
    """`dashboard.cli.main.main(args)` in this process, under `env` (restored after), with
    stdout/stderr captured — the same exit code and output as the process, without the
    interpreter start-up and imports."""
    from dashboard.cli.main import main

    saved = dict(os.environ)
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    fake_in = io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8")  # has .buffer
    old_in, old_cwd = sys.stdin, os.getcwd()
    os.environ.clear()
    os.environ.update(env)
    sys.stdin = fake_in
    os.chdir(ROOT)  # relative paths mean what they mean to `python -m dashboard` run from ROOT
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse errors and --help exit like the process
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
            stdout.flush()
            stderr.flush()
    finally:
        sys.stdin = old_in
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(saved)
    return CliResult(int(code or 0), out.getvalue(), err.getvalue())


# --- a real Streamlit server ---------------------------------------------------------------


class StreamlitServer:
    """`streamlit run SCRIPT` on a free loopback port, waited for until healthy."""

    def __init__(
        self,
        env: dict[str, str],
        script: str = "dashboard/app/main.py",
        options: Sequence[str] = (),
        timeout: float = 60,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                *options,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit did not start within {timeout:.0f} s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@contextlib.contextmanager
def streamlit_server(env: dict[str, str], **kwargs: Any) -> Iterator[StreamlitServer]:
    server = StreamlitServer(env, **kwargs)
    try:
        yield server
    finally:
        server.stop()


# --- replay feed + watcher + app -----------------------------------------------------------


def night_document(at: str, round_: int | None = None) -> dict:
    """The shipped snapshot current at `at` on election night (of the last round unless
    `round_` says otherwise), as a feed document."""
    from dashboard.results.views import results_document
    from dashboard.store import Store

    return results_document(Store(DATA / "store"), DATA, round_=round_, at=at)


class LiveRig:
    """An empty store fed by `results watch` from a replay server that serves only what the
    test publishes, and the app reading that store."""

    def __init__(self, tmp: Path, *, every: str = "0.5s", live_every: int = 2) -> None:
        from dashboard.feed.replay import start_replay_server

        self.store_dir = tmp / "live-store"
        self.store_dir.mkdir(parents=True)
        self.feed = start_replay_server(2, documents=[], speed=0, data_dir=DATA)
        self.env = data_env(
            self.store_dir,
            tmp / "raw",
            DASHBOARD_LIVE_EVERY=str(live_every),
            DASHBOARD_STALE_AFTER="4",
            DASHBOARD_FEED_READ_TIMEOUT="1",
            DASHBOARD_FEED_RETRIES="0",
        )
        self.watcher = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dashboard",
                "results",
                "watch",
                self.feed.url,
                "--every",
                every,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.app = StreamlitServer(self.env)

    def stop(self) -> None:
        self.app.stop()
        self.watcher.terminate()
        try:
            self.watcher.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.watcher.kill()
        self.feed.shutdown()


# --- a feed serving the hostile fixtures (issue 8) -----------------------------------------
# tests/fixtures/hostile/ by name (`/<file>`), or as a sequence — each request gets the next
# payload, the last one stays — with an ETag per payload and If-None-Match → 304, like a feed.

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
TYPES = {
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".csv": "text/csv; charset=windows-1252",
    ".xml": "application/xml",
}


class HostileFeed:
    """`url(name)` serves one fixture (of tests/fixtures/hostile, or `folder`);
    `sequence_url` serves `sequence` in turn."""

    def __init__(self, sequence: list[str] | None = None, folder: Path = HOSTILE) -> None:
        self.sequence = list(sequence or [])
        self.served: list[str] = []  # names, one per request of the sequence
        self._lock = threading.Lock()
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # http.server calls it by this name
                name = self.path.lstrip("/")
                if name == "sequence":
                    with feed._lock:
                        index = min(len(feed.served), len(feed.sequence) - 1)
                        name = feed.sequence[index]
                        feed.served.append(name)
                path = folder / name
                if not path.is_file():
                    self.send_error(404)
                    return
                body = path.read_bytes()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", TYPES.get(path.suffix, "text/plain"))
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    @property
    def sequence_url(self) -> str:
        return f"{self.base}/sequence"

    def shutdown(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- an election with results by département ---------------------------------------------------

MAP_FIXTURE = (
    ROOT / "tests" / "fixtures" / "map" / "presidentielle-2022-departements-definitifs.csv"
)
MINISTRY_2022 = ROOT / "tests" / "fixtures" / "ministry" / "presidentielle-2022"
# When each round's definitive results by département were published (data.gouv.fr).
_DEFINITIVE_2022 = {1: "2022-04-14T15:23:56+02:00", 2: "2022-04-28T14:21:27+02:00"}
_DPT_URL = (
    "https://static.data.gouv.fr/resources/election-presidentielle-des-10-et-24-avril-2022-"
    "resultats-definitifs-du-{n}-tour/resultats-par-niveau-dpt-t{r}-france-entiere.txt"
)


def election_with_departements(folder: Path) -> Path:
    """A one-election data folder (election.toml, candidates.csv, results.csv) for the 2022
    presidential election: both rounds' definitive results by département as the ministry
    published them (tests/fixtures/map), and national rows that are their sums — what an
    election with results by area holds, for the map's app and browser tests."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("election.toml", "candidates.csv"):
        (folder / name).write_bytes((MINISTRY_2022 / name).read_bytes())
    with MAP_FIXTURE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    header = (
        "election_id,round,snapshot_id,as_of,status,kind,bureaux_counted,bureaux_total,"
        "votants,exprimes,blancs,nuls,candidate_id,votes,share_published,share_base,"
        "source_url,note,area_level,area_code,area_name"
    )
    out = [header]
    for round_ in (1, 2):
        mine = [r for r in rows if r["round"] == str(round_)]
        sid = f"t{round_}-definitif"
        url = _DPT_URL.format(n="1er" if round_ == 1 else "2nd", r=round_)
        head = f"presidentielle-2022,{round_},{sid},{_DEFINITIVE_2022[round_]},definitive,count,,,"
        exprimes = sum({r["area_code"]: int(r["exprimes"]) for r in mine}.values())
        totals: dict[str, int] = {}
        for r in mine:
            totals[r["candidate_id"]] = totals.get(r["candidate_id"], 0) + int(r["votes"])
        for cid, votes in totals.items():
            out.append(f"{head},{exprimes},,,{cid},{votes},,exprimes,{url},,,,")
        for r in mine:
            name = '"' + r["area_name"].replace('"', '""') + '"'
            out.append(
                f"{head},{r['exprimes']},,,{r['candidate_id']},{r['votes']},,exprimes,{url},,"
                f"departement,{r['area_code']},{name}"
            )
    (folder / "results.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    return folder


def built_election_with_departements(root: Path, *, night: bool = False) -> dict[str, str]:
    """`election_with_departements` under `root`, built into `root/store` by `data build`:
    the environment of a process that reads it (no embargo, no election chosen). `night`:
    with the election night's turnout reports and timed counts as shipped (night.csv), all
    before any result by département."""
    folder = election_with_departements(root / "presidentielle-2022")
    if night:
        shipped = settings.election_dir(DATA_ROOT, "presidentielle-2022") / "night.csv"
        (folder / "night.csv").write_bytes(shipped.read_bytes())
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(folder), DASHBOARD_STORE_DIR=str(root / "store"))
    env["DASHBOARD_RAW_DIR"] = str(root / "raw")
    env.pop("DASHBOARD_ELECTION", None)
    env.pop("DASHBOARD_EMBARGO_UNTIL", None)
    built = call_cli(["data", "build"], env)
    if built.returncode:
        raise RuntimeError(built.stderr.decode("utf-8", "replace"))
    return env
