"""The public edition of the 2022 presidential election (the shipped store, copied): what a
French results page leads with — inscrits, participation and abstention — and who published
the figures."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from dashboard.public.site import publish
from dashboard.store import Store
from dashboard.testing import DATA_ROOT

NBSP = "\u00a0"
FOLDER = DATA_ROOT / "elections" / "presidentielle-2022"


@pytest.fixture(scope="module")
def site_2022(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("public")
    store = tmp_path_factory.mktemp("store") / "store"
    shutil.copytree(FOLDER / "store", store, ignore=shutil.ignore_patterns(".*", "*.json"))
    publish(Store(store), FOLDER, out)
    return out / "current"


def figure(page: str, key: str) -> str:
    return re.search(rf'<dd data-f="{key}">([^<]*)</dd>', page).group(1)


def test_the_run_off_page_leads_with_inscrits_participation_and_abstention(site_2022) -> None:
    page = (site_2022 / "tour-2" / "index.html").read_text(encoding="utf-8")
    assert figure(page, "inscrits") == f"48{NBSP}752{NBSP}339"
    assert figure(page, "participation") == f"71,99{NBSP}%"
    assert f'<dd class="delta">abstention 28,01{NBSP}%</dd>' in page
    assert figure(page, "votants") == f"35{NBSP}096{NBSP}478"


def test_the_source_names_the_authority_that_published_the_figures(site_2022) -> None:
    page = (site_2022 / "tour-2" / "index.html").read_text(encoding="utf-8")
    assert "(Conseil constitutionnel)</p>" in page
    assert "(Ministère de l&#x27;Intérieur)</p>" not in page


def test_a_night_moment_shows_the_share_counted_and_a_definitive_one_says_the_count_is_over(
    site_2022,
) -> None:
    night = (site_2022 / "tour-1" / "0044.html").read_text(encoding="utf-8")
    # The ministry gave the share of inscrits counted, not bureaux: the card and the progress
    # chart's lower panel say so, with the figure as a percentage.
    assert figure(night, "bureaux") == f"90{NBSP}% (des inscrits)"
    chart = night[night.index('<h2 id="progression"') :]
    assert ">Dépouillement (% des inscrits)</text>" in chart
    assert f">90{NBSP}%</text>" in chart
    assert ">Bureaux dépouillés</text>" not in chart
    # Published at 00:44 on 11/04, in the night after the vote of 10/04: not « la soirée du 11/04 ».
    assert "1 relevé publié dans la nuit du 10 au 11/04/2022 :" in night
    run_off_night = (site_2022 / "tour-2" / "0430.html").read_text(encoding="utf-8")
    assert "2 relevés publiés dans la nuit du 24 au 25/04/2022 :" in run_off_night
    final = (site_2022 / "tour-2" / "index.html").read_text(encoding="utf-8")
    assert figure(final, "bureaux") == "terminé"
    # Votants against the other round's definitive figure, same stage: no stage label.
    assert f'<dd class="delta">−827{NBSP}229 vs 1er tour</dd>' in final


def test_the_night_count_of_three_leaders_lists_the_others_n_c(site_2022) -> None:
    # Round 1 at 00:44: the ministry's figures as relayed gave three shares (night.csv).
    (page_file,) = (site_2022 / "tour-1").glob("*0044.html")
    page = page_file.read_text(encoding="utf-8")
    drawn = re.findall(r'<text[^>]*data-share="([^"]+)"[^>]*>([^<]*)</text>', page)
    # Each of the two renditions (phone, wide) draws all twelve candidates.
    assert len(drawn) == 24
    assert {cid for cid, text in drawn if text == "n. c."} == {
        "zemmour",
        "pecresse",
        "jadot",
        "lassalle",
        "roussel",
        "dupont-aignan",
        "hidalgo",
        "poutou",
        "arthaud",
    }
    assert f'<td class="n" data-f="share-le-pen">24,60{NBSP}%</td>' in page
    assert re.search(r"<td>Nathalie Arthaud</td><td[^>]*>n\. c\.</td><td[^>]*>n\. c\.</td>", page)


def _lead(page: str) -> tuple[str, str, str]:
    return tuple(  # type: ignore[return-value]
        unescape(re.search(rf'data-f="{key}">([^<]*)<', page).group(1))
        for key in ("lead-label", "lead-name", "lead-share")
    )


@pytest.mark.parametrize(
    "page, document, words",
    [
        ("tour-2/index.html", "t2-definitif", ("Élu", "Emmanuel Macron", f"58,55{NBSP}%")),
        (
            "tour-1/index.html",
            "t1-definitif",
            ("Qualifiés", "Emmanuel Macron et Marine Le Pen", f"27,85{NBSP}% · 23,15{NBSP}%"),
        ),
        ("tour-1/0044.html", "t1-0044", ("En tête", "Emmanuel Macron", f"27,40{NBSP}%")),
    ],
)
def test_the_page_and_its_json_lead_with_the_same_agreed_words(
    site_2022, page: str, document: str, words: tuple[str, str, str]
) -> None:
    # The live script copies the JSON's headline into the page's lead: both say the same.
    doc = json.loads((site_2022 / "data" / f"{document}.json").read_text(encoding="utf-8"))
    assert (doc["headline"]["title"], doc["headline"]["value"], doc["headline"]["detail"]) == words
    assert _lead((site_2022 / page).read_text(encoding="utf-8")) == words


def test_the_live_script_holds_no_winner_word(site_2022) -> None:
    (script,) = (site_2022 / "assets").glob("live.*.js")
    js = script.read_text(encoding="utf-8")
    assert "doc.headline" in js
    assert not re.search(r"élu|qualifi|vainqueur|winner", js, re.IGNORECASE)
    assert "data-winner-label" not in (site_2022 / "index.html").read_text(encoding="utf-8")


def test_the_documents_carry_the_progress_card_the_live_script_writes(site_2022) -> None:
    night = json.loads((site_2022 / "data" / "t1-0044.json").read_text("utf-8"))
    assert night["progress"] == {
        "label": "Dépouillement",
        "value": f"90{NBSP}%",
        "detail": "des inscrits",
    }
    latest = json.loads((site_2022 / "data" / "latest.json").read_text("utf-8"))
    assert latest["progress"] == {"label": "Dépouillement", "value": "terminé", "detail": None}
    page = (site_2022 / "index.html").read_text(encoding="utf-8")
    assert '<dt data-f="bureaux-label">Dépouillement</dt>' in page


def test_the_first_rounds_end_labels_stay_beside_the_shares_panel(site_2022) -> None:
    # Nine of twelve candidates end under 8 %: their labels, pushed apart, used to run down
    # across the lower panel's title « Dépouillement (% des inscrits) » and its bars.
    page = (site_2022 / "tour-1" / "index.html").read_text(encoding="utf-8")
    chart = page[page.index('<h2 id="progression"') : page.index('<h2 id="releves"')]
    for svg in re.findall(r"<svg.*?</svg>", chart, flags=re.S):
        (panel_y,) = re.findall(r'<text x="[^"]+" y="([^"]+)"[^>]*>Dépouillement \(', svg)
        bold = re.findall(r'<text x="[^"]+" y="([^"]+)"[^>]*font-weight="700">([^<]+)', svg)
        ends = [float(y) for y, text in bold if text.endswith("%")]
        assert len(ends) == 12
        assert max(ends) < float(panel_y) - 12  # a line of 12 px clear of the panel's title
        assert min(b - a for a, b in zip(ends, ends[1:], strict=False)) >= 12  # none overlaps
    # Wide, the labels moved off their lines are led back to their points by thin lines.
    wide = re.findall(r"<svg.*?</svg>", chart, flags=re.S)[1]
    leads = re.findall(r'<line x1="[^"]+" y1="[^"]+" x2="[^"]+" y2="[^"]+" stroke="#', wide)
    assert len(leads) >= 9


def test_a_reaction_naming_nobody_says_so(site_2022) -> None:
    # Business AM's 20:00 estimates name no speaker: « personne identifiée » said the opposite.
    page = (site_2022 / "reactions" / "index.html").read_text(encoding="utf-8")
    assert "10/04 à 20:00 · aucune personne identifiée · Camp non identifié" in unescape(page)
    assert "· personne identifiée" not in page
    assert "ci-dessous&#160;; les lignes" in page  # a « ; » never starts a phone's line
