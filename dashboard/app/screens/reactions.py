"""Réactions: who said what, on which outlet, when, from which camp — each point linked to
its verbatim live-blog entry and to where the count stood at that minute."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import streamlit as st

from dashboard.app import ui
from dashboard.charts.bundles import (
    count_then,
    reaction_round,
)
from dashboard.charts.timeline import OUTLET_TYPE_FR
from dashboard.errors import DashboardError
from dashboard.text import http_url, markdown, plain

try:
    election = ui.election()
    results = ui.results()
    candidates = ui.candidates()
    reactions = ui.reactions()
except DashboardError as exc:
    ui.fail(exc)

st.title("Réactions politiques")
if reactions.empty:
    st.info(
        "Aucune entrée de live blog enregistrée. Ajoutez-en avec "
        "`python -m dashboard liveblog ingest FICHIER --date AAAA-MM-JJ --source-url URL`."
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

selected = st.query_params.get("entry")
if shown.empty:
    st.warning("Aucune réaction ne correspond à ces filtres.")
else:
    bundle = ui.timeline(chosen, "person" if by == "personne" else "camp")
    event = ui.show_chart(bundle, key="timeline", on_select="rerun")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        data = point.get("customdata") or []
        if data and not str(data[0]).startswith("annonce:"):
            selected = str(data[0])
            st.query_params["entry"] = selected
            break

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
            eid = quote(str(entry["entry_id"]), safe="")
            l2.markdown(f"Lien interne : [?entry={markdown(eid)}](?entry={eid})")

st.subheader("Toutes les réactions")
# Cells are plain text (bidi controls neutralised); only http(s) permalinks become links.
table = shown.assign(
    heure=shown["published_at"].map(lambda t: f"{pd.Timestamp(t):%d/%m %H:%M}"),
    headline=shown["headline"].map(plain),
    personnes=shown["people_names"].map(lambda p: plain(", ".join(p))),
    camp_label=shown["camp_label"].map(plain),
    lien=shown["entry_id"].map(lambda e: f"?entry={quote(str(e), safe='')}"),
    outlet=shown["outlet"].fillna("—").map(plain),
    stance=shown["stance"].fillna("—"),
    permalink=shown["permalink"].map(http_url),
)[["heure", "headline", "personnes", "camp_label", "outlet", "stance", "permalink", "lien"]]
st.dataframe(
    table,
    hide_index=True,
    column_config={
        "heure": "Heure",
        "headline": "Titre",
        "personnes": "Personnes",
        "camp_label": "Camp",
        "outlet": "Média",
        "stance": "Position",
        "permalink": st.column_config.LinkColumn("Source", display_text="entrée ↗"),
        "lien": st.column_config.LinkColumn("Lien interne", display_text="ouvrir"),
    },
)
