"""Shared rendering for team sessions: the scene, the tally, the join link and QR code, the group debrief.

Used by the facilitator's page (sessie_leiden.py) and the participants' page (meedoen.py).
Scenario text comes from authors (Markdown); everything participants wrote (names, reasons)
is rendered with ``wording.escape_markdown``.
"""

from __future__ import annotations

import io
import os

import segno
import streamlit as st

from modules.content.principles import Catalogue
from modules.content.scenario import Choice, Scenario
from modules.play import debrief, engine
from modules.team import sessions as team
from modules.ui import context, wording
from modules.ui.widgets import scenes
from modules.ui.widgets.charts import Spec, channel, show

# Session key read by the Reflectie page: the team session a participant reflects on.
REFLECT_SESSION = "team_session_id"
LETTERS = "ABCDEFGHIJ"
NAMES_REMINDER = "Schrijf geen namen van kinderen of ouders."
JOIN_PAGE = "meedoen"  # URL path of modules/ui/pages/meedoen.py


# --- join link and QR code --------------------------------------------------------------------


def base_url() -> str:
    """The app's address as participants reach it.

    ``SAMENSPEL_PUBLIC_URL`` wins (for a server behind a proxy); otherwise the address in the
    facilitator's browser, without the page path; otherwise localhost.
    """
    configured = os.environ.get("SAMENSPEL_PUBLIC_URL", "").strip()
    if configured:
        return configured.rstrip("/")
    try:
        url = st.context.url or ""
    except Exception:  # outside a browser session
        url = ""
    url = url.split("?")[0].split("#")[0].rstrip("/")
    for page in ("sessie_leiden", JOIN_PAGE):
        url = url.removesuffix(f"/{page}")
    return url or "http://localhost:8501"


def join_url(code: str) -> str:
    return f"{base_url()}/{JOIN_PAGE}?code={code}"


def qr_png(url: str, scale: int = 10) -> bytes:
    """The QR code of ``url`` as PNG bytes (``scale``: pixels per module)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


# --- the scene --------------------------------------------------------------------------------


def choice_label(index: int, choice: Choice) -> str:
    return f"{LETTERS[index]}. {choice.text}"


def letter_of(choices: list[Choice], choice_id: str) -> str:
    index = next((i for i, c in enumerate(choices) if c.id == choice_id), None)
    return LETTERS[index] if index is not None else "?"


def show_context(scenario: Scenario, expanded: bool) -> None:
    """The situation; ``expanded`` may change between runs (Streamlit then opens or closes it)."""
    with st.expander("De situatie", expanded=expanded):
        st.caption(f"{context.SCHOOL_TYPES[scenario.school_type.value]} · ongeveer {scenario.minutes} minuten")
        st.markdown(scenario.context)
        st.markdown(f"**De ouder:** {scenario.persona.role}")
        st.markdown(scenario.persona.description)


def show_story(scenario: Scenario, state: engine.PlayState) -> None:
    """Earlier decisions folded away; the group's last choice with its reaction and feedback."""
    scenes.show_story(scenario, state, actor="De groep koos", why=False)


def show_scene(scenario: Scenario, view: engine.View) -> None:
    st.divider()
    if view.text:
        st.markdown(view.text)
    scenes.show_lines(scenario, view.lines)


def show_choices(choices: list[Choice]) -> None:
    st.markdown("**Wat doe je?**")
    st.markdown("\n".join(f"- **{LETTERS[i]}.** {c.text}" for i, c in enumerate(choices)))


# --- tally and reasons ------------------------------------------------------------------------


def votes_label(n: int) -> str:
    return f"{n} {'stem' if n == 1 else 'stemmen'}"


def share_label(part: int, total: int) -> str:
    """'1 van 1 stem', '2 van 3 stemmen'."""
    return f"{part} van {votes_label(total)}"


def turnout_label(voted: int, joined: int) -> str:
    """'1 van de 2 deelnemers heeft gestemd', '2 van de 3 deelnemers hebben gestemd'."""
    people = "deelnemer" if joined == 1 else "deelnemers"
    return f"{voted} van de {joined} {people} {'heeft' if voted == 1 else 'hebben'} gestemd"


def tally_chart(choices: list[Choice], counts: dict[str, int]) -> Spec:
    rows = [
        {
            "keuze": f"{LETTERS[i]}. {c.text[:60]}{'…' if len(c.text) > 60 else ''}",
            "tekst": c.text,
            "stemmen": counts.get(c.id, 0),
        }
        for i, c in enumerate(choices)
    ]
    order = [row["keuze"] for row in rows]
    return {
        "data": {"values": rows},
        "encoding": {
            "y": channel("keuze", "nominal", sort=order, title=None, axis={"labelLimit": 480, "labelFontSize": 15}),
            "x": channel("stemmen", "quantitative", title="Stemmen", axis={"tickMinStep": 1, "format": "d"}),
        },
        "layer": [
            {
                "mark": {"type": "bar", "color": "#1565c0"},
                "encoding": {"tooltip": [channel("tekst", "nominal"), channel("stemmen", "quantitative")]},
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 16},
                "encoding": {"text": channel("stemmen", "quantitative")},
            },
        ],
        "height": 60 * len(rows) + 30,
    }


def show_tally(choices: list[Choice], counts: dict[str, int], voters: int, chart: bool = True) -> None:
    if not voters:
        st.info("Er is niet gestemd.")
        return
    if chart:
        show(tally_chart(choices, counts))
    st.markdown(
        "\n".join(f"- **{LETTERS[i]}.** {votes_label(counts.get(c.id, 0))} — {c.text}" for i, c in enumerate(choices))
    )


def show_reasons(choices: list[Choice], reasons: list[team.Reason]) -> None:
    if not reasons:
        st.caption("Er zijn geen redenen gegeven.")
        return
    for index, choice in enumerate(choices):
        given = [r for r in reasons if r.choice_id == choice.id]
        if not given:
            continue
        st.markdown(f"**Bij {LETTERS[index]}:**")
        for reason in given:
            who = f" — {wording.escape_markdown(reason.name)}" if reason.name else ""
            st.markdown(f"- “{wording.escape_markdown(reason.text)}”{who}")


# --- the group debrief ------------------------------------------------------------------------


def _decision_note(session: team.TeamSession, decision: team.Decision) -> str:
    if session.projector_only or not decision.voters:
        return "gekozen na bespreking"
    note = share_label(decision.tally.get(decision.chosen, 0), decision.voters)
    if decision.majority is None:
        note += " · geen meerderheid, de groep koos na bespreking"
    elif decision.majority != decision.chosen:
        real_majority = 2 * decision.tally.get(decision.majority, 0) > decision.voters
        note += " · na bespreking koos de groep anders dan " + (
            "de meerderheid" if real_majority else "de meeste stemmen"
        )
    return note


def group_debrief(session: team.TeamSession, scenario: Scenario, catalogue: Catalogue, full: bool) -> None:
    """The debrief of a finished session; ``full`` adds the profile chart, tallies and reasons."""
    state = team.state(session, scenario)
    if not state.finished:  # closed by the facilitator, or by itself after a long pause
        st.info(
            "Deze sessie is gesloten voordat het gesprek een einde had. Dit zijn de keuzes van de groep tot dat moment."
        )
        for number, (decision, text) in enumerate(team.debrief_path(session, scenario), start=1):
            st.markdown(f"**{number}. {text}**  \n_{_decision_note(session, decision)}_")
        if not session.decisions:
            st.caption("De groep had nog geen keuze gemaakt.")
        return
    view = engine.view(scenario, state)
    show_story(scenario, state)
    show_scene(scenario, view)
    report = debrief.build(scenario, state, catalogue)
    scenes.ending_banner(report.ending)

    st.header("Nabespreking met de groep")
    st.markdown(report.text)
    if not session.projector_only:
        count = session.participant_count
        st.caption(
            f"{count} {'deelnemer' if count == 1 else 'deelnemers'} · "
            f"afgerond {wording.short_date(session.finished_at)}"
        )

    st.subheader("De route van de groep")
    for number, (decision, text) in enumerate(team.debrief_path(session, scenario), start=1):
        st.markdown(f"**{number}. {text}**  \n_{_decision_note(session, decision)}_")
        if full and not session.projector_only and decision.voters:
            node = scenario.nodes[decision.node_id]
            with st.expander(f"Stemmen en redenen bij keuze {number}"):
                offered = [c for c in node.choices if c.id in decision.tally]
                show_tally(offered, decision.tally, decision.voters, chart=False)
                show_reasons(offered, decision.reasons)

    if full:
        st.subheader("Principeprofiel van de groep")
        rows = debrief.profile_table(report)
        if rows:
            show(scenes.profile_chart(rows))
            st.caption("Groen: de keuzes van de groep versterkten het principe. Rood: het kwam onder druk.")

    if not session.projector_only:
        st.subheader("Waar de groep het minst eens was")
        spread = team.disagreements(session)
        if not spread:
            st.markdown("De groep was het bij elke keuze eens.")
        for decision in spread:
            node = scenario.nodes[decision.node_id]
            offered = [c for c in node.choices if c.id in decision.tally]
            number = decision.step + 1
            st.markdown(f"**Keuze {number}** ({votes_label(decision.voters)})")
            st.markdown("\n".join(f"- {votes_label(decision.tally.get(c.id, 0))}: {c.text}" for c in offered))
    if full and report.try_next:
        st.subheader("Om verder over te praten")
        for principle in report.try_next:
            st.markdown(f"- **{principle.name}:** {principle.in_practice or principle.summary}")
