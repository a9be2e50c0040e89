"""On Scenario's: the filters, and a suggestion where to begin or what to practise next."""

from __future__ import annotations

import streamlit as st

from modules.content.principles import Catalogue
from modules.content.scenario import Scenario, Theme
from modules.library import finder
from modules.records import Attempt
from modules.ui import context


def filters(scenarios: list[Scenario], catalogue: Catalogue) -> finder.Filter:
    """The filter row; returns what the teacher asked for."""
    with st.expander("Zoeken op schooltype, thema, duur of principe", expanded=False):
        present_types = [t for t in context.SCHOOL_TYPES if any(s.school_type.value == t for s in scenarios)]
        types = st.pills(
            "Schooltype",
            present_types,
            format_func=lambda t: context.SCHOOL_TYPES[t],
            selection_mode="multi",
            key="filter-type",
        )
        present_themes = [t.value for t in Theme if any(s.theme == t for s in scenarios)]
        themes = st.pills("Thema", present_themes, selection_mode="multi", key="filter-theme")
        shortest, longest = min(s.minutes for s in scenarios), max(s.minutes for s in scenarios)
        minutes = None
        if shortest < longest:
            chosen = st.slider("Duur in minuten", shortest, longest, (shortest, longest), key="filter-minutes")
            minutes = None if chosen == (shortest, longest) else chosen
        trained = set().union(*(finder.honoured(s) for s in scenarios))
        names = {p.id: p.name for p in catalogue.principles if p.id in trained}
        principle = st.selectbox(
            "Principe dat je wilt oefenen",
            sorted(names, key=names.__getitem__),
            format_func=names.__getitem__,
            index=None,
            placeholder="Alle principes",
            key="filter-principle",
        )
    return finder.Filter(frozenset(types or []), frozenset(themes or []), minutes, principle)


def suggestion(scenarios: list[Scenario], attempts: list[Attempt], catalogue: Catalogue) -> None:
    """Where a new teacher begins; after some play, a scenario that trains what was neglected most."""
    if not attempts:
        with st.container(border=True):
            st.markdown("**Waar begin ik?** Kies het gesprek bij jouw schooltype. Het is een goede eerste oefening:")
            for school_type, scenario in finder.first_steps(scenarios).items():
                _start_button(scenario, f"{context.SCHOOL_TYPES[school_type]}: {scenario.title}")
            st.caption("Daarna kies je zelf: filter op een thema of op een principe dat je wilt oefenen.")
        return
    found = finder.next_step(scenarios, attempts)
    if found is None:
        return
    principle = catalogue.get(found.principle)
    name = principle.name if principle is not None else found.principle
    with st.container(border=True):
        st.markdown(
            f"**Wat nu?** In je afgeronde gesprekken bleef *{name}* het vaakst liggen. "
            f"‘{found.scenario.title}’ laat je dat oefenen."
        )
        _start_button(found.scenario, f"Start ‘{found.scenario.title}’")


def _start_button(scenario: Scenario, label: str) -> None:
    if st.button(label, key=f"suggest-{scenario.id}"):
        st.session_state.pop(context.ATTEMPT, None)
        context.go("spelen", **{context.SCENARIO: scenario.id})
