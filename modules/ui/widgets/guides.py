"""Download buttons for a scenario's facilitator guide (Markdown and printable HTML)."""

from __future__ import annotations

import streamlit as st

from modules.content.scenario import Scenario
from modules.exchange import guide
from modules.ui import context


def downloads(scenario: Scenario, key: str) -> None:
    """The guide for a study session on this scenario, as Markdown and as an A4 page to print."""
    catalogue = context.catalogue()
    st.caption("Doelen, tijdsplan voor 45 of 90 minuten, gespreksvragen, principes met bronnen en reflectievragen.")
    cols = st.columns(2)
    cols[0].download_button(
        "Afdrukken (HTML, A4)",
        guide.as_html(scenario, catalogue),
        file_name=guide.file_name(scenario, "html"),
        mime="text/html",
        key=f"{key}-html",
        on_click="ignore",
    )
    cols[1].download_button(
        "Bewerken (Markdown)",
        guide.as_markdown(scenario, catalogue),
        file_name=guide.file_name(scenario, "md"),
        mime="text/markdown",
        key=f"{key}-md",
        on_click="ignore",
    )
