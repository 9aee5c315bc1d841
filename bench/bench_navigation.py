"""Navigation → vote split bars visible in headless Chromium: this app vs a minimal one-chart
Streamlit app, both started side by side in this run. Prints both medians and the ratio.

    .venv/bin/python bench/bench_navigation.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

from playwright.sync_api import sync_playwright

from dashboard.testing import ROOT, StreamlitServer, launch_chromium

SELECTOR = ".js-plotly-plot .bars .point"


def measure(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(SELECTOR, timeout=60_000)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    import os

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    app = StreamlitServer(env)
    minimal = StreamlitServer(env, script="bench/minimal_app.py")
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            # One warm-up each (first script run imports plotly/pandas), then alternate.
            measure(browser, f"{app.url}/?round=2")
            measure(browser, minimal.url)
            ours, base = [], []
            for _ in range(args.runs):
                ours.append(measure(browser, f"{app.url}/?round=2"))
                base.append(measure(browser, minimal.url))
            browser.close()
    finally:
        app.stop()
        minimal.stop()
    m_ours, m_base = statistics.median(ours), statistics.median(base)
    print(f"navigation → vote split bars visible, median of {args.runs} runs")
    print(f"  dashboard results page : {m_ours:.2f} s")
    print(f"  minimal one-chart app  : {m_base:.2f} s")
    print(f"  ratio                  : {m_ours / m_base:.2f}× (goal ≤ 1.2×)")


if __name__ == "__main__":
    main()
