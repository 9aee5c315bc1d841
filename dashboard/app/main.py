"""Streamlit entry point: page config and navigation only. Run from the repository root:

streamlit run dashboard/app/main.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

# `streamlit run dashboard/app/main.py` puts dashboard/app/ on sys.path, not the repository root.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard import settings  # noqa: E402
from dashboard.app import look, ui  # noqa: E402
from dashboard.text import markdown  # noqa: E402

# Not "pages/": Streamlit would register that folder as pages of its own.
PAGES = Path(__file__).parent / "screens"

try:
    TITLE = f"Soirée électorale — {ui.election().short_name}"
except Exception:  # the pages show the real error; the tab title must not break the app
    TITLE = "Soirée électorale"

st.set_page_config(
    page_title=TITLE,
    page_icon=":material/how_to_vote:",
    layout="wide",
    initial_sidebar_state="collapsed",
)


@st.cache_resource
def _said_at_start() -> bool:
    # Once per server process: a desk asked for but refused says why in the server log.
    if problem := ui.desk_problem():
        ui.LOG.warning("%s", problem)
    return True


_said_at_start()

specs = [
    ("results.py", "Résultats", ":material/bar_chart:", "resultats"),
    ("reactions.py", "Réactions", ":material/forum:", "reactions"),
    ("live.py", "En direct", ":material/radio_button_checked:", "direct"),
]
if ui.desk_mode() != "off":
    specs.append(("desk.py", "Desk", ":material/edit_note:", "desk"))
pages = [
    st.Page(PAGES / f, title=t, icon=i, url_path=u, default=(n == 0))
    for n, (f, t, i, u) in enumerate(specs)
]


def requested_page() -> str:
    """The page name in the address ("reactions", "" for the home page), below any
    server.baseUrlPath."""
    path = urlsplit(st.context.url or "").path.strip("/")
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :].strip("/")
    return path


# An address that is no page: Streamlit would say in English "Page not found… Running the
# app's main page". A hidden page answers it instead, then the reader is sent home with a
# French notice.
asked = requested_page()
if asked and asked not in {u for *_, u in specs}:
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", asked.split("/")[-1]) or "introuvable"
    pages.append(
        st.Page(lambda: None, title="Page introuvable", url_path=safe, visibility="hidden")
    )
look.apply()
page = st.navigation(pages, position="top")
if page.title == "Page introuvable":
    st.session_state["page-introuvable"] = asked
    st.switch_page(pages[0])

# The election shown, when data/ holds several: the session's choice, kept in the address
# (`?election=…`) so a link shows the same election; the default is data/elections.toml's.
try:
    ids = ui.elections()
    shown = ui.election_id()
    names = {i: ui.election_named(i).short_name for i in ids}
except Exception:  # the pages show the real error; the selector must not break the app
    ids = []
if len(ids) > 1:
    st.selectbox(
        "Élection",
        ids,
        index=ids.index(shown),
        format_func=lambda i: names[i],
        key=ui.ELECTION_KEY,
        width=320,
    )
    if ui.election_id() == settings.election_id():
        st.query_params.pop(ui.ELECTION_KEY, None)
    else:
        st.query_params[ui.ELECTION_KEY] = ui.election_id()
if missing := st.session_state.pop("page-introuvable", None):
    st.warning(
        f"Page introuvable : « /{markdown(missing)} » n'existe pas. Voici la page des résultats.",
        icon=":material/search_off:",
    )
with ui.guard(f"page {page.url_path or 'resultats'}"):
    page.run()
