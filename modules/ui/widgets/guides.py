"""Download buttons for a scenario's facilitator guide (Markdown and printable HTML)."""

from __future__ import annotations

import streamlit as st

from modules.content.scenario import Scenario
from modules.exchange import guide
from modules.ui import context

FORMATS = (
    ("Afdrukken (HTML, A4)", "html", "text/html", guide.as_html),
    ("Bewerken (Markdown)", "md", "text/markdown", guide.as_markdown),
)


def downloads(scenario: Scenario, key: str) -> None:
    """The guide for a study session on this scenario, as Markdown and as an A4 page to print."""
    catalogue = context.catalogue()
    st.caption("Doelen, tijdsplan voor 45 of 90 minuten, gespreksvragen, principes met bronnen en reflectievragen.")
    for column, (label, extension, mime, build) in zip(st.columns(2), FORMATS, strict=True):
        column.download_button(
            label,
            build(scenario, catalogue),
            file_name=guide.file_name(scenario, extension),
            mime=mime,
            key=f"{key}-{extension}",
            on_click="ignore",
        )
