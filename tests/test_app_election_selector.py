"""The app's election selector: data/ ships two elections, the default one is shown first, a
reader switches to the other and a link (`?election=…`) opens it (AppTest of the entry point,
reading the shipped stores, which nothing here writes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_app_results import headline

ROOT = Path(__file__).parent.parent
MAIN = str(ROOT / "dashboard" / "app" / "main.py")
NBSP = "\u00a0"


@pytest.fixture
def shipped_elections(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole data/ folder, as `make run` reads it."""
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(ROOT / "data"))
    for name in ("DASHBOARD_STORE_DIR", "DASHBOARD_ELECTION", "DASHBOARD_DESK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DASHBOARD_EMBARGO_UNTIL", raising=False)


def selector(at: AppTest):
    return next(s for s in at.selectbox if s.label == "Élection")


def test_the_default_election_is_shown_and_both_are_offered(shipped_elections) -> None:
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    assert not at.exception, at.exception
    box = selector(at)
    assert box.options == ["Primaire de la gauche 2017", "Présidentielle 2022"]
    assert box.value == "primaire-2017"
    assert headline(at) == ("Vainqueur", [("Benoît Hamon", f"58,69{NBSP}%")])
    assert "election" not in at.query_params


def test_choosing_2022_shows_its_definitive_run_off(shipped_elections) -> None:
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    selector(at).set_value("presidentielle-2022").run()
    assert not at.exception, at.exception
    assert headline(at) == ("Élu", [("Emmanuel Macron", f"58,55{NBSP}%")])
    assert at.query_params["election"] == "presidentielle-2022"


def test_a_link_opens_the_election_it_names(shipped_elections) -> None:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params["election"] = "presidentielle-2022"
    at.run()
    assert not at.exception, at.exception
    assert selector(at).value == "presidentielle-2022"
    assert headline(at)[1] == [("Emmanuel Macron", f"58,55{NBSP}%")]


def test_an_unknown_election_in_the_link_shows_the_default(shipped_elections) -> None:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params["election"] = "<b>municipales</b>"
    at.run()
    assert not at.exception, at.exception
    assert selector(at).value == "primaire-2017"
    assert headline(at)[1] == [("Benoît Hamon", f"58,69{NBSP}%")]


def test_long_names_take_two_lines_on_screen_with_the_winner_word_under(shipped_elections) -> None:
    """At 390 px a one-line "Emmanuel Macron ✓" left the bars a third of the width."""
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params["election"] = "presidentielle-2022"
    at.run()
    split = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if json.loads(c.proto.spec)["layout"]["meta"]["chart"] == "vote-split"
    )
    assert split["data"][0]["y"] == [
        "Marine Le Pen",
        "<b>Emmanuel</b><br><b>Macron</b> ✓<br>élu",
    ]
    assert [a for a in split["layout"]["annotations"] if a.get("text") == "élu"] == []


def test_2022_cards_lead_with_inscrits_participation_and_the_day_s_rates(
    shipped_elections,
) -> None:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params["election"] = "presidentielle-2022"
    at.run()
    cards = {m.label: (m.value, m.delta) for m in at.metric}
    assert cards["Inscrits"] == (f"48{NBSP}752{NBSP}339", "")
    assert cards["Participation"] == (f"71,99{NBSP}%", f"abstention 28,01{NBSP}%")
    day = next(c.value for c in at.caption if c.value.startswith("Participation publiée"))
    assert day == (
        f"Participation publiée dans la journée : à 24/04 12:00, 26,41{NBSP}% des inscrits "
        f"(métropole) ; à 24/04 17:00, 63,23{NBSP}% des inscrits (métropole)."
    )


def test_the_primary_publishes_no_inscrits_so_no_such_card(shipped_elections) -> None:
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    labels = [m.label for m in at.metric]
    assert "Inscrits" not in labels and "Participation" not in labels
    assert labels[0] == "Votants"
