"""The public edition of the 2022 presidential election (the shipped store, copied): what a
French results page leads with — inscrits, participation and abstention — and who published
the figures."""

from __future__ import annotations

import re
import shutil
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
    assert figure(page, "participation") == f"71,99{NBSP}% · abstention 28,01{NBSP}%"
    assert figure(page, "votants") == f"35{NBSP}096{NBSP}478"


def test_the_source_names_the_authority_that_published_the_figures(site_2022) -> None:
    page = (site_2022 / "tour-2" / "index.html").read_text(encoding="utf-8")
    assert "(Conseil constitutionnel)</p>" in page
    assert "(Ministère de l&#x27;Intérieur)</p>" not in page
