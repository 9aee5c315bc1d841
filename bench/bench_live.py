"""Feed publishes → figure visible in the browser, with run_every = 2 s (goal ≤ 3 s).

Replay server (publishes on demand) → `results watch --every 0.5s` → store → the app's live
fragment (run_every 2 s) → Chromium. The baseline, measured in the same run on the same
page, is a write straight into the store (no feed, no watcher): the ratio is the cost of
the feed path on top of the fragment's own refresh.

    .venv/bin/python bench/bench_live.py [--runs 8]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from dashboard.model import document_rows
from dashboard.results.record import record_snapshots
from dashboard.results.views import load_candidates
from dashboard.store import Store
from dashboard.testing import LiveRig, launch_chromium, night_document

SHOWS = (
    "(v) => [...document.querySelectorAll('.js-plotly-plot .bartext')]"
    ".some(t => t.textContent.includes(v))"
)


def variant(base: dict, n: int) -> tuple[dict, str]:
    """A new snapshot (later time, different shares) whose bar label is unique."""
    doc = dict(base)
    share = round(55.0 + n * 0.37, 2)
    doc["snapshot_id"] = f"bench-{n}"
    doc["as_of"] = f"2017-01-29T{21 + n // 60:02d}:{n % 60:02d}:00+01:00"
    doc["candidates"] = [
        {"id": "hamon", "name": "", "votes": None, "share": share},
        {"id": "valls", "name": "", "votes": None, "share": round(100 - share, 2)},
    ]
    doc["bureaux_counted"] = 4400 + n
    doc["votants"] = 1_200_000 + n
    label = f"{share:.2f}".replace(".", ",")
    return doc, label


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rig = LiveRig(Path(tmp), every="0.5s", live_every=2)
        store = Store(rig.store_dir)
        try:
            base = night_document("20:40")
            rig.feed.publish(base)
            with sync_playwright() as p:
                browser = launch_chromium(p)
                page = browser.new_page(viewport={"width": 1400, "height": 1400})
                page.goto(f"{rig.app.url}/direct")
                page.wait_for_function(SHOWS, arg="58,65", timeout=60_000)
                feed, direct = [], []
                rng = random.Random(7)
                for n in range(1, 2 * args.runs + 1):
                    doc, label = variant(base, n)
                    # Publish at a random phase of the fragment's 2 s cycle, as a feed would.
                    time.sleep(rng.uniform(0, 2))
                    start = time.perf_counter()
                    if n % 2:
                        rig.feed.publish(doc)
                    else:
                        record_snapshots(
                            store, document_rows(doc), load_candidates(store), allow_flagged=True
                        )
                    page.wait_for_function(SHOWS, arg=label, timeout=30_000)
                    (feed if n % 2 else direct).append(time.perf_counter() - start)
                browser.close()
        finally:
            rig.stop()
    f, d = statistics.median(feed), statistics.median(direct)
    print(f"publish → figure visible (run_every 2 s, watcher every 0.5 s), {args.runs} runs each")
    print(
        f"  feed → watcher → store → browser : median {f:.2f} s, max {max(feed):.2f} s (goal ≤ 3 s)"
    )
    print(f"  baseline: store write → browser  : median {d:.2f} s, max {max(direct):.2f} s")
    print(f"  ratio feed / baseline            : {f / d:.2f}×")


if __name__ == "__main__":
    main()
