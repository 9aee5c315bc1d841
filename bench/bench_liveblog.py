"""Benchmark: parse a synthetic 10,000-entry live blog (mixed time-stamp conventions).

Prints the parse rate in entries/s against the goal (≥ 20,000 entries/s) and, as a baseline
measured in the same run on the same text, the cost of a bare `str.splitlines()`; also the
rate of reaction extraction. Exits 1 when the parse rate is below the goal or the parse is
wrong (the generated dates and times are checked).

    python bench/bench_liveblog.py [--entries N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.liveblog.parse import parse_liveblog  # noqa: E402
from dashboard.liveblog.reactions import extract_reaction, load_people  # noqa: E402
from dashboard.testing import DATA  # noqa: E402

GOAL = 20_000  # entries/s
WEEKDAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
BODY = (
    "Les bureaux étaient ouverts de 9h à 19h et les résultats sont attendus vers 20h30. "
    "Benoît Hamon a répondu sur France Inter : « le rassemblement est possible ».\n\n"
    "Participation :\n12h : au moins 567 000 votants\n- 17h : plus de 1 200 000 votants\n\n"
    "Un second paragraphe, publié le 29/01/2017 à 18:15, pour donner du corps à l'entrée."
)


def stamp(i: int, when: dt.datetime) -> str:
    """The i-th entry in one of the conventions the parser reads (rotating)."""
    h, m = when.hour, when.minute
    match i % 8:
        case 0:
            return f"{h}h{m:02d} : Titre de l'entrée {i}\n\n{BODY}"
        case 1:
            return f"{h}h{m:02d}. Titre {i}. {BODY}"
        case 2:
            return f"{h}h{m:02d} - {BODY}"
        case 3:
            return f"A {h}h{m:02d} : {BODY}"
        case 4:
            return f"{when:%d/%m/%y} - {h}:{m:02d}\n{BODY}"
        case 5:
            return f"{WEEKDAYS[when.weekday()]}, {h}h{m:02d}. Titre {i}\n{BODY}"
        case 6:
            return f"{when:%d/%m} {h}:{m:02d}\n{BODY}"
        case _:
            return f"{h}h{m:02d}: {BODY}"


def synthetic_blog(n: int) -> tuple[str, list[dt.datetime], dt.date]:
    """A newest-first blog of n entries, 7 minutes apart, crossing many midnights."""
    newest = dt.datetime(2017, 1, 30, 8, 24)
    times = [newest - dt.timedelta(minutes=7 * i) for i in range(n)]
    text = "Le direct de la soirée.\n\n" + "\n\n".join(stamp(i, t) for i, t in enumerate(times))
    return text + "\n", times, times[-1].date()


def best_of(repeat: int, fn) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    text, times, start_day = synthetic_blog(args.entries)
    url = "https://example.org/direct"
    entries = parse_liveblog(text, blog_date=start_day, source_url=url)
    got = [(e.date, e.hhmm) for e in entries]
    want = [(t.date(), f"{t:%H:%M}") for t in times]
    if got != want:
        wrong = next(i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b)
        print(f"WRONG PARSE: {len(got)} entries for {len(want)}; first difference at #{wrong}")
        return 1

    parse_s = best_of(
        args.repeat, lambda: parse_liveblog(text, blog_date=start_day, source_url=url)
    )
    split_s = best_of(args.repeat, text.splitlines)
    rate = len(entries) / parse_s
    gazetteer = load_people(DATA / "people.csv")
    sample = entries[:2000]
    react_s = best_of(1, lambda: [extract_reaction(e, gazetteer) for e in sample])

    size_mb = len(text.encode()) / 1e6
    print(
        f"synthetic blog: {len(entries):,} entries, {size_mb:.1f} MB, 8 conventions, newest first"
    )
    print(
        f"parse_liveblog:      {parse_s * 1000:8.1f} ms  → {rate:,.0f} entries/s (goal ≥ {GOAL:,})"
    )
    print(
        f"baseline splitlines: {split_s * 1000:8.1f} ms  → parse costs {parse_s / split_s:.0f}× "
        "a bare line split of the same text"
    )
    print(
        f"extract_reaction:    {len(sample) / react_s:,.0f} entries/s (on {len(sample):,} entries)"
    )
    if rate < GOAL:
        print(f"BELOW GOAL: {rate:,.0f} < {GOAL:,} entries/s")
        return 1
    print("goal met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
