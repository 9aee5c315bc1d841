"""Desk: staff add live-blog text, correct reactions and figures. Never public.

Reachable only when configured (st.login with OIDC, or DASHBOARD_DESK=on with a password in
secrets); the page checks access itself too, so opening its URL directly shows nothing else.
"""

from __future__ import annotations

from datetime import datetime, time

import pandas as pd
import streamlit as st

from dashboard import settings
from dashboard.app import ui
from dashboard.desk import actions
from dashboard.desk.access import (
    RateLimiter,
    check_login,
    desk_problem,
    email_allowed,
    oidc_provider,
)
from dashboard.errors import DashboardError
from dashboard.fr import PARIS
from dashboard.liveblog.reactions import OUTLET_TYPES, STANCES
from dashboard.model import MARK_LABELS, SHARE_BASES, STATUSES
from dashboard.text import markdown

st.title("Desk de la rédaction")


@st.cache_resource
def _limiter() -> RateLimiter:
    # One per server process, keyed by client address and by typed name.
    return RateLimiter(settings.get_int("desk_attempts"), window=300)


def gate() -> str:
    """The signed-in staff member's name, or stop the page."""
    mode = ui.desk_mode()
    secrets = ui.secrets()
    if mode == "off":
        problem = desk_problem(secrets)
        st.error(problem or "Le desk n'est pas activé sur ce déploiement.")
        st.stop()
    if mode == "oidc":
        if not st.user.is_logged_in:
            provider = oidc_provider(secrets)
            st.button(
                "Se connecter",
                on_click=st.login,
                args=(provider,) if provider else (),
                icon=":material/login:",
            )
            st.stop()
        email = st.user.get("email")
        if st.user.get("email_verified") is False or not email_allowed(email, secrets):
            # No list means nobody: an account of the provider is not a newsroom account.
            st.error(
                f"Le compte « {markdown(email or 'sans adresse')} » n'est pas autorisé sur le "
                "desk (liste `[desk] allowed` des secrets)."
            )
            st.button("Se déconnecter", on_click=st.logout, icon=":material/logout:")
            st.stop()
        return str(email)  # the audit log records the signed-in address
    if st.session_state.get("desk_user"):
        return st.session_state["desk_user"]
    with st.form("desk-login"):
        name = st.text_input("Votre nom")
        password = st.text_input("Mot de passe du desk", type="password")
        submitted = st.form_submit_button("Entrer")
    if submitted:
        if not name.strip():
            st.error("Indiquez votre nom : il est inscrit au journal des modifications.")
            st.stop()
        outcome = check_login(
            _limiter(),
            ui.client_address(),
            name,
            password,
            str(secrets.get("desk_password", "")),
        )
        if outcome == "ok":
            st.session_state["desk_user"] = " ".join(name.split())
            st.rerun()
        elif outcome == "blocked":
            st.error("Trop de tentatives : réessayez dans quelques minutes.")
        else:
            st.error("Mot de passe incorrect.")
    st.stop()


who = gate()
st.caption(
    f"Connecté : {markdown(who)}. Chaque modification est inscrite au journal ; rien n'est effacé."
)
store = ui.store()
limit_mb = float(settings.get_int("upload_limit_mb"))


def done(change: actions.Change) -> None:
    st.success(markdown(f"{change.summary} (modification {change.change_id})"))


blog_tab, reaction_tab, results_tab, log_tab = st.tabs(
    ["Live blog", "Réactions", "Résultats", "Journal"]
)

with blog_tab:
    st.markdown("Collez le texte d'un live blog (ou du JSON-LD), ou déposez un fichier.")
    pasted = st.text_area("Texte", height=200, key="blog-text")
    upload = st.file_uploader(
        "…ou fichier",
        type=["txt", "json", "jsonld", "html", "htm"],
        key="blog-file",
        max_upload_size=max(1, int(limit_mb)),
    )
    c1, c2 = st.columns([1, 3])
    blog_day = c1.date_input(
        "Date du blog", value=ui.election().last_round.date, format="DD/MM/YYYY"
    )
    source_url = c2.text_input("URL source du live blog", key="blog-url")
    if st.button("Prévisualiser", key="blog-preview"):
        data = upload.getvalue() if upload is not None else pasted.encode("utf-8")
        try:
            parsed = actions.preview_liveblog(
                data, blog_date=blog_day, source_url=source_url, limit_mb=limit_mb
            )
            st.session_state["blog-parsed"] = (parsed, source_url)
        except DashboardError as exc:
            st.session_state.pop("blog-parsed", None)
            st.error(markdown(exc))
    if "blog-parsed" in st.session_state:
        parsed, url = st.session_state["blog-parsed"]
        st.dataframe(
            pd.DataFrame(
                [
                    {"heure": f"{e.date:%d/%m} {e.hhmm}", "titre": e.headline, "texte": e.body}
                    for e in parsed.entries
                ]
            ),
            hide_index=True,
        )
        n = len(parsed.entries)
        if st.button(
            f"Enregistrer {'cette entrée' if n == 1 else f'ces {n} entrées'}",
            type="primary",
            key="blog-save",
        ):
            try:
                done(
                    actions.ingest_preview(
                        store, parsed, source_url=url, gazetteer=ui.gazetteer(), who=who
                    )
                )
                del st.session_state["blog-parsed"]
            except DashboardError as exc:
                st.error(markdown(exc))

with reaction_tab:
    reactions = ui.reactions()
    if reactions.empty:
        st.info("Aucune entrée enregistrée.")
    else:
        gaz = ui.gazetteer()
        labels = {
            f"{pd.Timestamp(r.published_at):%d/%m %H:%M} — {r.headline or r.entry_id}": r
            for r in reactions.itertuples()
        }
        choice = st.selectbox("Entrée", list(labels), key="react-entry")
        row = labels[choice]
        with st.form("react-edit"):
            people_ids = list(gaz.people)
            people = st.multiselect(
                "Personnes qui réagissent",
                people_ids,
                default=[p for p in row.people if p in gaz.people],
                format_func=lambda p: gaz.people[p].name,
            )
            camps = ["", *gaz.camps]
            camp = st.selectbox(
                "Camp",
                camps,
                index=camps.index(row.camp) if row.camp in camps else 0,
                format_func=lambda c: gaz.camps[c].label if c else "non identifié",
            )
            stances = ["", *STANCES]
            stance = st.selectbox(
                "Position", stances, index=stances.index(row.stance) if row.stance in stances else 0
            )
            outlet = st.text_input("Média", value=row.outlet or "")
            types = ["", *OUTLET_TYPES]
            outlet_type = st.selectbox(
                "Type de média",
                types,
                index=types.index(row.outlet_type) if row.outlet_type in types else 0,
            )
            reason = st.text_input("Motif de la correction")
            if st.form_submit_button("Enregistrer la correction", type="primary"):
                try:
                    done(
                        actions.edit_reaction(
                            store,
                            gaz,
                            blog_id=row.blog_id,
                            entry_id=row.entry_id,
                            people=people,
                            camp=camp or None,
                            stance=stance or None,
                            outlet=outlet,
                            outlet_type=outlet_type or None,
                            who=who,
                            reason=reason,
                        )
                    )
                except DashboardError as exc:
                    st.error(markdown(exc))

with results_tab:
    election = ui.election()
    candidates = ui.candidates()
    st.subheader("Ajouter un relevé annoncé (télévision, communiqué…)")
    with st.form("snapshot-add"):
        c1, c2, c3, c4 = st.columns(4)
        rounds = [r.number for r in election.rounds]
        round_ = c1.selectbox(
            "Tour", rounds, index=len(rounds) - 1, format_func=lambda n: election.round(n).label
        )
        day = c2.date_input("Date", value=election.round(rounds[-1]).date, format="DD/MM/YYYY")
        hour = c3.time_input("Heure", value=time(21, 0), step=60)
        status = c4.selectbox("Statut", STATUSES)
        c5, c6, c7, c8, c9, c10 = st.columns(6)
        counted = c5.text_input("Bureaux dépouillés")
        total = c6.text_input("Bureaux au total")
        votants = c7.text_input("Votants")
        exprimes = c8.text_input("Exprimés")
        blancs = c9.text_input("Blancs")
        nuls = c10.text_input("Nuls")
        # Default base: the one of the round's latest snapshot (exprimés in a run-off).
        latest = ui.results().sort_values("as_of")
        last_base = latest["share_base"].iloc[-1] if len(latest) else SHARE_BASES[0]
        base = st.selectbox(
            "Base des pourcentages", SHARE_BASES, index=SHARE_BASES.index(last_base)
        )
        cand_inputs = {}
        for cand in candidates.sort_values("display_order").itertuples():
            a, b = st.columns(2)
            cand_inputs[cand.candidate_id] = (
                a.text_input(f"Voix — {cand.name}", key=f"v-{cand.candidate_id}"),
                b.text_input(f"% — {cand.name}", key=f"s-{cand.candidate_id}"),
            )
        src = st.text_input("URL source")
        note = st.text_input("Note")
        if st.form_submit_button("Ajouter le relevé", type="primary"):
            try:
                chosen = {cid: v for cid, v in cand_inputs.items() if v[0].strip() or v[1].strip()}
                doc = {
                    "schema": 1,
                    "election": election.id,
                    "round": round_,
                    "as_of": datetime.combine(day, hour, tzinfo=PARIS).isoformat(),
                    "status": status,
                    "share_base": base,
                    "source_url": src.strip(),
                    "note": note or None,
                    "bureaux_counted": actions.parse_count(counted, "bureaux dépouillés"),
                    "bureaux_total": actions.parse_count(total, "bureaux au total"),
                    "votants": actions.parse_count(votants, "votants"),
                    "exprimes": actions.parse_count(exprimes, "exprimés"),
                    "blancs": actions.parse_count(blancs, "blancs"),
                    "nuls": actions.parse_count(nuls, "nuls"),
                    "candidates": [
                        {
                            "id": cid,
                            "votes": actions.parse_count(v, f"voix {cid}"),
                            "share": actions.parse_share(s, f"% {cid}"),
                        }
                        for cid, (v, s) in chosen.items()
                    ],
                }
                if not chosen:
                    raise DashboardError("saisissez au moins les voix ou le % d'un candidat")
                done(actions.add_snapshot(store, candidates, doc, who=who, reason=note))
            except DashboardError as exc:
                st.error(markdown(exc))

    st.subheader("Marquer un relevé comme corrigé ou remplacé")
    results = ui.results()
    snaps = results.drop_duplicates("snapshot_id").sort_values("as_of")
    times = dict(zip(snaps["snapshot_id"], snaps["as_of"], strict=True))
    with st.form("snapshot-mark"):
        sid = st.selectbox(
            "Relevé",
            list(times),
            format_func=lambda s: f"{s} — {pd.Timestamp(times[s]):%d/%m %H:%M}",
        )
        mark = st.selectbox(
            "Marque", ["corrected", "superseded"], format_func=lambda m: MARK_LABELS[m]
        )
        why = st.text_input("Motif")
        if st.form_submit_button("Marquer"):
            try:
                done(actions.mark_snapshot(store, sid, mark, who=who, reason=why))
            except DashboardError as exc:
                st.error(markdown(exc))

with log_tab:
    log = actions.audit_log(store)
    if log.empty:
        st.info("Aucune modification pour l'instant.")
    else:
        st.dataframe(log, hide_index=True)
        with st.form("undo"):
            change_id = st.selectbox("Annuler la modification", list(log["change_id"]))
            if st.form_submit_button("Annuler (ajoute une modification inverse)"):
                try:
                    done(actions.undo(store, change_id, who=who))
                except DashboardError as exc:
                    st.error(markdown(exc))
