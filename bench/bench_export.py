"""Export timings: cold first export, warm export per chart vs one browser per call, --all.

    .venv/bin/python bench/bench_export.py [--repeat 10] [--baseline-repeat 3] [--no-all]

Reads the charts from the configured store (DASHBOARD_DATA_DIR / DASHBOARD_STORE_DIR; run
`python -m dashboard data build` first). Goal: a warm PNG, article preset, in ≤ 0.25 s.

- cold: a fresh process's first export (Chromium start included), interpreter start excluded;
- warm, interactive: the persistent browser, with a pause between exports as an editor's
  clicks have (the tab reload then happens off the clock);
- warm, back-to-back: exports in a tight loop (what `export --all` sees);
- baseline: `plotly.io.to_image` of the same framed figure without a server (kaleido starts
  and closes a browser for every call), measured in the same run;
- `export --all`: the CLI in a subprocess, every chart × preset × format, wall clock.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_S = 0.25

_COLD = """
import time
from dashboard import settings
from dashboard.export import formats, frame as layout, render
from dashboard.charts.bundles import build_chart
from dashboard.store import Store
b = build_chart("vote-split", store=Store(settings.store_dir()), data_dir=settings.election_dir())
t0 = time.perf_counter()
formats.export_chart(b.fig, fmt="png", preset="article", frame=b, data=b.data)
print(time.perf_counter() - t0)
"""


def _bundles() -> list:
    from dashboard import settings
    from dashboard.charts.bundles import CHARTS, build_chart
    from dashboard.errors import DashboardError
    from dashboard.store import Store

    store = Store(settings.store_dir())
    out = []
    for name in CHARTS:
        try:
            out.append(build_chart(name, store=store, data_dir=settings.election_dir()))
        except (DashboardError, ImportError) as exc:
            print(f"  (skipped {name}: {exc})")
    if not out:
        sys.exit("no chart could be built: run `python -m dashboard data build` first")
    return out


def _timed(fn, repeat: int, pause: float = 0.0) -> list[float]:
    times = []
    for _ in range(repeat):
        if pause:
            time.sleep(pause)
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def _fmt(times: list[float]) -> str:
    p90 = sorted(times)[max(0, round(0.9 * len(times)) - 1)]
    return f"median {statistics.median(times):.3f} s, p90 {p90:.3f} s (n={len(times)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--baseline-repeat", type=int, default=3)
    parser.add_argument("--no-all", action="store_true", help="skip the `export --all` run")
    args = parser.parse_args()

    import plotly.io as pio

    from dashboard.export import formats, render
    from dashboard.export import frame as layout

    print("cold first export (new process, new Chromium), vote-split PNG article:")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _COLD], cwd=ROOT, capture_output=True, text=True, check=True
    )
    cold = float(proc.stdout.strip().splitlines()[-1])
    print(f"  {cold:.2f} s in the process ({time.perf_counter() - t0:.2f} s with Python start)")

    bundles = _bundles()
    render.warm_up()
    formats.export_chart(bundles[0].fig, fmt="png", frame=bundles[0])  # first page load
    p = layout.PRESETS["article"]
    warm_all, base_all = [], []
    print("warm export per chart, PNG article (2400×1350):")
    for b in bundles:

        def warm(b=b) -> None:
            formats.export_chart(b.fig, fmt="png", preset="article", frame=b, data=b.data)

        interactive = _timed(warm, args.repeat, pause=0.5)
        batch = _timed(warm, args.repeat)
        framed = layout.frame_figure(b.fig, layout.Frame.of(b), p)

        def baseline(framed=framed) -> None:
            pio.to_image(framed, format="png", width=p.width, height=p.height, scale=2)

        base = _timed(baseline, args.baseline_repeat)
        warm_all += interactive
        base_all += base
        mark = "ok" if statistics.median(interactive) <= GOAL_S else f"over {GOAL_S} s"
        print(f"  {b.name:<20} interactive {_fmt(interactive)} [{mark}]")
        print(f"  {'':<20} back-to-back {_fmt(batch)}")
        print(f"  {'':<20} baseline, one browser per call: {_fmt(base)}")
    warm_med, base_med = statistics.median(warm_all), statistics.median(base_all)
    verdict = "meets" if warm_med <= GOAL_S else "MISSES"
    print(
        f"warm (interactive) median over all charts {warm_med:.3f} s vs baseline "
        f"{base_med:.3f} s: {base_med / warm_med:.1f}× faster; {verdict} the {GOAL_S} s goal"
    )

    if not args.no_all:
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "dashboard", "export", "--all", "--out", out],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            elapsed = time.perf_counter() - t0
            files = list(Path(out).iterdir())
            size = sum(f.stat().st_size for f in files) / 1e6
        print(
            f"export --all: {len(files)} files ({size:.0f} MB) in {elapsed:.1f} s "
            f"(exit {proc.returncode}, Python start and one Chromium start included)"
        )
    render.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
