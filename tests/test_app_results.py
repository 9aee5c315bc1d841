"""AppTest of the results page (runs the page file alone, against a tmp copy of the store)."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parent.parent
PAGE = str(ROOT / "dashboard" / "app" / "screens" / "results.py")


def decode(values) -> list:
    """AppTest hands numeric arrays as base64 typed arrays."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def headline(at: AppTest) -> tuple[str, list[tuple[str, str]]]:
    """(label, [(name, share), …]) of the headline block, the largest figure of the page."""
    block = next(md.value for md in at.markdown if 'class="headline"' in md.value)
    label = re.search(r'class="headline-label">([^<]*)<', block).group(1)
    people = re.findall(
        r'class="headline-name">([^<]*)</p><p class="headline-share">([^<]*)<', block
    )
    return label, [(html.unescape(n), html.unescape(s)) for n, s in people]


def test_default_is_round_2_definitive(app_env):
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception, at.exception
    m = metrics(at)
    assert headline(at) == ("Vainqueur", [("Benoît Hamon", "58,69\u00a0%")])
    assert m["Votants"][0] == "2\u00a0045\u00a0343"
    assert m["Votants"][1] == "+389\u00a0424 vs 1er tour"
    assert m["Exprimés"][0] == "2\u00a0013\u00a0743"
    assert m["Bureaux dépouillés"][0] == "7\u00a0208 / 7\u00a0208"
    figs = charts(at)
    assert len(figs) == 2
    bars = figs[0]["data"][0]
    assert [round(x, 2) for x in decode(bars["x"])] == [41.31, 58.69]
    assert any("définitif" in md.value for md in at.markdown)


def test_deep_link_to_2350_shows_the_count_of_that_minute(app_env):
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["round"] = "2"
    at.query_params["at"] = "23:50"
    at.run()
    assert not at.exception, at.exception
    m = metrics(at)
    assert headline(at) == ("En tête", [("Benoît Hamon", "58,87\u00a0%")])
    assert m["Bureaux dépouillés"] == ("7\u00a0023 / 7\u00a0208", "97,4\u00a0%")
    assert m["Votants"][0] == "2\u00a0000\u00a0255"
    assert any("au 29/01/2017 à 23:50 — partiel" in md.value for md in at.markdown)
    # A partial count against round 1's definitive figure says so.
    assert m["Votants"][1] == "+344\u00a0336 vs 1er tour (partiel vs définitif)"


def test_round_1_shows_seven_candidates_and_the_2011_comparison(app_env):
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["round"] = "1"
    at.run()
    assert not at.exception, at.exception
    assert metrics(at)["Votants"][0] == "1\u00a0655\u00a0919"
    assert headline(at) == (
        "Qualifiés",
        [("Benoît Hamon", "36,03\u00a0%"), ("Manuel Valls", "31,48\u00a0%")],
    )
    assert len(decode(charts(at)[0]["data"][0]["x"])) == 7
    captions = [c.value for c in at.caption if c.value.startswith("Votants : ")]
    # As read: the captions' markdown escapes ("\\(") dropped.
    assert [c.split(" — ")[0].replace("\\", "") for c in captions] == [
        "Votants : −1\u00a0005\u00a0312 vs primaire PS 2011, 1er tour (2\u00a0661\u00a0231)",
        "Votants : −2\u00a0642\u00a0178 vs primaire de la droite 2016, 1er tour "
        "(4\u00a0298\u00a0097)",
    ]


def test_time_selector_moves_the_figures(app_env):
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    at.select_slider(key="at-2").set_value("29/01 20:40").run()
    assert metrics(at)["Bureaux dépouillés"][0] == "4\u00a0322 / 7\u00a0208"
    assert at.query_params["at"] in ("20h40", ["20h40"])


def test_flagged_snapshot_is_shown_to_staff_and_never_current(app_env, tmp_path):
    """A feed document whose counts went down is stored flagged, not shown as current."""

    from dashboard.model import document_rows
    from dashboard.results.record import record_snapshots
    from dashboard.results.views import load_candidates
    from dashboard.store import Store

    store = Store(app_env)
    doc = {
        "schema": 1,
        "election": "primaire-2017",
        "round": 2,
        "snapshot_id": "t2-bad",
        "as_of": "2017-02-03T09:00:00+01:00",
        "status": "corrected",
        "share_base": "exprimes",
        "bureaux_counted": 7000,
        "bureaux_total": 7208,
        "votants": 1_900_000,
        "candidates": [{"id": "hamon", "share": 58.0}, {"id": "valls", "share": 42.0}],
        "source_url": "http://127.0.0.1/test",
    }
    report = record_snapshots(store, document_rows(doc), load_candidates(store), allow_flagged=True)
    assert "t2-bad" in report.flagged
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert headline(at) == ("Vainqueur", [("Benoît Hamon", "58,69\u00a0%")])
    assert any("écarté" in e.label for e in at.expander)
    assert any("en baisse" in t.value for t in at.text)
