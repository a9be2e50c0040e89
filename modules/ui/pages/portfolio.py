"""Portfolio: choose reflections and download them with their comments as Markdown (.md) or HTML."""

import streamlit as st

from modules.exchange import portfolio
from modules.ui import context, signin, wording

user = signin.require_user("teacher", "facilitator", "coach")
store = context.store()

st.title("Portfolio")
st.markdown(
    "Kies reflecties uit je logboek en download ze als portfolio, met de reacties van je coach. "
    "Handig voor je bekwaamheidsdossier. Het HTML-bestand open je in je browser en kun je als PDF afdrukken; "
    "het bewerkbare tekstbestand (.md) kun je zelf verder aanpassen."
)
reflections = store.list_reflections(user.id)

if not reflections:
    st.info("Je hebt nog geen reflecties. Na een gesprek kun je er een schrijven in Reflectie.")
    st.stop()

labels = {r.id: f"{r.scenario_title or 'Losse reflectie'} — {wording.short_date(r.created_at)}" for r in reflections}
chosen = st.multiselect(
    "Welke reflecties komen in je portfolio?",
    options=list(labels),
    format_func=lambda reflection_id: labels[reflection_id],
    key="portfolio-choice",
    placeholder="Kies een of meer reflecties",
)


def choose_all() -> None:
    st.session_state["portfolio-choice"] = list(labels)


st.button("Kies alle reflecties", key="portfolio-all", on_click=choose_all)

if not chosen:
    st.caption("Kies minstens één reflectie om te downloaden.")
    st.stop()

st.markdown(f"**Je portfolio bevat {len(chosen)} {'reflectie' if len(chosen) == 1 else 'reflecties'}.**")
st.caption(
    "Er staat alleen in wat jij schreef en de reacties op die reflecties. "
    "Lees het na voordat je het deelt: staan er geen namen van kinderen of ouders in?"
)
as_markdown = portfolio.as_markdown(store, user, chosen)
as_html = portfolio.as_html(store, user, chosen)

cols = st.columns(2)
cols[0].download_button(
    "Download als HTML",
    data=as_html,
    file_name="portfolio.html",
    mime="text/html",
    key="portfolio-html",
    on_click="ignore",
    type="primary",
    icon="📄",
)
cols[1].download_button(
    "Download als tekstbestand (.md)",
    data=as_markdown,
    file_name="portfolio.md",
    mime="text/markdown",
    key="portfolio-md",
    on_click="ignore",
    icon="📝",
)
