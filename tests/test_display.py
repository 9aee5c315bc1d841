"""What every surface shows, from the pure layers (results/views.py, results/query.py): full
names (or the newsroom's short names), gendered winner labels, every winner named, turnout
as participation and abstention, progress as the source gives it, like-with-like comparisons,
"n. c." for unpublished shares — over both shipped elections where data drives it."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import settings
from dashboard.charts.bundles import vote_split_bundle
from dashboard.charts.theme import house_template
from dashboard.election import load_election
from dashboard.results import query
from dashboard.results.views import (
    comparable,
    display_names,
    load_candidates,
    load_results,
    progress_card,
    progress_text,
    results_document,
    share_rows,
    turnout_figures,
    votants_change,
    winner_words,
    winners_headline,
    winners_sentence,
)
from dashboard.store import Store
from dashboard.testing import DATA_ROOT

ELECTIONS = settings.election_ids(DATA_ROOT)
NBSP = "\u00a0"


def _folder(election: str):
    return settings.election_dir(DATA_ROOT, election)


def _shares(election: str, round_: int, sid: str | None = None) -> pd.DataFrame:
    store = Store(_folder(election) / "store")
    results = load_results(store)
    sid = sid or query.current_snapshot_id(results, round_)
    return query.shares(query.snapshot_rows(results, sid), load_candidates(store))


HEADLINES = {
    ("primaire-2017", 1): ("Qualifiés", "Hamon et Valls", f"36,03{NBSP}% · 31,48{NBSP}%"),
    ("primaire-2017", 2): ("Vainqueur", "Benoît Hamon", f"58,69{NBSP}%"),
    ("presidentielle-2022", 1): (
        "Qualifiés",
        "Emmanuel Macron et Marine Le Pen",
        f"27,85{NBSP}% · 23,15{NBSP}%",
    ),
    ("presidentielle-2022", 2): ("Élu", "Emmanuel Macron", f"58,55{NBSP}%"),
}


@pytest.mark.parametrize("election, round_", sorted(HEADLINES))
def test_the_headline_names_every_winner_in_full_or_by_short_name(election, round_) -> None:
    e = load_election(_folder(election) / "election.toml")
    rnd = e.round(round_)
    shares = _shares(election, round_)
    winners = tuple(shares["candidate_id"].head(rnd.winners))
    card = winners_headline(shares, rnd, winners)
    assert (card["title"], card["value"], card["detail"]) == HEADLINES[(election, round_)]


def test_labels_agree_with_the_candidates_gender() -> None:
    e = load_election(_folder("presidentielle-2022") / "election.toml")
    shares = _shares("presidentielle-2022", 2)
    assert winner_words(shares, e.round(2)) == {"macron": "élu", "le-pen": "élue"}
    le_pen_first = shares.iloc[::-1].reset_index(drop=True)  # as if she had won
    card = winners_headline(le_pen_first, e.round(2), ("le-pen",))
    assert (card["title"], card["value"]) == ("Élue", "Marine Le Pen")
    r1 = e.round(1)
    assert (
        r1.winners_word(["F", "F"]) == "qualifiées" and r1.winners_word(["M", "F"]) == "qualifiés"
    )


def test_the_alt_text_of_a_two_winner_round_names_both() -> None:
    e = load_election(_folder("presidentielle-2022") / "election.toml")
    shares = _shares("presidentielle-2022", 1)
    sentence = winners_sentence(shares, e.round(1), ("macron", "le-pen"))
    assert sentence == "Emmanuel Macron et Marine Le Pen qualifiés"
    assert winners_sentence(shares, e.round(1), ()) == "Emmanuel Macron arrive en tête"


@pytest.mark.parametrize("election", ELECTIONS)
def test_the_vote_split_view_of_each_election(election: str) -> None:
    from dashboard.charts.bundles import results_view

    store = Store(_folder(election) / "store")
    e = load_election(_folder(election) / "election.toml")
    view = results_view(load_results(store), load_candidates(store), e, e.last_round.number)
    bundle = vote_split_bundle(view, house_template())
    e = view.election
    winners = view.winners()
    assert bundle.alt_text.endswith(
        winners_sentence(view.shares, e.round(view.round), winners) + "."
    )
    names = [str(n) for n in view.shares["name"]]
    labels = [str(y) for y in bundle.fig.data[0].y]
    assert all(any(n in lbl for lbl in labels) for n in names)  # full names on the bars


def test_the_feed_documents_headline_agrees_with_the_winner() -> None:
    from dashboard.results.views import feed_document

    store = Store(_folder("presidentielle-2022") / "store")
    election = load_election(_folder("presidentielle-2022") / "election.toml")
    rows = query.snapshot_rows(load_results(store), "t2-definitif").copy()
    assert feed_document(rows, load_candidates(store), election)["headline"] == {
        "title": "Élu",
        "value": "Emmanuel Macron",
        "detail": f"58,55{NBSP}%",
    }
    # As if she had won: the two candidates' figures swapped.
    for col in ("votes", "share_published"):
        rows[col] = list(reversed(list(rows[col])))
    assert feed_document(rows, load_candidates(store), election)["headline"] == {
        "title": "Élue",
        "value": "Marine Le Pen",
        "detail": f"58,55{NBSP}%",
    }
    noon = query.snapshot_rows(load_results(store), "t2-1200")
    assert feed_document(noon, load_candidates(store), election)["headline"] is None


def test_the_live_diff_names_candidates_by_short_or_full_name() -> None:
    store = Store(_folder("presidentielle-2022") / "store")
    results, candidates = load_results(store), load_candidates(store)
    change = query.diff(
        query.snapshot_rows(results, "t2-0015"), query.snapshot_rows(results, "t2-0430"), candidates
    )
    text = change.describe(display_names(candidates))
    assert "Marine Le Pen " in text and " Pen " not in text.replace("Le Pen", "")
    assert display_names(load_candidates(Store(_folder("primaire-2017") / "store")))["de-rugy"] == (
        "de Rugy"
    )


def test_turnout_leads_with_participation_and_abstention_when_inscrits_are_known() -> None:
    store, folder = Store(_folder("presidentielle-2022") / "store"), _folder("presidentielle-2022")
    t2 = turnout_figures(results_document(store, folder, round_=2))
    assert (t2["participation_pct"], t2["abstention_pct"], t2["rate_only"]) == (71.99, 28.01, False)
    assert (
        t2["text"] == f"Participation : 71,99{NBSP}% · abstention : 28,01{NBSP}% (France entière)"
    )
    noon = turnout_figures(results_document(store, folder, round_=2, at="12:00"))
    assert (noon["participation_pct"], noon["rate_only"], noon["scope"]) == (
        26.41,
        True,
        "métropole",
    )
    assert noon["text"] == f"Participation : 26,41{NBSP}% des inscrits (métropole)"
    primary = turnout_figures(
        results_document(
            Store(DATA_ROOT / "elections" / "primaire-2017" / "store"),
            _folder("primaire-2017"),
            round_=2,
        )
    )
    assert primary["text"] == "" and primary["participation_pct"] is None


def test_progress_is_what_the_source_gives() -> None:
    assert progress_text({"bureaux_counted": 7023, "bureaux_total": 7208}) == (
        f"7{NBSP}023 / 7{NBSP}208 (97,4{NBSP}%)"
    )
    assert progress_text({"counted_pct": 97.0, "counted_unit": "inscrits"}) == (
        f"97{NBSP}% des inscrits dépouillés"
    )
    assert progress_text({"counted_pct": 96.5, "counted_unit": "bureaux"}) == (
        f"96,50{NBSP}% des bureaux dépouillés"
    )
    assert progress_text({}) == "n. c."
    store = Store(_folder("presidentielle-2022") / "store")
    rows = query.progress(load_results(store), 1, load_candidates(store))
    night = rows[rows["snapshot_id"] == "t1-0500"]
    assert set(night["progress_pct"].astype(float)) == {97.0}
    assert set(night["counted_unit"]) == {"inscrits"}


def test_comparisons_only_like_with_like() -> None:
    noon = {"kind": "turnout", "status": "partial"}
    final = {"kind": "count", "status": "definitive"}
    night = {"kind": "count", "status": "partial"}
    assert comparable(noon, final) is None
    assert comparable(night, final) == "partiel vs définitif"
    assert comparable(final, final) == ""


def test_votants_change_names_the_stages_and_never_sets_a_rate_against_a_count() -> None:
    noon = {"kind": "turnout", "status": "partial", "votants": 400_000}
    night = {"kind": "count", "status": "partial", "votants": 2_000_255}
    final = {"kind": "count", "status": "definitive", "votants": 1_655_919}
    assert votants_change(night, final, "1er tour") == (
        f"+344{NBSP}336 vs 1er tour (partiel vs définitif)"
    )
    assert votants_change(final, {**final, "votants": 2_045_343}, "2nd tour") == (
        f"−389{NBSP}424 vs 2nd tour"
    )
    assert votants_change(noon, final, "1er tour") is None
    assert votants_change({**night, "votants": None}, final, "1er tour") is None


def test_candidates_without_a_published_share_are_n_c_rows() -> None:
    shares = _shares("presidentielle-2022", 2, "t2-0015")
    rows = share_rows(shares)
    assert [r["candidate_id"] for r in rows] == ["macron", "le-pen"]
    assert all(r["share_text"] != "" for r in rows)
    partial = shares.assign(share=[58.2, None], votes=[None, None])
    assert [(r["name"], r["share_text"], r["votes_text"]) for r in share_rows(partial)] == [
        ("Emmanuel Macron", f"58,20{NBSP}%", "n. c."),
        ("Marine Le Pen", "n. c.", "n. c."),
    ]


def _view(election: str, round_: int, at: str | None = None):
    from datetime import datetime

    from dashboard.charts.bundles import results_view

    store = Store(_folder(election) / "store")
    e = load_election(_folder(election) / "election.toml")
    when = datetime.fromisoformat(at) if at else None
    return results_view(load_results(store), load_candidates(store), e, round_, when)


def test_the_source_line_names_the_snapshots_publisher_and_its_progress() -> None:
    assert _view("presidentielle-2022", 1).source_line() == (
        "Source : Conseil constitutionnel via legifrance.gouv.fr — données au 13/04/2022"
    )
    night = _view("presidentielle-2022", 1, "2022-04-11T06:00+02:00").source_line()
    assert night == (
        "Source : Ministère de l'Intérieur via huffingtonpost.fr — données au 11/04/2022 05:00, "
        f"97{NBSP}% des inscrits dépouillés"
    )
    assert (
        _view("primaire-2017", 2)
        .source_line()
        .startswith("Source : Haute Autorité des primaires citoyennes via ")
    )


def test_the_progress_chart_shows_a_counted_share_when_there_are_no_bureaux() -> None:
    from dashboard.charts.progress import build_progress

    store = Store(_folder("presidentielle-2022") / "store")
    df = query.progress(load_results(store), 1, load_candidates(store))
    fig = build_progress(df, template=house_template())
    bars = [t for t in fig.data if t.type == "bar" and len(t.y)]
    assert [(t.name, list(t.y), list(t.text)) for t in bars] == [
        ("Dépouillement (% des inscrits)", [90.0, 97.0], [f"90{NBSP}%", f"97{NBSP}%"])
    ]
    assert fig.layout.annotations[1].text == "Dépouillement (% des inscrits)"
    assert fig.layout.xaxis.ticktext == ("11/04<br>00:44", "11/04<br>05:00", "13/04")
    # One snapshot alone: three hours each side, so its 25-minute bar stays a bar.
    alone = build_progress(df[df["snapshot_id"] == "t1-0044"], template=house_template())
    start, end = (pd.Timestamp(t) for t in alone.layout.xaxis.range)
    assert (end - start) == pd.Timedelta(hours=6)


def test_the_progress_card_shows_what_the_source_gives() -> None:
    assert progress_card({"counted_pct": 97.0, "counted_unit": "inscrits"}) == {
        "label": "Dépouillement",
        "value": f"97{NBSP}%",
        "detail": "des inscrits",
    }
    assert progress_card({"bureaux_counted": 7023, "bureaux_total": 7208}) == {
        "label": "Bureaux dépouillés",
        "value": f"7{NBSP}023 / 7{NBSP}208",
        "detail": f"97,4{NBSP}%",
    }
    assert progress_card({}) == {"label": "Bureaux dépouillés", "value": "n. c.", "detail": None}
    assert progress_card({"status": "definitive"}) == {
        "label": "Dépouillement",
        "value": "terminé",
        "detail": None,
    }
