"""The public edition, each figure against a baseline in the same run (goals of issue 10):

a. nginx serving index.html (gzip_static) vs a plain static file of the same size, with
   `wrk -t2 -c100` — req/s and ratio (goal ≥ 0.8×);
b. a new snapshot at the feed → `results watch --publish` → visible on the open public page
   (poller every 2 s) — goal ≤ 5 s; baseline: store write + publish in this process;
c. bytes and first contentful paint of index.html vs the Streamlit results page, both under
   Chromium's "Slow 4G" (CDP Network.emulateNetworkConditions: 150 ms, 1,6 Mb/s down,
   750 kb/s up) — goal ≤ 100 KB and FCP ≤ 0.3× Streamlit's;
d. `publish` on the shipped data (in process, and the CLI) vs copying the same bytes.

  .venv/bin/python bench/bench_public.py [--only a,b,c,d] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from dashboard.public.nginx import Nginx  # noqa: E402
from dashboard.public.site import publish  # noqa: E402
from dashboard.store import Store  # noqa: E402
from dashboard.testing import DATA, StreamlitServer, free_port, launch_chromium  # noqa: E402

NBSP = "\u00a0"
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6e6 / 8,
    "uploadThroughput": 750e3 / 8,
}


def shipped_store(tmp: Path) -> Store:
    target = tmp / "store"
    shutil.copytree(DATA / "store", target, ignore=shutil.ignore_patterns(".*", "*.json"))
    return Store(target)


def wrk(url: str, headers: list[str], seconds: int) -> float:
    if shutil.which("wrk") is None:
        if os.geteuid() == 0 and shutil.which("apt-get"):
            subprocess.run(
                "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install "
                "-y -qq wrk >/dev/null",
                shell=True,
                check=True,
            )
        else:
            raise SystemExit("wrk is missing: sudo apt-get install -y wrk")
    cmd = ["wrk", "-t2", "-c100", f"-d{seconds}s", *[a for h in headers for a in ("-H", h)], url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def bench_wrk(tmp: Path, runs: int) -> None:
    publish(shipped_store(tmp), DATA, tmp / "out")
    site = tmp / "out" / "current"
    size = (site / "index.html.gz").stat().st_size
    (site / "plain.bin").write_bytes(os.urandom(size))  # incompressible, same bytes on the wire
    with Nginx(site, tmp / "nginx", free_port()) as server:
        page, plain = [], []
        for _ in range(runs):  # alternated, so that both see the same load of the machine
            page.append(wrk(f"{server.url}/index.html", ["Accept-Encoding: gzip"], 5))
            plain.append(wrk(f"{server.url}/plain.bin", [], 5))
    p, q = statistics.median(page), statistics.median(plain)
    print(f"a. wrk -t2 -c100, 5 s × {runs} alternated runs, {size} bytes on the wire each")
    print(f"   index.html (gzip_static, headers) : median {p:,.0f} req/s")
    print(f"   plain static file, same size      : median {q:,.0f} req/s")
    print(f"   ratio                             : {p / q:.2f}× (goal ≥ 0.8×)")


def bench_live(tmp: Path, runs: int) -> None:
    from bench_live import variant
    from playwright.sync_api import sync_playwright

    from dashboard.feed.replay import start_replay_server
    from dashboard.model import document_rows
    from dashboard.results.record import record_snapshots
    from dashboard.results.views import load_candidates
    from dashboard.testing import night_document

    store_dir, out = tmp / "live-store", tmp / "live-out"
    store_dir.mkdir()
    feed = start_replay_server(2, documents=[], speed=0, data_dir=DATA)
    env = dict(
        os.environ,
        DASHBOARD_DATA_DIR=str(DATA),
        DASHBOARD_STORE_DIR=str(store_dir),
        DASHBOARD_RAW_DIR=str(tmp / "raw"),
        DASHBOARD_PUBLIC_EVERY="2",
        PYTHONPATH=str(ROOT),
    )
    base = night_document("20:40")
    feed.publish(base)
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dashboard",
            "results",
            "watch",
            feed.url,
            "--every",
            "0.5s",
            "--publish",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not (out / "current" / "index.html").exists():
            if time.monotonic() > deadline:
                raise SystemExit("the watcher published nothing in 120 s")
            time.sleep(0.2)
        store = Store(store_dir)
        with (
            Nginx(out / "current", tmp / "nginx-live", free_port()) as server,
            sync_playwright() as p,
        ):
            browser = launch_chromium(p)
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(f"{server.url}/")
            shows = "(v) => document.querySelector('[data-f=\"lead-share\"]').textContent === v"
            via_feed, direct = [], []
            rng = random.Random(7)
            for n in range(1, 2 * runs + 1):
                doc, label = variant(base, n)
                time.sleep(rng.uniform(0, 2))  # a random phase of the page's 2 s poll
                start = time.perf_counter()
                if n % 2:
                    feed.publish(doc)
                else:
                    record_snapshots(
                        store, document_rows(doc), load_candidates(store), allow_flagged=True
                    )
                    with_env(env, lambda: publish(store, DATA, out, every=2))
                page.wait_for_function(shows, arg=f"{label}{NBSP}%", timeout=60_000)
                (via_feed if n % 2 else direct).append(time.perf_counter() - start)
            browser.close()
    finally:
        watcher.terminate()
        watcher.wait(10)
        feed.shutdown()
    f, d = statistics.median(via_feed), statistics.median(direct)
    print(f"b. new snapshot → visible on the open page (poll 2 s, watcher 0.5 s), {runs} runs each")
    print(
        f"   feed → watch --publish → nginx → page : median {f:.2f} s, max {max(via_feed):.2f} s"
        " (goal ≤ 5 s)"
    )
    print(f"   baseline: store write + publish here : median {d:.2f} s, max {max(direct):.2f} s")


def with_env(env: dict[str, str], fn):
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return fn()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def load(browser, url: str, ready: str) -> tuple[int, float]:
    """Bytes received (encoded, all requests) and FCP (ms) of `url` under Slow 4G."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    received = [0]
    cdp.on(
        "Network.loadingFinished",
        lambda e: received.__setitem__(0, received[0] + e["encodedDataLength"]),
    )
    cdp.on(
        "Network.webSocketFrameReceived",
        lambda e: received.__setitem__(0, received[0] + len(e["response"]["payloadData"])),
    )
    page.goto(url, wait_until="load", timeout=300_000)
    page.wait_for_selector(ready, timeout=300_000)
    page.wait_for_timeout(1000)
    fcp = page.evaluate("() => performance.getEntriesByName('first-contentful-paint')[0].startTime")
    context.close()
    return received[0], float(fcp)


def bench_fcp(tmp: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    store = shipped_store(tmp)
    publish(store, DATA, tmp / "out")
    env = dict(
        os.environ,
        DASHBOARD_DATA_DIR=str(DATA),
        DASHBOARD_STORE_DIR=str(store.root),
        PYTHONPATH=str(ROOT),
    )
    app = StreamlitServer(env)
    try:
        with (
            Nginx(tmp / "out" / "current", tmp / "nginx-fcp", free_port()) as server,
            sync_playwright() as p,
        ):
            browser = launch_chromium(p)
            load(browser, f"{app.url}/?round=2", ".js-plotly-plot .bars .point")  # warm caches
            public, streamlit = [], []
            for _ in range(runs):
                public.append(load(browser, f"{server.url}/", "[data-f='lead-share']"))
                streamlit.append(
                    load(browser, f"{app.url}/?round=2", ".js-plotly-plot .bars .point")
                )
            browser.close()
    finally:
        app.stop()
    pb, pf = statistics.median(b for b, _ in public), statistics.median(f for _, f in public)
    sb, sf = (
        statistics.median(b for b, _ in streamlit),
        statistics.median(f for _, f in streamlit),
    )
    print(f"c. Slow 4G (150 ms, 1,6 Mb/s), 390 px, cache off, medians of {runs}")
    print(f"   public index.html : {pb / 1024:,.1f} KB, FCP {pf:,.0f} ms (goal ≤ 100 KB)")
    print(f"   Streamlit results : {sb / 1024:,.1f} KB, FCP {sf:,.0f} ms (until the bars)")
    print(f"   ratio             : bytes {pb / sb:.3f}×, FCP {pf / sf:.2f}× (goal ≤ 0.3×)")


def bench_publish(tmp: Path, runs: int) -> None:
    store = shipped_store(tmp)
    publish(store, DATA, tmp / "warm")  # imports and the first figures: not what is measured
    fresh, again, copy = [], [], []
    for i in range(runs):
        start = time.perf_counter()
        report = publish(store, DATA, tmp / f"fresh-{i}")
        fresh.append(time.perf_counter() - start)
        start = time.perf_counter()
        publish(store, DATA, tmp / f"fresh-{i}")
        again.append(time.perf_counter() - start)
        start = time.perf_counter()
        shutil.copytree(report.site, tmp / f"copy-{i}")
        copy.append(time.perf_counter() - start)
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(DATA), DASHBOARD_STORE_DIR=str(store.root))
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dashboard", "publish", "--out", str(tmp / "cli")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    cli = time.perf_counter() - start
    f, a, c = statistics.median(fresh), statistics.median(again), statistics.median(copy)
    print(
        f"d. publish on the shipped data ({report.files} files, {report.bytes / 1024:.0f} KB"
        f" + compressed siblings), medians of {runs}"
    )
    print(f"   publish into a new DIR (in process)   : {f:.2f} s (goal ≤ 1 s)")
    print(f"   publish again, nothing changed        : {a:.2f} s")
    print(f"   baseline: copying the same files      : {c:.3f} s → publish costs {f / c:.0f}×")
    print(f"   `python -m dashboard publish` (CLI)   : {cli:.2f} s, with Python start and imports")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="a,b,c,d")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    benches = {"a": bench_wrk, "b": bench_live, "c": bench_fcp, "d": bench_publish}
    for key in args.only.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            benches[key](Path(tmp), args.runs)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
