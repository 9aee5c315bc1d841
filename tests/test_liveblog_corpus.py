"""The hand-labelled corpus of real French live blogs, and the parser's score on it.

The corpus and its scorer live in tests/fixtures/liveblogs/ and bench/bench_liveblog_corpus.py
(see tests/fixtures/liveblogs/README.md). Fast: ~50 short texts, parsed once per session.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOAL = 0.97


def _load_scorer():
    spec = importlib.util.spec_from_file_location(
        "bench_liveblog_corpus", ROOT / "bench" / "bench_liveblog_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


scorer = _load_scorer()


@pytest.fixture(scope="module")
def report():
    return scorer.score_corpus()


def test_corpus_is_labelled_and_broad():
    blogs = scorer.load_corpus()
    assert len(blogs) >= 30
    names = {p.stem for p in scorer.CORPUS.glob("*.txt")}
    labelled = {p.name.removesuffix(".labels.json") for p in scorer.CORPUS.glob("*.labels.json")}
    assert names == labelled
    outlets = {b.labels["outlet"].split(" (")[0] for b in blogs}
    conventions = {c.split(" (")[0] for b in blogs for c in b.labels["conventions"]}
    assert len(outlets) >= 10
    assert len(conventions) >= 15
    for blog in blogs:
        assert blog.labels["source_url"].startswith(("http://", "https://")), blog.name
        assert blog.labels["election"] and blog.expected, blog.name
        pos = 0
        for exp in blog.expected:
            assert re.fullmatch(r"(?:[01]\d|2[0-3]):[0-5]\d", exp.time), (blog.name, exp)
            # The labels quote the text: each start is there, in reading order.
            found = blog.text.find(exp.starts, pos)
            assert found != -1, (blog.name, exp.starts)
            pos = found + 1
            assert exp.headline is None or exp.headline.strip() == exp.headline


def test_scorer_matches_on_words_and_counts_headlines():
    exp = [
        scorer.Expected("21:56", "Titre. Texte qui suit", "Titre"),
        scorer.Expected("21:20", "Autre", None),
    ]
    found = [
        scorer.Found("21:56", "Titre Texte qui suit.", "Titre"),
        scorer.Found("21:20", "Autre chose", "Autre chose"),
        scorer.Found("20:00", "En trop", None),
    ]
    s = scorer.score(exp, found)
    assert (s.matched, s.headlines_right, len(s.extras)) == (2, 1, 1)
    assert (s.recall, round(s.precision, 3), s.headline_accuracy) == (1.0, 0.667, 0.5)


def test_naive_baseline_is_one_entry_per_matching_line():
    blog = scorer.Blog("x", "21h56: Titre\ntexte 22h10: non\n22h10- Autre\n", {}, [])
    assert [(f.time, f.text) for f in scorer.naive_entries(blog)] == [
        ("21:56", "Titre"),
        ("22:10", "Autre"),
    ]


def test_parser_reaches_the_goal_on_the_corpus(report):
    total = report.parser
    assert total.recall >= GOAL, scorer.render(report, misses=True)
    assert total.precision >= GOAL, scorer.render(report, misses=True)
    assert total.headline_accuracy >= GOAL, scorer.render(report, misses=True)


def test_no_blog_is_far_below(report):
    low = [
        (blog.name, round(s.recall, 2), round(s.precision, 2))
        for blog, s, _ in report.per_blog
        if s.recall < 0.5 or s.precision < 0.5
    ]
    assert low == []
