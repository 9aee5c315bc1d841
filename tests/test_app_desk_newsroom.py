"""The desk as an editor uses it (issue 13, item 1): French messages listing every problem,
a preview that shows and corrects what will be stored, forms with only valid French choices,
a journal in French with Paris times, readable targets and undo from its rows (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.desk import actions
from dashboard.election import load_election
from dashboard.liveblog.reactions import load_people
from dashboard.liveblog.store import current_reactions, reaction_timeline
from dashboard.model import AUDIT, RESULTS, to_table
from dashboard.results.views import results_document
from dashboard.store import Store
from dashboard.testing import DATA

ROOT = Path(__file__).parent.parent
PAGE = str(ROOT / "dashboard" / "app" / "screens" / "desk.py")
SECRET = "correct horse battery staple"
BLOG = (
    "21h05 : Mélenchon sur France Inter\n\n"
    "Jean-Luc Mélenchon a déclaré sur France Inter : « Je ne me rallierai pas ».\n\n"
    "21h10 : Jadot\n\nYannick Jadot estime « rien n'est fait »."
)


@pytest.fixture
def desk(app_env, monkeypatch) -> AppTest:
    """The desk opened by Camille with the right password, on a tmp copy of the store."""
    st.cache_resource.clear()  # the attempt limiter of earlier tests
    monkeypatch.setenv("DASHBOARD_DESK", "on")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.secrets["desk_password"] = SECRET
    at.run()
    at.text_input[0].input("Camille")
    at.text_input[1].input(SECRET)
    at.button[0].click().run()
    assert not at.exception and [t.label for t in at.tabs][0] == "Live blog"
    return at


def fields(at: AppTest) -> dict:
    return {t.label: t for t in at.text_input}


def add(at: AppTest) -> None:
    next(b for b in at.button if b.label == "Ajouter le relevé").click().run()


def test_unreadable_fields_are_all_listed_in_french_and_nothing_is_stored(desk, app_env):
    before = (app_env / "results.parquet").read_bytes()
    f = fields(desk)
    f["Votants"].input("1,5")
    f["Exprimés"].input("1,5 million")
    f["Blancs"].input("-3")
    f["% — Benoît Hamon"].input("158")
    add(desk)
    assert [e.value for e in desk.error] == [
        "- Votants \\: « 1,5 » n\\'est pas un nombre entier\n"
        "- Exprimés \\: « 1,5 million » n\\'est pas un nombre\n"
        "- Blancs \\: « \\-3 » est un nombre négatif\n"
        "- % de Benoît Hamon \\: « 158 » n\\'est pas un pourcentage entre 0 et 100\n"
        "- URL source \\: un relevé saisi à la main a besoin de son URL \\(http…\\)\\.\n\n"
        "Rien n'a été enregistré."
    ]
    assert (app_env / "results.parquet").read_bytes() == before


def test_inconsistent_totals_list_every_rule_broken(desk, app_env):
    before = (app_env / "results.parquet").read_bytes()
    f = fields(desk)
    for label, value in {
        "Votants": "1 500 000",
        "Exprimés": "1 400 000",
        "Blancs": "10 000",
        "Nuls": "80 000",
        "% — Benoît Hamon": "58,9",
        "% — Manuel Valls": "45",
        "URL source": "https://example.org/tv",
    }.items():
        f[label].input(value)
    add(desk)
    assert [e.value for e in desk.error] == [
        "- Relevé t2\\-1900\\-saisie \\: exprimés \\+ blancs \\+ nuls \\(1\u00a0490\u00a0000\\) "
        "≠ votants \\(1\u00a0500\u00a0000\\)\n"
        "- Relevé t2\\-1900\\-saisie \\: la somme des parts fait 103,90\u00a0% sur les exprimés\n\n"
        "Rien n'a été enregistré."
    ]
    assert (app_env / "results.parquet").read_bytes() == before


def test_a_valid_snapshot_is_added_and_said_in_french(desk, app_env):
    f = fields(desk)
    for label, value in {
        "Votants": "1 500 000",
        "Exprimés": "1 480 000",
        "Blancs": "10 000",
        "Nuls": "10 000",
        "% — Benoît Hamon": "58,9",
        "% — Manuel Valls": "41,1",
        "URL source": "https://example.org/tv",
    }.items():
        f[label].input(value)
    add(desk)
    assert not desk.error, [e.value for e in desk.error]
    assert [s.value for s in desk.success] == ["Relevé t2\\-1900\\-saisie ajouté"]
    stored = Store(app_env).read_df("results", RESULTS)
    assert sorted(stored.loc[stored["snapshot_id"] == "t2-1900-saisie", "candidate_id"]) == [
        "hamon",
        "valls",
    ]
    # The journal tells it as text, candidates by name.
    row = actions.journal(Store(app_env), load_election(DATA / "election.toml")).iloc[0]
    assert (row["Action"], row["Objet"], row["Avant"]) == (
        "Relevé ajouté",
        "Relevé t2-1900-saisie (2nd tour)",
        "—",
    )
    assert row["Après"] == (
        "partiel, au 29/01/2017 19:00 · 1\u00a0500\u00a0000 votants · 1\u00a0480\u00a0000 exprimés"
        " · Benoît Hamon 58,90\u00a0% · Manuel Valls 41,10\u00a0%"
    )


def test_forms_offer_only_valid_choices_in_french(desk):
    boxes = {s.label: s for s in desk.selectbox}
    assert boxes["Statut"].options == ["partiel", "corrigé", "définitif"]
    assert boxes["Statut"].value == "partial"
    assert boxes["Base des pourcentages"].options == ["votants", "suffrages exprimés"]
    assert boxes["Base des pourcentages"].value == "exprimes"  # the run-off's base
    # The run-off lists its two candidates only; the default date is round 2's, from data.
    labels = [t.label for t in desk.text_input if t.label.startswith(("Voix", "%"))]
    assert labels == [
        "Voix — Benoît Hamon",
        "% — Benoît Hamon",
        "Voix — Manuel Valls",
        "% — Manuel Valls",
    ]
    assert [d.value.isoformat() for d in desk.date_input] == ["2017-01-29", "2017-01-29"]
    # Only the election's plausible dates for a blog, the round's for a snapshot
    # (plausible_days = 7 before the round, 7 after the last round).
    assert (desk.date_input[0].min.isoformat(), desk.date_input[0].max.isoformat()) == (
        "2017-01-15",
        "2017-02-05",
    )
    assert (desk.date_input[1].min.isoformat(), desk.date_input[1].max.isoformat()) == (
        "2017-01-22",
        "2017-02-05",
    )
    assert [t.value.isoformat() for t in desk.time_input] == ["19:00:00"]  # polls close
    # "Marquer" defaults to the newest snapshot; a date-only one is shown as a date.
    assert boxes["Relevé"].value == "t2-definitif"
    assert boxes["Relevé"].options[:3] == [
        "t2-definitif — 2nd tour, 02/02, définitif",
        "t2-0130 — 2nd tour, 30/01, partiel",  # the source gives no time
        "t2-2350 — 2nd tour, 29/01 23:50, partiel",
    ]
    assert boxes["Marque"].options == ["corrigé", "remplacé"]
    desk.selectbox(key="snap-round").select(1).run()
    labels = [t.label for t in desk.text_input if t.label.startswith("Voix")]
    assert len(labels) == 7 and labels[:2] == ["Voix — Benoît Hamon", "Voix — Manuel Valls"]
    assert [d.value.isoformat() for d in desk.date_input] == ["2017-01-29", "2017-01-22"]


def test_run_off_candidates_come_from_round_one_before_round_two_is_counted():
    from dashboard.results.views import load_candidates, load_results

    store = Store(DATA / "store")
    results, candidates = load_results(store), load_candidates(store)
    election = load_election(DATA / "election.toml")
    round_one = results[results["round"] == 1]  # as on the night before round 2 is counted
    assert actions.round_candidates(round_one, candidates, election, 2) == ["hamon", "valls"]
    assert len(actions.round_candidates(round_one, candidates, election, 1)) == 7


def preview(desk: AppTest, text: str = BLOG) -> AppTest:
    desk.text_area(key="blog-text").input(text)
    desk.text_input(key="blog-url").input("https://www.example.org/live")
    desk.button(key="blog-preview").click().run()
    assert not desk.error, [e.value for e in desk.error]
    return desk


def test_preview_shows_what_will_be_stored(desk):
    preview(desk)
    (editor,) = desk.data_editor
    table = editor.value
    assert list(table.columns) == [
        "Heure",
        "Titre",
        "Personnes",
        "Camp",
        "Média",
        "Position",
        "Citations",
    ]
    rows = [
        {k: (list(v) if k == "Personnes" else v) for k, v in r.items()}
        for r in table.to_dict("records")
    ]
    assert rows == [
        {
            "Heure": "29/01 21:05",
            "Titre": "Mélenchon sur France Inter",
            "Personnes": ["Jean-Luc Mélenchon"],
            "Camp": "Gauche radicale (LFI / Mélenchon)",
            "Média": "France Inter (radio)",
            "Position": "aucune",
            "Citations": "« Je ne me rallierai pas »",
        },
        {
            "Heure": "29/01 21:10",
            "Titre": "Jadot",
            "Personnes": ["Yannick Jadot"],
            "Camp": "Écologistes (EELV)",
            "Média": "",
            "Position": "aucune",
            "Citations": "« rien n'est fait »",
        },
    ]
    assert [m.value for m in desk.markdown][1].startswith(
        "**Blog example\\.org** — 2 entrées à enregistrer."
    )


def test_corrections_in_the_preview_are_what_is_stored_and_audited(desk, app_env):
    preview(desk)
    (editor,) = desk.data_editor
    desk.session_state[editor.key] = {
        "edited_rows": {1: {"Camp": "PS (Hamon)", "Position": "soutien"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    desk.run()
    desk.button(key="blog-save").click().run()
    assert not desk.error, [e.value for e in desk.error]
    assert [s.value for s in desk.success] == [
        "Blog example\\.org \\: 2 entrées ajoutées, 0 modifiée, 0 inchangée ; 1 réaction corrigée"
    ]
    # The preview is gone once saved: no editor, no save button.
    assert not desk.data_editor
    assert "blog-save" not in [b.key for b in desk.button]
    store = Store(app_env)
    stored = current_reactions(store).set_index("entry_id")
    names = stored["people_names"].map(tuple)
    jadot = stored[names == ("Yannick Jadot",)].iloc[0]
    assert (jadot["camp"], jadot["stance"], jadot["stance_rule"]) == (
        "ps-hamon",
        "soutien",
        "desk",
    )
    melenchon = stored[names == ("Jean-Luc Mélenchon",)].iloc[0]
    assert (melenchon["camp"], melenchon["outlet"]) == ("gauche-radicale", "France Inter")
    assert melenchon["stance_rule"] != "desk"  # not corrected: as detected
    log = actions.audit_log(store)
    assert sorted(log["action"]) == ["edit_reaction", "ingest_liveblog"]
    edit = log[log["action"] == "edit_reaction"].iloc[0]
    assert edit["target"].startswith(f"reaction:{jadot['blog_id']}/")
    assert edit["reason"] == "corrigé avant l'enregistrement"


def at_fixed_times(store: Store, *utc: str) -> None:
    """Give the audit rows (oldest first) known times, as if written that night."""
    log = store.read_df(actions.AUDIT_TABLE, AUDIT).sort_values("at")
    log["at"] = pd.to_datetime(list(utc), utc=True)
    store.replace(actions.AUDIT_TABLE, to_table(log, AUDIT), AUDIT)


def hamon_0730(store: Store):
    gaz = load_people(DATA / "people.csv", DATA / "camps.csv")
    return gaz, reaction_timeline(store, gaz).iloc[0]  # 07:30 Hamon, "appel au rassemblement"


def test_journal_is_french_with_paris_times_readable_targets_and_text(app_env):
    store = Store(app_env)
    actions.mark_snapshot(store, "t2-2350", "superseded", who="Camille", reason="chiffre contesté")
    gaz, row = hamon_0730(store)
    actions.edit_reaction(
        store,
        gaz,
        blog_id=row["blog_id"],
        entry_id=row["entry_id"],
        people=["hamon"],
        camp="ps-hamon",
        stance="ralliement",
        outlet="France Inter",
        outlet_type="radio",
        who="Dominique",
        reason="vérifié à la réécoute",
    )
    at_fixed_times(store, "2017-01-29T22:50:00Z", "2017-01-30T06:41:00Z")
    journal = actions.journal(store, load_election(DATA / "election.toml"), gaz)
    assert list(journal.columns) == [*actions.JOURNAL_COLUMNS, "undoable"]
    assert journal.drop(columns="undoable").to_dict("records") == [
        {
            "Quand": "30/01/2017 07:41",
            "Qui": "Dominique",
            "Action": "Correction de réaction",
            "Objet": "Réaction de Benoît Hamon, 07:30",
            "Avant": "Benoît Hamon · camp PS (Hamon) · position appel au rassemblement",
            "Après": "Benoît Hamon · camp PS (Hamon) · position ralliement · "
            "média France Inter (radio)",
            "Motif": "vérifié à la réécoute",
        },
        {
            "Quand": "29/01/2017 23:50",
            "Qui": "Camille",
            "Action": "Marque de relevé",
            "Objet": "Relevé t2-2350 (2nd tour)",
            "Avant": "—",
            "Après": "remplacé — chiffre contesté",
            "Motif": "chiffre contesté",
        },
    ]
    assert list(journal["undoable"]) == [True, True]


def test_undo_from_the_journal_row_is_audited_and_restores(desk, app_env):
    store = Store(app_env)
    actions.mark_snapshot(store, "t2-definitif", "superseded", who="Camille", reason="contesté")
    assert results_document(store, DATA, round_=2)["snapshot_id"] == "t2-0130"
    gaz, row = hamon_0730(store)
    actions.edit_reaction(
        store,
        gaz,
        blog_id=row["blog_id"],
        entry_id=row["entry_id"],
        people=["hamon"],
        camp="ps-hamon",
        stance="ralliement",
        who="Camille",
        reason="vérifié",
    )
    at_fixed_times(store, "2017-01-29T22:50:00Z", "2017-01-29T23:05:00Z")
    desk.run()
    box = next(s for s in desk.selectbox if s.label == "Modification à annuler")
    assert box.options == [
        "30/01/2017 00:05 — Correction de réaction — Réaction de Benoît Hamon, 07:30 (Camille)",
        "29/01/2017 23:50 — Marque de relevé — Relevé t2-definitif (2nd tour) (Camille)",
    ]
    mark_id = actions.audit_log(store).iloc[1]["change_id"]
    box.set_value(mark_id)  # the mark, not the newest row (sent with the form)
    next(b for b in desk.button if b.label == "Annuler cette modification").click().run()
    assert not desk.error, [e.value for e in desk.error]
    assert [s.value for s in desk.success] == [
        "Marque annulée \\: relevé t2\\-definitif de nouveau pris en compte"
    ]
    assert results_document(store, DATA, round_=2)["snapshot_id"] == "t2-definitif"
    log = actions.audit_log(store)
    assert (log.iloc[0]["who"], log.iloc[0]["reverts"]) == ("Camille", mark_id)
    # The undone row says so and is no longer offered; the undo itself can be undone.
    journal = desk.dataframe[0].value
    assert list(journal["Action"]) == [
        "Annulation",
        "Correction de réaction",
        "Marque de relevé (annulée)",
    ]
    assert journal.iloc[0]["Motif"] == "annulation de la modification du 29/01/2017 23:50"
    box = next(s for s in desk.selectbox if s.label == "Modification à annuler")
    assert [o.split(" — ")[1] for o in box.options] == [
        "Annulation",
        "Correction de réaction",
    ]
    box.set_value(actions.audit_log(store).iloc[1]["change_id"])  # the reaction's correction
    next(b for b in desk.button if b.label == "Annuler cette modification").click().run()
    assert [s.value for s in desk.success] == [
        "Correction annulée \\: réaction de Benoît Hamon rétablie"
    ]
    _, restored = hamon_0730(store)
    assert restored["stance"] == "appel au rassemblement"
