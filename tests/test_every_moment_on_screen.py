"""Every shipped election, every round, every moment of the results page's selector, and the
live and reactions pages: what data drives is shown without an error and without a raw
"nan"/"None" reaching a reader (AppTest of the entry point on the shipped stores, which
nothing here writes)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.results import query
from dashboard.results.views import load_results
from dashboard.store import Store
from dashboard.testing import DATA_ROOT

ROOT = Path(__file__).parent.parent
MAIN = str(ROOT / "dashboard" / "app" / "main.py")
ELECTIONS = settings.election_ids(DATA_ROOT)
RAW = re.compile(r"\b(nan|NaN|None|NaT|<NA>)\b")


@pytest.fixture
def shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(DATA_ROOT))
    for name in ("DASHBOARD_STORE_DIR", "DASHBOARD_ELECTION", "DASHBOARD_DESK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DASHBOARD_EMBARGO_UNTIL", raising=False)


def texts(at: AppTest) -> list[str]:
    """What a reader reads: markdown, captions, cards, and the charts' labels and hovers."""
    out = [m.value for m in at.markdown] + [c.value for c in at.caption]
    out += [f"{m.label} {m.value} {m.delta or ''}" for m in at.metric]
    for chart in at.get("plotly_chart"):
        fig = json.loads(chart.proto.spec)
        for trace in fig["data"]:
            for key in ("text", "hovertext", "name"):
                value = trace.get(key)
                out += value if isinstance(value, list) else [str(value or "")]
        out += [str(a.get("text", "")) for a in fig["layout"].get("annotations", [])]
    return out


def raw_values(at: AppTest) -> list[str]:
    return [t for t in texts(at) if RAW.search(t)]


def count_moments(election: str) -> dict[int, int]:
    """Round → how many valid count snapshots the shipped store holds (the selector's stops)."""
    results = load_results(Store(settings.election_dir(DATA_ROOT, election) / "store"))
    counts = results[query.is_valid(results) & (results["kind"] == "count")]
    return counts.groupby("round")["snapshot_id"].nunique().astype(int).to_dict()


@pytest.mark.parametrize("election", ELECTIONS)
def test_every_round_and_moment_of_the_results_page(shipped, election: str) -> None:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params["election"] = election
    at.run()
    stops: dict[int, int] = {}
    for number in sorted(count_moments(election)):
        next(r for r in at.radio if r.label == "Tour").set_value(number).run()
        options = next(s for s in at.select_slider if s.key == f"at-{number}").options
        stops[int(number)] = len(options)
        for moment in options:
            next(s for s in at.select_slider if s.key == f"at-{number}").set_value(moment).run()
            where = f"{election} tour {number} à {moment}"
            assert not at.exception, (where, at.exception)
            assert not at.error, (where, [e.value for e in at.error])
            assert raw_values(at) == [], where
            # The headline, the cards and both charts are there at every moment.
            assert sum('class="headline"' in m.value for m in at.markdown) == 1, where
            assert {"Votants", "Exprimés"} <= {m.label for m in at.metric}, where
            assert len(at.get("plotly_chart")) >= 2, where
    # One stop per count snapshot, every round reached.
    assert stops == count_moments(election)


@pytest.mark.parametrize("election", ELECTIONS)
@pytest.mark.parametrize("page", ["direct", "reactions"])
def test_the_live_and_reactions_pages(shipped, election: str, page: str) -> None:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params["election"] = election
    at.run()
    at.switch_page(f"screens/{'live' if page == 'direct' else 'reactions'}.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert raw_values(at) == []
