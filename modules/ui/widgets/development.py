"""The parts of Mijn ontwikkeling of one's own: intentions and how they went (the rest is shared with the
coach's view, ``widgets/coach.py``)."""

from __future__ import annotations

import streamlit as st

from modules import dutch
from modules.library.scenarios import Library
from modules.people import coaching
from modules.play import reflection as reflection_form
from modules.ui import wording

md = wording.escape_markdown


def intentions(
    shown: list[reflection_form.IntentionTrail], every: list[reflection_form.IntentionTrail], library: Library
) -> None:
    """Each intention (newest first) with what the teacher wrote later about how it went.

    ``every``: all intentions, for the count and to know the newest; ``shown``: those the filters keep."""
    st.markdown("## Mijn voornemens")
    if not every:
        st.info(
            "Je hebt nog geen voornemen. Aan het eind van elke reflectie kies je één voornemen voor je volgende "
            "gesprek. In de reflectie daarna kijk je terug hoe het ging."
        )
        return
    looked_back = sum(1 for t in every if t.follow_ups)
    st.caption(f"{dutch.plural(len(every), 'voornemen', 'voornemens')}, {looked_back} met een terugblik.")
    if not shown:
        st.info("Geen voornemens met deze filters.")
        return
    newest = every[0].reflection.id
    for trail in shown:
        item = trail.reflection
        title = coaching.scenario_title(item.scenario_id, item.scenario_title, library)
        if item.team_session_id:
            title = f"Teamsessie: {title}"
        with st.container(border=True):
            st.markdown(f"🎯 **{md(title)}** — {wording.short_day(item.created_at)}")
            st.caption("Je voornemen")
            wording.user_text(trail.intention)
            for later in trail.follow_ups:
                st.caption(f"Hoe ging het? Je terugblik van {wording.short_day(later.created_at)}")
                wording.user_text(later.follow_up)
            if trail.follow_ups:
                continue
            if item.id == newest:
                st.caption(
                    "Dit is je laatste voornemen. Probeer het in je volgende gesprek. "
                    "In je volgende reflectie kijk je terug hoe het ging."
                )
            else:
                st.caption("Je hebt niet opgeschreven hoe dit ging.")
