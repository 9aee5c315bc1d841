"""Desk: staff add live-blog text, correct reactions and figures. Never public.

Reachable only when configured (st.login with OIDC, or DASHBOARD_DESK=on with a password in
secrets); the page checks access itself too, so opening its URL directly shows nothing else.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from dashboard import settings
from dashboard.app import ui
from dashboard.charts.timeline import OUTLET_TYPE_FR
from dashboard.desk import actions
from dashboard.desk.access import (
    RateLimiter,
    check_login,
    desk_problem,
    email_allowed,
    oidc_provider,
)
from dashboard.errors import DashboardError
from dashboard.fr import BASE_FR, PARIS, fr_moment, status_fr, time_known
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
NOTHING_STORED = "Rien n'a été enregistré."


def done(change: actions.Change) -> None:
    """Say what was stored; shown once after the rerun that redraws the page without the
    form's old state (a saved preview disappears)."""
    st.session_state["desk-done"] = change.summary
    st.rerun()


def refused(exc: DashboardError) -> None:
    """Every problem of a refusal as a bullet list, then that nothing was stored."""
    problems = getattr(exc, "problems", ())
    if problems:
        bullets = "\n".join(f"- {markdown(p)}" for p in problems)
        st.error(f"{bullets}\n\n{NOTHING_STORED}")
    else:
        st.error(markdown(exc))


if "desk-done" in st.session_state:
    st.success(markdown(st.session_state.pop("desk-done")), icon=":material/check_circle:")

# Keyed and tracked: the tab an editor works in stays open across the reruns of a save (a
# success message above the tabs comes and goes, which would reset untracked tabs).
blog_tab, reaction_tab, results_tab, log_tab = st.tabs(
    ["Live blog", "Réactions", "Résultats", "Journal"], key="desk-tab", on_change="rerun"
)

with blog_tab:
    st.markdown("Collez le texte d'un live blog (ou du JSON-LD), ou déposez un fichier.")
    pasted = st.text_area("Texte", height=200, key="blog-text")
    upload = st.file_uploader(
        # Streamlit's own button and limit line are English: the label says it in French.
        f"…ou déposez un fichier (texte, HTML ou JSON-LD ; {actions.mb(limit_mb)} Mo au plus)",
        type=["txt", "json", "jsonld", "html", "htm"],
        key="blog-file",
        max_upload_size=max(1, int(limit_mb)),
    )
    c1, c2 = st.columns([1, 3])
    # Only the days a blog of this election can start (plausible_days in election.toml).
    first, last = ui.election().window()
    blog_day = c1.date_input(
        "Date du blog",
        value=ui.election().last_round.date,
        min_value=first.date(),
        max_value=(last - timedelta(days=1)).date(),
        format="DD/MM/YYYY",
    )
    source_url = c2.text_input("URL source du live blog", key="blog-url")
    gaz = ui.gazetteer()
    if st.button("Prévisualiser", key="blog-preview"):
        data = upload.getvalue() if upload is not None else pasted.encode("utf-8")
        try:
            parsed = actions.preview_liveblog(
                data, blog_date=blog_day, source_url=source_url, limit_mb=limit_mb
            )
            # A new editor key per preview: corrections made to an earlier one do not carry.
            serial = st.session_state.get("blog-serial", 0) + 1
            st.session_state["blog-serial"] = serial
            st.session_state["blog-parsed"] = (
                parsed,
                source_url,
                actions.preview_table(parsed, gaz),
            )
        except DashboardError as exc:
            st.session_state.pop("blog-parsed", None)
            refused(exc)
    if "blog-parsed" in st.session_state:
        parsed, url, detected = st.session_state["blog-parsed"]
        n = len(parsed.entries)
        st.markdown(
            f"**{markdown(actions.blog_name(url))}** — "
            f"{'1 entrée' if n == 1 else f'{n} entrées'} à enregistrer. Vérifiez les personnes, "
            "le camp et la position détectés ; corrigez-les au besoin avant d'enregistrer."
        )
        choices = actions.preview_choices(gaz)
        edited = st.data_editor(
            detected,
            key=f"blog-edit-{st.session_state.get('blog-serial', 0)}",
            hide_index=True,
            width="stretch",
            num_rows="fixed",
            disabled=["Heure", "Titre", "Média", "Citations"],
            # Fixed widths: the camp labels and people fit; the quotes take the rest.
            column_config={
                "Heure": st.column_config.TextColumn("Heure", width=90),
                "Titre": st.column_config.TextColumn("Titre", width=200),
                "Personnes": st.column_config.MultiselectColumn(
                    "Personnes", options=choices["Personnes"], width=200
                ),
                "Camp": st.column_config.SelectboxColumn(
                    "Camp", options=choices["Camp"], required=True, width=240
                ),
                "Média": st.column_config.TextColumn("Média", width=150),
                "Position": st.column_config.SelectboxColumn(
                    "Position", options=choices["Position"], required=True, width=170
                ),
                "Citations": st.column_config.TextColumn("Citations", width=400),
            },
        )
        if st.button(
            f"Enregistrer {'cette entrée' if n == 1 else f'ces {n} entrées'}",
            type="primary",
            key="blog-save",
        ):
            try:
                change = actions.ingest_preview(
                    store,
                    parsed,
                    source_url=url,
                    gazetteer=gaz,
                    who=who,
                    corrections=actions.corrections_from(detected, edited, gaz),
                )
            except DashboardError as exc:
                refused(exc)
            else:
                del st.session_state["blog-parsed"]
                done(change)

with reaction_tab:
    reactions = ui.reactions()
    if reactions.empty:
        st.info("Aucune entrée enregistrée.")
    else:
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
                format_func=lambda c: gaz.camps[c].label if c else actions.NO_CAMP,
            )
            stances = ["", *STANCES]
            stance = st.selectbox(
                "Position",
                stances,
                index=stances.index(row.stance) if row.stance in stances else 0,
                format_func=lambda s: s or actions.NO_STANCE,
            )
            outlet = st.text_input("Média", value=row.outlet or "")
            types = ["", *OUTLET_TYPES]
            outlet_type = st.selectbox(
                "Type de média",
                types,
                index=types.index(row.outlet_type) if row.outlet_type in types else 0,
                format_func=lambda t: OUTLET_TYPE_FR.get(t, t) if t else "non précisé",
            )
            reason = st.text_input("Motif de la correction")
            if st.form_submit_button("Enregistrer la correction", type="primary"):
                try:
                    change = actions.edit_reaction(
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
                except DashboardError as exc:
                    refused(exc)
                else:
                    done(change)

with results_tab:
    election = ui.election()
    candidates = ui.candidates()
    results = ui.results()
    names = dict(zip(candidates["candidate_id"], candidates["name"], strict=True))
    st.subheader("Ajouter un relevé annoncé (télévision, communiqué…)")
    rounds = [r.number for r in election.rounds]
    # Outside the form: the candidates listed depend on the round.
    round_ = st.selectbox(
        "Tour",
        rounds,
        index=len(rounds) - 1,
        format_func=lambda n: election.round(n).label,
        key="snap-round",
    )
    in_round = actions.round_candidates(results, candidates, election, round_)
    with st.form("snapshot-add"):
        c2, c3, c4 = st.columns(3)
        # Only the dates a snapshot of this round can have (plausible_days in election.toml).
        start, end = election.window(round_)
        day = c2.date_input(
            "Date",
            value=election.round(round_).date,
            min_value=start.date(),
            max_value=(end - timedelta(days=1)).date(),
            format="DD/MM/YYYY",
        )
        hour = c3.time_input("Heure", value=election.polls_close, step=60)
        status = c4.selectbox("Statut", STATUSES, format_func=status_fr)
        c5, c6, c7, c8, c9, c10 = st.columns(6)
        typed = {
            "bureaux_counted": c5.text_input("Bureaux dépouillés"),
            "bureaux_total": c6.text_input("Bureaux au total"),
            "votants": c7.text_input("Votants"),
            "exprimes": c8.text_input("Exprimés"),
            "blancs": c9.text_input("Blancs"),
            "nuls": c10.text_input("Nuls"),
        }
        # Default base: the one of the round's latest snapshot (exprimés in a run-off).
        of_round = results[results["round"] == round_].sort_values("as_of")
        last_base = of_round["share_base"].iloc[-1] if len(of_round) else SHARE_BASES[-1]
        base = st.selectbox(
            "Base des pourcentages",
            SHARE_BASES,
            index=SHARE_BASES.index(last_base),
            format_func=lambda b: BASE_FR.get(b, b),
        )
        cand_inputs = {}
        for cid in in_round:
            a, b = st.columns(2)
            cand_inputs[cid] = (
                a.text_input(f"Voix — {names.get(cid, cid)}", key=f"v-{round_}-{cid}"),
                b.text_input(f"% — {names.get(cid, cid)}", key=f"s-{round_}-{cid}"),
            )
        src = st.text_input("URL source")
        note = st.text_input("Note")
        if st.form_submit_button("Ajouter le relevé", type="primary"):
            try:
                doc = actions.snapshot_document(
                    election,
                    round_=round_,
                    as_of=datetime.combine(day, hour, tzinfo=PARIS),
                    status=status,
                    share_base=base,
                    source_url=src,
                    note=note,
                    counts=typed,
                    candidates=cand_inputs,
                    names=names,
                )
                change = actions.add_snapshot(store, candidates, doc, who=who, reason=note)
            except DashboardError as exc:
                refused(exc)
            else:
                done(change)

    st.subheader("Marquer un relevé comme corrigé ou remplacé")
    snaps = results.drop_duplicates("snapshot_id").sort_values("as_of", ascending=False)

    def snapshot_label(r: object) -> str:
        moment = pd.Timestamp(r.as_of).tz_convert(PARIS)
        when = fr_moment(moment, known=time_known(r.note), year=False, sep=" ")
        return (
            f"{r.snapshot_id} — {election.round(int(r.round)).label}, {when}, {status_fr(r.status)}"
        )

    info = {str(r.snapshot_id): snapshot_label(r) for r in snaps.itertuples()}
    with st.form("snapshot-mark"):
        sid = st.selectbox("Relevé", list(info), index=0, format_func=info.get)  # newest first
        mark = st.selectbox(
            "Marque", ["corrected", "superseded"], format_func=lambda m: MARK_LABELS[m]
        )
        why = st.text_input("Motif")
        if st.form_submit_button("Marquer"):
            try:
                change = actions.mark_snapshot(store, sid, mark, who=who, reason=why)
            except DashboardError as exc:
                refused(exc)
            else:
                done(change)

with log_tab:
    log = actions.journal(store, ui.election(), gaz)
    if log.empty:
        st.info("Aucune modification pour l'instant.")
    else:
        st.dataframe(
            log.drop(columns=["undoable"]),
            hide_index=True,
            width="stretch",
            # Wide enough for "29/01/2017 23:50" and the readable targets; before/after wrap
            # in the cell's tooltip when longer.
            column_config={
                "Quand": st.column_config.TextColumn("Quand", width=125),
                "Qui": st.column_config.TextColumn("Qui", width=100),
                "Action": st.column_config.TextColumn("Action", width=170),
                "Objet": st.column_config.TextColumn("Objet", width=250),
                "Avant": st.column_config.TextColumn("Avant", width=280),
                "Après": st.column_config.TextColumn("Après", width=280),
                "Motif": st.column_config.TextColumn("Motif", width=160),
            },
        )
        open_rows = log[log["undoable"]]
        if open_rows.empty:
            st.caption("Aucune modification à annuler.")
        else:
            rows = {
                cid: f"{r['Quand']} — {r['Action']} — {r['Objet']} ({r['Qui']})"
                for cid, r in open_rows.iterrows()
            }
            with st.form("undo"):
                change_id = st.selectbox(
                    "Modification à annuler",
                    list(rows),
                    format_func=rows.get,
                    key=f"undo-row-{len(log)}",  # a new change: the newest row again
                )
                st.caption("L'annulation ajoute la modification inverse au journal.")
                if st.form_submit_button("Annuler cette modification"):
                    try:
                        change = actions.undo(store, change_id, who=who)
                    except DashboardError as exc:
                        refused(exc)
                    else:
                        done(change)
