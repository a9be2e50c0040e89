"""A principle as a card, and the 'Waarom?' button that opens it."""

from __future__ import annotations

import streamlit as st

from modules.content.principles import Principle
from modules.ui import context


def principle_popover(principle: Principle, key: str, label: str | None = None) -> None:
    """A 'waarom?' button that opens the principle with its source."""
    with st.popover(label or f"Waarom? {principle.name}", key=key):
        principle_card(principle, with_scenarios=False)


def principle_card(principle: Principle, with_scenarios: bool = True) -> None:
    group = context.catalogue().group(principle.group)
    st.markdown(f"**{principle.name}**  \n_{group.name}_")
    st.markdown(principle.summary)
    if principle.in_practice:
        st.markdown(f"**In het gesprek:** {principle.in_practice}")
    source = principle.source
    quote = f"  \n> {source.quote}" if source.quote else ""
    st.caption(f"Bron: {source.label()}{quote}")
    if principle.also:
        st.caption("Zie ook: " + "; ".join(principle.also))
    if with_scenarios:
        trained = context.library().training(principle.id)
        if trained:
            st.markdown("**Oefen dit in:** " + ", ".join(s.title for s in trained))
        else:
            st.caption("Nog geen scenario oefent dit principe.")
