"""Many staff at once, through Streamlit's agent API: our app against a minimal one-chart app
(bench/minimal_app.py), both started in this run.

Part 1 — load: SESSIONS simulated readers, CONCURRENCY at a time; each opens the results page
(`{}` creates a session), switches round (`widget_state`) and opens the reactions page
(`page`); the minimal app gets the same three script runs (create, then two reruns). Prints
script runs/s, p50/p95 of a run, and server memory per session (RSS delta / sessions).

Part 2 — a filter change on the reactions page with 1 000 synthetic reactions against the
shipped 6: the median time of a "Camp" filter change, and the ratio.

    .venv/bin/python bench/bench_load.py [--sessions 100] [--concurrency 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from dashboard.testing import DATA, StreamlitServer, data_env

AGENT = [
    "--server.enableAgentApi",
    "true",
    "--server.agentMaxSessions",
    "2000",
    "--server.agentWaitTimeout",
    "300",
]


class Agent:
    """`POST /_stcore/agent/interact` against one server."""

    def __init__(self, server: StreamlitServer) -> None:
        self.server = server
        self.url = f"{server.url}/_stcore/agent/interact"

    def interact(self, body: dict[str, Any]) -> tuple[dict[str, Any], float]:
        req = urllib.request.Request(
            self.url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=600) as response:
                out = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            out = json.loads(exc.read())
        elapsed = time.perf_counter() - start
        if "error" in out:
            raise RuntimeError(f"agent API refused {body}: {out['error']}")
        if out.get("status") == "error":
            raise RuntimeError(f"the app raised on {body}")
        return out, elapsed

    def rss_kib(self) -> int:
        status = Path(f"/proc/{self.server.proc.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS"))
        return int(line.split()[1])


def key_of(snapshot: dict[str, Any], label: str) -> str:
    return next(a["key"] for a in snapshot["actions"] if a.get("label") == label)


def options_of(snapshot: dict[str, Any], key: str) -> list[Any]:
    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("key") == key:
                return node.get("props", {}).get("options")
            for value in node.values():
                if (found := walk(value)) is not None:
                    return found
        elif isinstance(node, list):
            for value in node:
                if (found := walk(value)) is not None:
                    return found
        return None

    return walk(snapshot["tree"]) or []


def staff_session(agent: Agent, minimal: bool) -> list[float]:
    first, t1 = agent.interact({})
    sid = first["session_id"]
    if minimal:
        _, t2 = agent.interact({"session_id": sid})
        _, t3 = agent.interact({"session_id": sid})
        return [t1, t2, t3]
    rounds = options_of(first, "round")
    other = next(r for r in rounds if r != rounds[-1]) if len(rounds) > 1 else rounds[0]
    _, t2 = agent.interact({"session_id": sid, "widget_state": {"round": other}})
    _, t3 = agent.interact({"session_id": sid, "page": "reactions"})
    return [t1, t2, t3]


def load(agent: Agent, *, minimal: bool, sessions: int, concurrency: int) -> dict[str, float]:
    staff_session(agent, minimal)  # warm-up: imports, first reads (not counted)
    before = agent.rss_kib()
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        runs = [
            t
            for ts in pool.map(lambda _: staff_session(agent, minimal), range(sessions))
            for t in ts
        ]
    wall = time.perf_counter() - start
    runs.sort()
    return {
        "runs_s": len(runs) / wall,
        "p50": statistics.median(runs),
        "p95": runs[int(0.95 * (len(runs) - 1))],
        "kib": (agent.rss_kib() - before) / sessions,
    }


def synthetic_store(root: Path, entries: int) -> Path:
    """The shipped store plus a live blog of `entries` reactions (one a minute, newest first,
    speakers of the gazetteer in turn)."""
    from dashboard.liveblog.parse import read_liveblog
    from dashboard.liveblog.reactions import load_people
    from dashboard.liveblog.store import ingest_liveblog
    from dashboard.store import Store

    store_dir = root / "store"
    shutil.copytree(DATA / "store", store_dir)
    gazetteer = load_people(DATA / "people.csv", DATA / "camps.csv")
    names = [p.name for p in gazetteer.people.values() if p.is_speaker]
    newest = dt.datetime(2017, 1, 30, 8, 59)
    parts = []
    for i in range(entries):
        when = newest - dt.timedelta(minutes=i)
        name = names[i % len(names)]
        parts.append(
            f"{when.hour}h{when.minute:02d} : {name} réagit\n\n{name} a déclaré sur "
            f"France Inter : « le rassemblement est possible » (entrée {i})."
        )
    url = "https://example.org/direct-synthetique"
    parsed = read_liveblog("\n\n".join(parts), blog_date=newest.date(), source_url=url)
    ingest_liveblog(Store(store_dir), parsed, source_url=url, gazetteer=gazetteer)
    return store_dir


def filter_change(agent: Agent, changes: int) -> float:
    """Median time of a change of the "Camp" filter on the reactions page."""
    snap, _ = agent.interact({"page": "reactions"})
    sid, key = snap["session_id"], key_of(snap, "Camp")
    camps = options_of(snap, key)
    times = []
    for n in range(changes):
        _, elapsed = agent.interact(
            {"session_id": sid, "widget_state": {key: [camps[n % len(camps)]]}}
        )
        times.append(elapsed)
    return statistics.median(times)


def entry_count(store_dir: Path) -> int:
    from dashboard.liveblog.store import current_entries
    from dashboard.store import Store

    return len(current_entries(Store(store_dir)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        shipped = Path(tmp) / "shipped"
        shutil.copytree(DATA / "store", shipped)
        big = synthetic_store(Path(tmp) / "big", args.entries)
        ours = StreamlitServer(data_env(shipped), options=AGENT)
        base = StreamlitServer(data_env(shipped), script="bench/minimal_app.py", options=AGENT)
        try:
            a = load(
                Agent(ours), minimal=False, sessions=args.sessions, concurrency=args.concurrency
            )
            b = load(
                Agent(base), minimal=True, sessions=args.sessions, concurrency=args.concurrency
            )
        finally:
            ours.stop()
            base.stop()
        small_server = StreamlitServer(data_env(shipped), options=AGENT)
        big_server = StreamlitServer(data_env(big), options=AGENT)
        try:
            small = filter_change(Agent(small_server), args.changes)
            large = filter_change(Agent(big_server), args.changes)
        finally:
            small_server.stop()
            big_server.stop()
        n_small, n_large = entry_count(shipped), entry_count(big)
    print(f"{args.sessions} staff sessions, {args.concurrency} at a time, 3 script runs each")
    for name, r in (("dashboard (results, round, reactions)", a), ("minimal one-chart app", b)):
        print(
            f"  {name:<38}: {r['runs_s']:5.2f} runs/s, p50 {r['p50']:.2f} s, "
            f"p95 {r['p95']:.2f} s, {r['kib']:+.0f} KiB/session"
        )
    print(
        f"  ratio runs/s dashboard / minimal       : {a['runs_s'] / b['runs_s']:.2f}× "
        "(goal ≥ 0.9×; memory goal ≤ 200 KiB/session)"
    )
    print(f"filter change on the reactions page, median of {args.changes}")
    print(f"  {n_large:>5} reactions : {large:.3f} s")
    print(f"  {n_small:>5} reactions : {small:.3f} s")
    print(f"  ratio                  : {large / small:.2f}× (goal ≤ 1.5×)")


if __name__ == "__main__":
    main()
