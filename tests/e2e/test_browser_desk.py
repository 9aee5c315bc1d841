"""Real browser on the desk (DASHBOARD_DESK=on, a password in a secrets file): an editor
previews a live blog, saves it, marks a snapshot and undoes the mark from the journal; on a
390 px phone the preview and the journal stay inside the screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_store
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard.desk.actions import PREVIEW_COLUMNS
from dashboard.liveblog.store import current_reactions
from dashboard.store import Store
from dashboard.testing import StreamlitServer, data_env

pytestmark = pytest.mark.browser
SECRET = "correct horse battery staple"
BLOG = (
    "21h05 : Mélenchon sur France Inter\n\n"
    "Jean-Luc Mélenchon a déclaré sur France Inter : « Je ne me rallierai pas ».\n\n"
    "21h10 : Jadot\n\nYannick Jadot estime « rien n'est fait »."
)


@pytest.fixture(scope="module")
def desk_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_store(tmp_path_factory.mktemp("desk") / "store")


@pytest.fixture(scope="module")
def desk_app(desk_store: Path) -> Iterator[StreamlitServer]:
    """The staff app with the desk on, its own copy of the store (the tests write to it, none
    depends on another's writes)."""
    secrets = desk_store.parent / "secrets.toml"
    secrets.write_text(f'desk_password = "{SECRET}"\n', encoding="utf-8")
    env = data_env(desk_store, DASHBOARD_DESK="on")
    server = StreamlitServer(env, options=["--secrets.files", str(secrets)])
    yield server
    server.stop()


def open_desk(browser, url: str, width: int):
    page = browser.new_page(viewport={"width": width, "height": 2400})
    page.goto(f"{url}/desk")
    page.get_by_label("Votre nom").fill("Camille")
    page.get_by_label("Mot de passe du desk").fill(SECRET)
    page.get_by_role("button", name="Entrer").click()
    page.get_by_role("tab", name="Live blog").wait_for(timeout=60_000)
    return page


HEADERS = '[data-testid="stDataFrame"] th[role=columnheader]'


def preview(page) -> None:
    page.get_by_label("Texte", exact=True).fill(BLOG)
    page.get_by_label("URL source du live blog").fill("https://www.example.org/live")
    page.get_by_role("button", name="Prévisualiser").click()
    page.get_by_text("Blog example.org — 2 entrées à enregistrer").wait_for(timeout=60_000)
    page.wait_for_selector(HEADERS, state="attached", timeout=60_000)


def test_preview_correct_save_mark_and_undo_from_the_journal(desk_app, desk_store, browser):
    page = open_desk(browser, desk_app.url, 1440)
    preview(page)
    # The editor shows what will be stored (its accessible table mirrors the canvas).
    assert page.locator(HEADERS).all_inner_texts() == list(PREVIEW_COLUMNS)  # pinned in AppTest
    cells = [page.locator(f"#glide-cell-{c}-1").inner_text() for c in range(7)]
    assert cells == [
        "29/01 21:10",
        "Jadot",
        "Yannick Jadot",
        "Écologistes (EELV)",
        "",
        "aucune",
        "« rien n'est fait »",
    ]
    # The editor sets Jadot's position: double-click the cell (fixed column widths), pick.
    # Save only once the grid holds the edit: a click before the editor has sent it to the
    # app saves the entries uncorrected. Under load a double-click can land before the grid
    # is ready: it is tried again then (at most three times).
    edited = "document.querySelector('#glide-cell-5-1')?.innerText === 'soutien'"
    for attempt in range(3):
        grid = page.locator('[data-testid="data-grid-canvas"]').bounding_box()
        page.mouse.dblclick(grid["x"] + 90 + 200 + 200 + 240 + 150 + 85, grid["y"] + 35 + 35 + 17)
        choice = page.get_by_text("soutien", exact=True)
        try:
            choice.click(timeout=20_000)
            page.wait_for_function(edited, timeout=20_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            if attempt == 2:
                raise
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Enregistrer ces 2 entrées").click()
    page.get_by_text(
        "Blog example.org : 2 entrées ajoutées, 0 modifiée, 0 inchangée ; 1 réaction corrigée"
    ).wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Enregistrer ces 2 entrées").count() == 0
    # The preview is gone (the journal's table, in its own tab, has no "Citations").
    assert page.locator(HEADERS, has_text="Citations").count() == 0
    stored = current_reactions(Store(desk_store))
    jadot = stored[stored["people_names"].map(tuple) == ("Yannick Jadot",)].iloc[0]
    assert (jadot["stance"], jadot["stance_rule"]) == ("soutien", "desk")

    page.get_by_role("tab", name="Résultats").click()
    # A refusal is shown in the tab the editor works in (the tab stays open on the rerun
    # that drops the previous success message).
    page.get_by_label("Votants").fill("1,5")
    page.get_by_role("button", name="Ajouter le relevé").click()
    page.get_by_text("Votants : « 1,5 » n'est pas un nombre entier").wait_for(timeout=60_000)
    assert page.get_by_text("Rien n'a été enregistré.").is_visible()
    page.get_by_label("Motif", exact=True).fill("chiffre contesté")
    page.get_by_role("button", name="Marquer").click()
    page.get_by_text("Relevé t2-definitif marqué « corrigé »").wait_for(timeout=60_000)

    page.get_by_role("tab", name="Journal").click()
    page.get_by_text("Modification à annuler").wait_for(timeout=30_000)
    choice = page.get_by_label("Modification à annuler").input_value()
    assert choice.endswith(" — Marque de relevé — Relevé t2-definitif (2nd tour) (Camille)")
    page.get_by_role("button", name="Annuler cette modification").click()
    page.get_by_text("Marque annulée : relevé t2-definitif de nouveau pris en compte").wait_for(
        timeout=60_000
    )
    page.close()


def test_the_desk_fits_a_phone(desk_app, browser):
    page = open_desk(browser, desk_app.url, 390)
    preview(page)
    # Nothing of the page is wider than the phone: the preview scrolls inside itself.
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    page.get_by_role("tab", name="Journal").click()
    page.get_by_role("tab", name="Résultats").click()
    page.get_by_text("Ajouter un relevé annoncé").wait_for(timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    page.close()
