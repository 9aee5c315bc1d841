"""The newsroom desk: off unless configured, password-gated, and its flows (AppTest)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.desk import actions
from dashboard.errors import ParseError, ValidationError
from dashboard.liveblog.reactions import load_people
from dashboard.liveblog.store import current_entries, reaction_timeline
from dashboard.results.views import load_results, results_document
from dashboard.store import Store
from dashboard.testing import DATA

ROOT = Path(__file__).parent.parent
PAGE = str(ROOT / "dashboard" / "app" / "screens" / "desk.py")
APP = str(ROOT / "dashboard" / "app" / "main.py")
SECRET = "correct horse battery staple"


def no_actions(at: AppTest) -> bool:
    return not at.tabs and not at.button and not at.text_area and not at.get("form")


def test_unconfigured_desk_is_off(app_env):
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert any("pas activé" in e.value for e in at.error)
    assert no_actions(at) and not at.text_input


def test_setting_without_a_password_in_secrets_is_still_off(app_env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DESK", "on")
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert any("pas activé" in e.value for e in at.error) and no_actions(at)


def test_the_public_app_has_no_desk_page(app_env, monkeypatch):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page for .*desk.py"):
        at.switch_page("screens/desk.py").run()


def login(monkeypatch, password: str = SECRET, name: str = "Camille") -> AppTest:
    monkeypatch.setenv("DASHBOARD_DESK", "on")
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.secrets["desk_password"] = SECRET
    at.run()
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def test_wrong_password_reaches_no_action_and_attempts_are_limited(app_env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DESK_ATTEMPTS", "2")
    desk_limiter_reset()
    at = login(monkeypatch, password="guess")
    assert any("incorrect" in e.value for e in at.error) and not at.tabs
    at = login(monkeypatch, password="guess2")
    at = login(monkeypatch)  # even the right password is refused while blocked
    assert any("Trop de tentatives" in e.value for e in at.error) and not at.tabs
    desk_limiter_reset()


def desk_limiter_reset() -> None:
    import streamlit as st

    st.cache_resource.clear()


def test_right_password_opens_the_desk(app_env, monkeypatch):
    desk_limiter_reset()
    at = login(monkeypatch)
    assert [t.label for t in at.tabs] == ["Live blog", "Réactions", "Résultats", "Journal"]


def test_paste_preview_ingest_is_audited_and_html_is_stored_verbatim(app_env, monkeypatch):
    desk_limiter_reset()
    at = login(monkeypatch)
    text = "10h05 : Réaction\n\nYannick Jadot estime <script>alert(1)</script> « rien n'est fait »."
    at.text_area(key="blog-text").input(text)
    at.text_input(key="blog-url").input("https://example.org/live")
    at.button(key="blog-preview").click().run()
    assert not at.error, [e.value for e in at.error]
    at.button(key="blog-save").click().run()
    assert [s.value for s in at.success] == [
        "Blog example\\.org \\: 1 entrée ajoutée, 0 modifiée, 0 inchangée"
    ]
    entries = current_entries(Store(app_env))
    new = entries[entries["source_url"] == "https://example.org/live"].iloc[0]
    assert "<script>alert(1)</script>" in new["body"]
    log = actions.audit_log(Store(app_env))
    assert log.iloc[0]["action"] == "ingest_liveblog" and log.iloc[0]["who"] == "Camille"


def test_bad_snapshot_input_stores_nothing(app_env, monkeypatch):
    desk_limiter_reset()
    before = (app_env / "results.parquet").read_bytes()
    at = login(monkeypatch)
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["Votants"].input("deux millions")
    form_inputs["% — Benoît Hamon"].input("58,9")
    form_inputs["URL source"].input("https://example.org/tv")
    next(b for b in at.button if b.label == "Ajouter le relevé").click().run()
    assert [e.value for e in at.error] == [
        "- Votants \\: « deux millions » n\\'est pas un nombre\n\nRien n'a été enregistré."
    ]
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["Votants"].input("2 100 000")
    form_inputs["% — Manuel Valls"].input("45")  # 58,9 + 45 > 100
    next(b for b in at.button if b.label == "Ajouter le relevé").click().run()
    assert any("somme des parts" in e.value for e in at.error), [e.value for e in at.error]
    assert (app_env / "results.parquet").read_bytes() == before


def test_desk_actions_and_undo_via_the_module(app_env):
    """Mark → not current; undo → current again; a corrected reaction survives re-ingest."""
    store = Store(app_env)
    data = DATA
    doc = results_document(store, data, round_=2)
    assert doc["snapshot_id"] == "t2-definitif"
    change = actions.mark_snapshot(
        store, "t2-definitif", "superseded", who="Camille", reason="chiffre contesté"
    )
    assert results_document(store, data, round_=2)["snapshot_id"] == "t2-0130"
    flags = load_results(store).set_index("snapshot_id").loc["t2-definitif", "flags"].iloc[0]
    assert "marqué « remplacé » : chiffre contesté" in flags
    actions.undo(store, change.change_id, who="Camille")
    assert results_document(store, data, round_=2)["snapshot_id"] == "t2-definitif"
    with pytest.raises(ValidationError, match="Cette modification a déjà été annulée"):
        actions.undo(store, change.change_id, who="Camille")

    gaz = load_people(data / "people.csv", data / "camps.csv")
    row = reaction_timeline(store, gaz).iloc[0]  # 07:30 Hamon, "appel au rassemblement"
    edit = actions.edit_reaction(
        store,
        gaz,
        blog_id=row["blog_id"],
        entry_id=row["entry_id"],
        people=["hamon"],
        camp="ps-hamon",
        stance="ralliement",
        outlet="France Inter",
        outlet_type="radio",
        who="Camille",
        reason="vérifié",
    )
    after = reaction_timeline(store, gaz).set_index("entry_id").loc[row["entry_id"]]
    assert after["stance"] == "ralliement" and after["outlet"] == "France Inter"
    # Re-ingesting the seed keeps the hand correction.
    from dashboard.liveblog.parse import read_liveblog
    from dashboard.liveblog.store import ingest_liveblog

    seed = (ROOT / "tests" / "fixtures" / "liveblog").glob("*seed*")
    seed_path = next(iter(seed))
    parsed = read_liveblog(
        seed_path.read_bytes(), blog_date=date(2017, 1, 30), source_url=row["source_url"]
    )
    ingest_liveblog(store, parsed, source_url=row["source_url"], gazetteer=gaz)
    again = reaction_timeline(store, gaz).set_index("entry_id").loc[row["entry_id"]]
    assert again["stance"] == "ralliement"
    actions.undo(store, edit.change_id, who="Camille")
    restored = reaction_timeline(store, gaz).set_index("entry_id").loc[row["entry_id"]]
    assert restored["stance"] == "appel au rassemblement" and restored["outlet"] is None
    log = actions.audit_log(store)
    # Newest first: the undo names what it reverts; the snapshot mark and its undo before.
    assert list(log["action"]) == ["undo", "edit_reaction", "mark_snapshot", "mark_snapshot"]
    assert list(log["reverts"].iloc[[0, 2]]) == [edit.change_id, change.change_id]


def test_uploads_over_the_limit_and_non_utf8_are_refused(app_env):
    with pytest.raises(ValidationError, match=r"Fichier trop gros : 2 Mo \(limite 1 Mo\)\."):
        actions.preview_liveblog(
            b"x" * (2 * 1024 * 1024), blog_date=None, source_url="https://e.org", limit_mb=1
        )
    latin1 = "8h24 : Réaction de Benoît Hamon\n\nIl a déclaré « ça suffit ».".encode("cp1252")

    parsed = actions.preview_liveblog(
        latin1, blog_date=date(2017, 1, 30), source_url="https://e.org", limit_mb=5
    )
    assert "déclaré" in parsed.entries[0].body  # decoded correctly, not mojibake
    with pytest.raises(ParseError, match="données binaires, pas du texte"):
        actions.preview_liveblog(
            b"\x00\x01\x02\xff" * 50,
            blog_date=date(2017, 1, 30),
            source_url="https://e.org",
            limit_mb=5,
        )
