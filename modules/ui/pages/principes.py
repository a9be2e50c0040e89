"""Browse the partnership principles, each with its source and the scenarios that train it."""

import streamlit as st

from modules.records import limits
from modules.ui import context, signin, wording
from modules.ui.widgets import cards

signin.require_user()
catalogue = context.catalogue()

st.title("Principes")
st.markdown(
    "Dit zijn de principes van partnerschap tussen school en ouders waarop de feedback in Samenspel is gebaseerd. "
    "Bij elk principe staat de bron en in welke scenario's je het oefent."
)
query = (
    st.text_input("Zoek een principe", placeholder="bijvoorbeeld: vertrouwen", max_chars=limits.SEARCH).strip().lower()
)
focus = st.query_params.get("principe")

shown = 0
for group in catalogue.groups:
    members = [
        p for p in catalogue.in_group(group.id) if not query or query in p.name.lower() or query in p.summary.lower()
    ]
    if not members:
        continue
    shown += len(members)
    st.markdown(f"## {group.name}")
    st.caption(f"{group.intro} (Bron: {group.source.label()})")
    for principle in members:
        with st.expander(principle.name, expanded=bool(query) or focus == principle.id):
            cards.principle_card(principle)

if not shown:
    st.info(f"Geen principe gevonden met ‘{wording.escape_markdown(query)}’. Probeer een ander woord.")
