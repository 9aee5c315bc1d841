"""A 50 MB text live blog (~20 000 entries of ~2.5 kB, times in prose): parse time, against a
bare `bytes.decode` + `str.splitlines()` of the same text in the same run (the least any
reader must do). Moved here from the tests: speed is measured, never asserted in a test.

    .venv/bin/python bench/bench_liveblog_large.py [--mb 50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from dashboard.liveblog.parse import read_liveblog
from dashboard.testing import long_blog

GOAL_S = 20.0  # the old test's bound, for 50 MB on this machine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=50)
    args = parser.parse_args()
    data = long_blog(args.mb * 1024 * 1024)
    start = time.perf_counter()
    data.decode("utf-8").splitlines()
    base = time.perf_counter() - start
    start = time.perf_counter()
    blog = read_liveblog(
        data, blog_date=dt.date(2017, 1, 29), source_url="https://example.org/direct"
    )
    parse = time.perf_counter() - start
    print(f"{len(data) / 1e6:.1f} MB, {len(blog.entries):,} entries")
    print(f"  read_liveblog          : {parse:6.2f} s (goal ≤ {GOAL_S:.0f} s for 50 MB)")
    print(f"  baseline decode+split  : {base:6.2f} s")
    print(f"  ratio                  : {parse / base:.0f}×")


if __name__ == "__main__":
    main()
