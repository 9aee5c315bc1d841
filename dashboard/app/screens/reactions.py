"""Réactions: who said what, on which outlet, when, from which camp — each point linked to
its verbatim live-blog entry and to where the count stood at that minute."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard.app import ui
from dashboard.charts.bundles import (
    count_then,
    reaction_round,
)
from dashboard.charts.timeline import OUTLET_TYPE_FR, ring_entry
from dashboard.errors import DashboardError
from dashboard.fr import fr_moment, status_fr, time_known
from dashboard.text import http_url, markdown, plain

RESULTS_PAGE = Path(__file__).parent / "results.py"

try:
    election = ui.election()
    results = ui.results()
    candidates = ui.candidates()
    reactions = ui.reactions()
except DashboardError as exc:
    ui.fail(exc)

st.title("Réactions politiques")
if reactions.empty:
    # Readers see no command line; how to add entries is in the desk and the README.
    st.info(
        "Aucune réaction enregistrée pour le moment : elles apparaîtront ici dès que la "
        "rédaction aura relevé les premières."
    )
    st.stop()

reactions, outside = ui.placed_reactions()
if outside:
    st.warning(
        f"{outside} entrée(s) datée(s) hors de la période de l'élection ne sont pas affichées "
        "(date invraisemblable dans la source)."
    )
    if reactions.empty:
        st.stop()

facets = ui.reaction_facets()
st.caption(
    f"{len(reactions)} entrées de live blog ({markdown(', '.join(facets['hosts']))}) du "
    + ", ".join(f"{d:%d/%m/%Y}" for d in facets["days"])
    + ". Cliquez sur un point pour lire l'entrée intégrale."
)

c1, c2, c3, c4 = st.columns(4)
camps = c1.multiselect("Camp", facets["camps"], placeholder="Tous")
persons = c2.multiselect("Personne", facets["people"], placeholder="Toutes")
outlets = c3.multiselect("Média", facets["outlets"], placeholder="Tous")
stances = c4.multiselect("Position", facets["stances"], placeholder="Toutes")
c5, c6 = st.columns([3, 1])
search = c5.text_input("Recherche dans le texte", placeholder="un nom, un mot : rassemblement…")
by = c6.segmented_control(
    "Axe vertical", ["camp", "personne"], default="camp", key="by", selection_mode="single"
)

chosen = ui.filters(camps, persons, outlets, stances, search)
shown = ui.filtered_reactions(chosen)


def entry_url(entry_id: object) -> str:
    """The entry's address in the app, absolute (it is copied into messages and articles)."""
    eid = quote(str(entry_id), safe="")
    here = urlsplit(st.context.url or "")
    if here.scheme in ("http", "https") and here.netloc:
        return urlunsplit((here.scheme, here.netloc, here.path, f"entry={eid}", ""))
    return f"/reactions?entry={eid}"


selected = st.query_params.get("entry")
announced = None
if shown.empty:
    st.warning("Aucune réaction ne correspond à ces filtres.")
else:
    bundle = ui.timeline(chosen, "person" if by == "personne" else "camp")
    if selected:  # the opened entry ringed, on a copy (the cached bundle is shared)
        bundle = replace(bundle, fig=ring_entry(bundle.fig, selected))
    with st.container(key="timeline-wide"):
        event = ui.show_chart(bundle, key="timeline", on_select="rerun")
    # On a phone (look.py shows one or the other): the timeline as a list, oldest first —
    # seven hours of reactions squeezed into 350 px would be unreadable.
    with st.container(key="timeline-list"):
        for _, row in shown.sort_values("published_at").iterrows():
            when = pd.Timestamp(row["published_at"])
            who = ", ".join(row["people_names"]) or "personne non identifiée"
            st.markdown(
                f"**{when:%H:%M}** · {markdown(who)} · {markdown(row['camp_label'])}"
                + (f" · *{markdown(row['stance'])}*" if row["stance"] else "")
                + f"  \n[{markdown(row['headline'] or 'Entrée')}]({entry_url(row['entry_id'])})"
            )
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        data = point.get("customdata") or []
        if data and str(data[0]).startswith("annonce:"):
            announced = str(data[0]).removeprefix("annonce:")
            break
        if data:
            clicked = str(data[0])
            st.query_params["entry"] = clicked
            if clicked != selected:
                st.rerun()  # drawn again with the clicked entry ringed
            break

# A results announcement clicked on the timeline: what was announced, and the results page at
# that moment.
if announced:
    snap = results[results["snapshot_id"] == announced]
    if len(snap):
        first = snap.iloc[0]
        when = pd.Timestamp(first["as_of"])
        known = time_known(first["note"])
        with st.container(border=True, key="announcement-card"):
            st.markdown(
                f"**Annonce des résultats — {fr_moment(when, known=known)}** "
                f"({status_fr(first['status'])})"
            )
            st.caption(count_then(results, candidates, int(first["round"]), when.to_pydatetime()))
            moment = {
                "round": str(int(first["round"])),
                "at": f"{when:%Y-%m-%d}" if not known else f"{when:%Y-%m-%dT%H:%M}",
            }
            try:
                st.page_link(
                    RESULTS_PAGE,
                    label="Voir les résultats à ce moment",
                    icon=":material/bar_chart:",
                    query_params=moment,
                )
            except StreamlitAPIException:  # this page run alone, outside the app's navigation
                st.markdown(f"[Voir les résultats à ce moment](/?{urlencode(moment)})")

# The entry card: opened by a click on the timeline or by the deep link ?entry=<id>.
if selected:
    match = reactions[reactions["entry_id"] == selected]
    if match.empty:
        st.warning(f"Entrée introuvable : « {markdown(selected)} »")
    else:
        entry = match.iloc[0]
        with st.container(border=True, key="entry-card"):
            when = pd.Timestamp(entry["published_at"])
            st.subheader(markdown(entry["headline"] or f"Entrée de {when:%H:%M}"), anchor=False)
            names = ", ".join(entry["people_names"]) or "personne non identifiée"
            outlet = entry["outlet"] or "média non précisé"
            kind = OUTLET_TYPE_FR.get(str(entry["outlet_type"]), "")
            st.markdown(
                f"**{when:%d/%m/%Y à %H:%M}** · {markdown(names)} · "
                f"{markdown(entry['camp_label'])} · {markdown(outlet)}"
                + (f" ({kind})" if kind else "")
                + f" · position : **{markdown(entry['stance'] or 'non classée')}**"
            )
            round_ = reaction_round(election, reactions)
            st.caption("Au moment de l'entrée — " + count_then(results, candidates, round_, when))
            st.markdown(ui.verbatim_markdown(str(entry["body"]), list(entry["quotes"])))
            if entry["stance_rule"]:
                st.caption(
                    f"Règle de classement : {markdown(str(entry['stance_rule']))}"
                    + (
                        f" — « {markdown(str(entry['stance_evidence']))} »"
                        if entry["stance_evidence"]
                        else ""
                    )
                )
            l1, l2 = st.columns(2)
            if permalink := http_url(entry["permalink"]):
                l1.link_button("Entrée source ↗", permalink)
            else:
                l1.caption(f"Source : {markdown(entry['permalink'] or 'non précisée')}")
            link = entry_url(entry["entry_id"])
            l2.markdown(f"Lien vers cette entrée : [{markdown(link)}]({link})")

st.subheader("Toutes les réactions")
# Cells are plain text (bidi controls neutralised); only http(s) permalinks become links.
table = shown.assign(
    heure=shown["published_at"].map(lambda t: f"{pd.Timestamp(t):%d/%m %H:%M}"),
    headline=shown["headline"].map(plain),
    personnes=shown["people_names"].map(lambda p: plain(", ".join(p))),
    camp_label=shown["camp_label"].map(plain),
    lien=shown["entry_id"].map(entry_url),
    outlet=shown["outlet"].fillna("—").map(plain),
    stance=shown["stance"].fillna("—"),
    permalink=shown["permalink"].map(http_url),
)[["heure", "headline", "personnes", "camp_label", "outlet", "stance", "permalink", "lien"]]
st.dataframe(
    table,
    hide_index=True,
    column_config={
        "heure": "Heure",
        "headline": st.column_config.TextColumn("Titre", width="large"),
        "personnes": "Personnes",
        "camp_label": "Camp",
        "outlet": "Média",
        # Wide enough for "appel au rassemblement", the longest stance.
        "stance": st.column_config.TextColumn("Position", width=190),
        "permalink": st.column_config.LinkColumn("Source", display_text="entrée ↗"),
        "lien": st.column_config.LinkColumn("Lien interne", display_text="ouvrir"),
    },
)
