"""Text on pages: what users wrote (plain text, or escaped inside Markdown), dates in Dutch, small labels."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from modules import dutch
from modules.content.scenario import Scenario
from modules.exchange import escaping

WORD_JOINER = escaping.WORD_JOINER


def escape_markdown(text: str) -> str:
    """Make user text inert inside Markdown: every Markdown/HTML character escaped, line breaks kept,
    and no bare address (https://…, www.…, name@…) turned into a clickable link."""
    unlinked = escaping.unlink_addresses(str(text))
    return escaping.escape_markdown(unlinked.replace("@", WORD_JOINER + "@"))


def user_text(text: str) -> None:
    """Render text a user wrote as plain text (``st.text``): never HTML, Markdown or a link."""
    st.text(str(text))


def comments_label(count: int) -> str:
    return dutch.plural(count, "nieuwe reactie", "nieuwe reacties")


def format_change(name: str, delta: int, scenario: Scenario) -> str:
    label = scenario.variables[name].label
    return f"{label}: {'+' if delta > 0 else ''}{delta}"


def short_date(moment: datetime | None) -> str:
    """'23 nov. 2026, 12:08' in Dutch time; empty for no date."""
    return dutch.dutch_datetime(moment)


def short_day(moment: datetime | None) -> str:
    """'23 november 2026' in Dutch time; empty for no date."""
    return dutch.dutch_date(moment)
