"""AppTest of the reactions page on the shipped store (the seed is ingested there)."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parent.parent
PAGE = str(ROOT / "dashboard" / "app" / "screens" / "reactions.py")


def timeline(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def reaction_points(fig: dict) -> int:
    return sum(
        len(t.get("customdata", [])) for t in fig["data"] if t["name"] != "Annonce des résultats"
    )


def test_the_seed_is_on_the_timeline_with_camps_and_announcements(app_env):
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception, at.exception
    fig = timeline(at)
    assert reaction_points(fig) == 6
    names = {t["name"] for t in fig["data"]}
    assert {
        "Droite (LR / Fillon)",
        "Gauche radicale (LFI / Mélenchon)",
        "PS (exécutif)",
        "Annonce des résultats",
    } <= names
    ann = next(t for t in fig["data"] if t["name"] == "Annonce des résultats")
    assert any("58,87" in label for label in ann["text"])
    table = at.dataframe[-1].value
    assert len(table) == 6 and "Jean-Pierre Raffarin" in set(table["personnes"])


def test_filters_drive_chart_and_table(app_env):
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    at.multiselect[0].set_value(["Droite (LR / Fillon)"]).run()
    assert reaction_points(timeline(at)) == 2
    assert len(at.dataframe[-1].value) == 2
    at.multiselect[0].set_value([]).run()
    at.text_input[0].set_value("Macron").run()
    table = at.dataframe[-1].value
    assert set(table["personnes"]) == {"Alain Calmette", "François Hollande"}


def test_person_axis_toggle(app_env):
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    at.get("button_group")[0].set_value("personne").run()
    fig = timeline(at)
    ys = {y for t in fig["data"] for y in t["y"]}
    assert "Jérôme Chartier" in ys and "Alexis Corbière" in ys


def test_deep_link_opens_the_card_and_an_unknown_id_says_so(app_env):
    from dashboard.liveblog.store import current_entries
    from dashboard.store import Store

    entries = current_entries(Store(app_env))
    eid = entries[entries["headline"] == "Un lourd silence"].iloc[0]["entry_id"]
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["entry"] = eid
    at.run()
    md = " ".join(m.value for m in at.markdown)
    assert "Handball" in md and "François Hollande" in md
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["entry"] = "nope"
    at.run()
    assert any("introuvable" in w.value for w in at.warning)
