"""Score the live-blog parser against the hand-labelled corpus of real French live blogs.

The corpus is `tests/fixtures/liveblogs/`: one `<name>.txt` per blog (an excerpt of a real
page, text as the page gives it) and one `<name>.labels.json` with the source URL, outlet,
election, the stamp conventions it shows and the expected entries in reading order, each
`{"time": "HH:MM", "starts": "first words…", "headline": "…" | null}`, labelled by hand.

For the parser and, in the same run, for a naive baseline (one entry per line matching
`^\\d{1,2}h\\d{2}?[:.-]`, the one-line regex of issue 11, as Python's `re` reads it: `\\d{2}?`
is exactly two digits, lazily, so it needs `HHhMM` glued to its separator) it prints per blog
and overall (plus, overall only, a lenient reading of that regex, `^\\d{1,2}h(\\d{2})? ?[:.-]`:
minutes optional, one space allowed before the separator):

- recall: expected entries found with the right time and a text that starts with `starts`
  (compared on letters and digits only, so "Titre. Texte" matches a headline "Titre" and a
  body "Texte");
- precision: found entries that match an expected one;
- headline accuracy: of the matched entries, those whose headline is exactly the labelled one
  (null included), whitespace runs collapsed.

Overall figures sum over all entries (micro averages). Always exits 0.

    python bench/bench_liveblog_corpus.py [--misses] [--blog NAME]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.errors import ParseError  # noqa: E402
from dashboard.liveblog.parse import read_liveblog  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "liveblogs"
NAIVE = re.compile(r"^\d{1,2}h\d{2}?[:.-]", re.M)
LENIENT = re.compile(r"^\d{1,2}h(\d{2})? ?[:.-]", re.M)
_NAIVE_TIME = re.compile(r"(\d{1,2})h(\d{2})?")
_NOT_WORD = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Expected:
    time: str
    starts: str
    headline: str | None


@dataclass(frozen=True, slots=True)
class Found:
    time: str
    text: str  # headline and body as one text
    headline: str | None


@dataclass(slots=True)
class Blog:
    name: str
    text: str
    labels: dict
    expected: list[Expected]

    @property
    def blog_date(self) -> dt.date:
        return dt.date.fromisoformat(self.labels["blog_date"])


@dataclass(slots=True)
class Score:
    expected: int = 0
    found: int = 0
    matched: int = 0
    headlines_right: int = 0
    misses: list[Expected] = field(default_factory=list)
    extras: list[Found] = field(default_factory=list)
    wrong_headlines: list[tuple[Expected, Found]] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.expected += other.expected
        self.found += other.found
        self.matched += other.matched
        self.headlines_right += other.headlines_right

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else (1.0 if not self.expected else 0.0)

    @property
    def headline_accuracy(self) -> float:
        return self.headlines_right / self.matched if self.matched else 0.0


def load_corpus(folder: Path = CORPUS) -> list[Blog]:
    """Every `<name>.txt` of the corpus with its `<name>.labels.json`, by name."""
    blogs = []
    for path in sorted(folder.glob("*.txt")):
        labels = json.loads(path.with_suffix(".labels.json").read_text(encoding="utf-8"))
        expected = [Expected(e["time"], e["starts"], e["headline"]) for e in labels["entries"]]
        blogs.append(Blog(path.stem, path.read_text(encoding="utf-8"), labels, expected))
    return blogs


def _words(text: str) -> str:
    return _NOT_WORD.sub("", text)


def _tidy(text: str | None) -> str | None:
    return None if text is None else _SPACES.sub(" ", text).strip()


def parser_entries(blog: Blog) -> list[Found]:
    """What the parser finds, in reading order ([] when it finds nothing)."""
    try:
        parsed = read_liveblog(
            blog.text, blog_date=blog.blog_date, source_url=blog.labels["source_url"]
        )
    except ParseError:
        return []
    return [
        Found(e.hhmm, f"{e.headline} {e.body}" if e.headline else e.body, e.headline)
        for e in parsed.entries
    ]


def naive_entries(blog: Blog, pattern: re.Pattern[str] = NAIVE) -> list[Found]:
    """The baseline: one entry per line matching the naive regex, no headline."""
    found = []
    for m in pattern.finditer(blog.text):
        line_end = blog.text.find("\n", m.end())
        rest = blog.text[m.end() : line_end if line_end != -1 else None]
        t = _NAIVE_TIME.match(m.group())
        assert t is not None
        found.append(Found(f"{int(t[1]):02d}:{t[2] or '00'}", rest.strip(), None))
    return found


def score(expected: list[Expected], found: list[Found]) -> Score:
    """Match expected entries to found ones (same time, text starting with `starts`)."""
    result = Score(expected=len(expected), found=len(found))
    used = [False] * len(found)
    for exp in expected:
        want = _words(exp.starts)
        for i, got in enumerate(found):
            if not used[i] and got.time == exp.time and _words(got.text).startswith(want):
                used[i] = True
                result.matched += 1
                if _tidy(got.headline) == _tidy(exp.headline):
                    result.headlines_right += 1
                else:
                    result.wrong_headlines.append((exp, got))
                break
        else:
            result.misses.append(exp)
    result.extras = [got for got, was_used in zip(found, used, strict=True) if not was_used]
    return result


@dataclass(slots=True)
class Report:
    per_blog: list[tuple[Blog, Score, Score]]
    parser: Score
    naive: Score
    lenient: Score


def score_corpus(blogs: list[Blog] | None = None) -> Report:
    blogs = load_corpus() if blogs is None else blogs
    rows = []
    parser_total, naive_total, lenient_total = Score(), Score(), Score()
    for blog in blogs:
        p = score(blog.expected, parser_entries(blog))
        n = score(blog.expected, naive_entries(blog))
        parser_total.add(p)
        naive_total.add(n)
        lenient_total.add(score(blog.expected, naive_entries(blog, LENIENT)))
        rows.append((blog, p, n))
    return Report(rows, parser_total, naive_total, lenient_total)


def _fmt(s: Score) -> str:
    return f"{s.found:>3} {s.recall:5.2f} {s.precision:5.2f} {s.headline_accuracy:5.2f}"


def render(report: Report, *, misses: bool = False) -> str:
    width = max(len(b.name) for b, _, _ in report.per_blog)
    head = f"{'blog':<{width}} {'exp':>3} | parser: {'n':>3} {'R':>5} {'P':>5} {'H':>5} |"
    head += f" naive: {'n':>3} {'R':>5} {'P':>5} {'H':>5}"
    lines = [head, "-" * len(head)]
    for blog, p, n in report.per_blog:
        lines.append(f"{blog.name:<{width}} {p.expected:>3} | parser: {_fmt(p)} | naive: {_fmt(n)}")
    lines.append("-" * len(head))
    p, n = report.parser, report.naive
    lines.append(f"{'OVERALL':<{width}} {p.expected:>3} | parser: {_fmt(p)} | naive: {_fmt(n)}")
    outlets = {b.labels["outlet"].split(" (")[0] for b, _, _ in report.per_blog}
    conventions = {c.split(" (")[0] for b, _, _ in report.per_blog for c in b.labels["conventions"]}
    lines.append(
        f"{len(report.per_blog)} blogs, {len(outlets)} outlets, {len(conventions)} convention "
        f"tags, {p.expected} labelled entries. R = recall, P = precision, H = headline accuracy "
        "of matched entries. Naive baseline: " + NAIVE.pattern
    )
    worst = min(report.per_blog, key=lambda r: (r[1].recall, r[1].precision))
    lines.append(
        f"parser: recall {p.recall:.3f}, precision {p.precision:.3f}, headline accuracy "
        f"{p.headline_accuracy:.3f}; lowest blog {worst[0].name} "
        f"(R {worst[1].recall:.2f}, P {worst[1].precision:.2f})"
    )
    for label, b in (("naive:  ", n), ("lenient:", report.lenient)):
        lines.append(
            f"{label} recall {b.recall:.3f}, precision {b.precision:.3f}, headline accuracy "
            f"{b.headline_accuracy:.3f}"
        )
    lines.append("lenient = " + LENIENT.pattern + " (overall only)")
    if misses:
        for blog, s, _ in report.per_blog:
            for exp in s.misses:
                lines.append(f"MISS  {blog.name}: {exp.time} {exp.starts!r}")
            for got in s.extras:
                lines.append(f"EXTRA {blog.name}: {got.time} {got.text[:70]!r}")
            for exp, got in s.wrong_headlines:
                lines.append(
                    f"HEAD  {blog.name}: {exp.time} expected {exp.headline!r} got {got.headline!r}"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", action="store_true", help="list misses, extras, wrong headlines")
    ap.add_argument("--blog", help="only the blogs whose name contains this")
    args = ap.parse_args(argv)
    blogs = load_corpus()
    if args.blog:
        blogs = [b for b in blogs if args.blog in b.name]
    print(render(score_corpus(blogs), misses=args.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
