"""Rendering a scenario's story: dialogue lines, steps taken, feedback, the principle profile chart.

Shared by the Play page, the Nabespreking page and the team-session pages. Scenario text
is authored Markdown; nothing here renders user-written text.
"""

from __future__ import annotations

import streamlit as st

from modules.content.scenario import Choice, Ending, Line, Scenario, Speaker
from modules.play import engine, paths
from modules.ui import context, wording
from modules.ui.widgets import cards
from modules.ui.widgets.charts import Spec, channel, chart

AVATARS = {
    Speaker.ouder: "🧑",
    Speaker.ouder2: "🧔",
    Speaker.leraar: "🧑‍🏫",
    Speaker.kind: "🧒",
    Speaker.tolk: "🗣️",
    Speaker.collega: "🧑‍💼",
}


def show_introduction(scenario: Scenario) -> None:
    """Before the first scene: the situation, the parent, what the teacher practises."""
    st.caption(f"{context.SCHOOL_TYPES[scenario.school_type.value]} · ongeveer {scenario.minutes} minuten")
    st.markdown("### De situatie")
    st.markdown(scenario.context)
    st.markdown(f"**De ouder:** {scenario.persona.role}")
    st.markdown(scenario.persona.description)
    st.markdown("**Wat je oefent**")
    st.markdown("\n".join(f"- {goal}" for goal in scenario.learning_goals))


def show_meters(scenario: Scenario, state: engine.PlayState) -> None:
    """The visible variables (the parent's trust, ...) with the change of the last choice."""
    visible = [(k, v) for k, v in scenario.variables.items() if v.visible]
    if not visible:
        return
    last_changes = state.steps[-1].changes if state.steps else {}
    for column, (name, var) in zip(st.columns(len(visible)), visible, strict=True):
        delta = last_changes.get(name)
        column.metric(var.label, state.variables[name], delta=delta if delta else None)


def show_lines(scenario: Scenario, lines: list[Line]) -> None:
    for line in lines:
        if line.speaker is Speaker.verteller:
            st.markdown(f"_{line.text}_")
        else:
            label = scenario.speaker_label(line.speaker)
            with st.chat_message(label, avatar=AVATARS[line.speaker]):
                st.markdown(f"**{label}:** {line.text}")


def show_step(scenario: Scenario, state: engine.PlayState, index: int, choice: Choice, actor: str) -> None:
    """Past decision ``index``: its scene as it was shown then, what was chosen (by ``actor``), and the reaction."""
    node = scenario.nodes[state.steps[index].node]
    if node.text:
        st.markdown(node.text)
    show_lines(scenario, paths.scene_lines(scenario, state, index))
    with st.chat_message(actor, avatar=AVATARS[Speaker.leraar]):
        st.markdown(f"**{actor}:** {choice.text}")
    st.markdown(f"_{choice.reaction.strip()}_")


def show_story(scenario: Scenario, state: engine.PlayState, actor: str = "Jij", why: bool = True) -> None:
    """Earlier decisions folded away; the last one with its reaction and feedback box.

    With ``why`` the feedback box has a 'Waarom?' popover per principle at stake.
    """
    taken = engine.path(scenario, state)
    if len(taken) > 1:
        earlier = len(taken) - 1
        with st.expander(f"Eerder in dit gesprek ({earlier} {'keuze' if earlier == 1 else 'keuzes'})"):
            for index, (_, choice) in enumerate(taken[:-1]):
                show_step(scenario, state, index, choice, actor)
    if not taken:
        return
    _, choice = taken[-1]
    show_step(scenario, state, len(taken) - 1, choice, actor)
    with st.container(border=True):
        st.markdown(f"**Feedback** — {choice.feedback}")
        visible = [
            wording.format_change(k, v, scenario)
            for k, v in state.steps[-1].changes.items()
            if scenario.variables[k].visible
        ]
        if visible:
            st.markdown(" · ".join(visible))
        if why:
            with st.container(horizontal=True):
                for pid, weight in choice.principles.items():
                    principle = context.catalogue().get(pid)
                    if principle is None:  # the library refuses such a scenario; a page never fails on it
                        continue
                    mark = "✓" if weight > 0 else "⚠"
                    cards.principle_popover(
                        principle, key=f"why-{len(taken)}-{pid}", label=f"{mark} Waarom? {principle.name}"
                    )


OUTCOME_BADGES = {
    "sterk": ("green", "Sterk partnerschap"),
    "gemengd": ("orange", "Gemengd resultaat"),
    "zwak": ("red", "Partnerschap onder druk"),
}


def ending_banner(ending: Ending) -> None:
    """How the conversation ended: a neutral box with a small coloured outcome label (not an error box)."""
    colour, label = OUTCOME_BADGES[ending.outcome.value]
    with st.container(border=True):
        st.markdown(f"**Einde: {ending.title}**  \n:{colour}-badge[{label}]")


def profile_chart(rows: list[dict]) -> Spec:
    """The principle profile (rows from feedback.profile_table): green honoured, red neglected."""
    return chart(
        rows,
        "bar",
        {
            "x": channel(
                "score",
                "quantitative",
                title="Versterkt (+) of onder druk (−)",
                axis={"tickMinStep": 1, "format": "d"},
            ),
            "y": channel("principe", "nominal", sort="-x", title=None, axis={"labelLimit": 320, "labelOverlap": False}),
            "color": channel(
                "soort",
                "nominal",
                scale={"domain": ["Versterkt", "Onder druk"], "range": ["#2e7d32", "#c62828"]},
                legend={"title": None, "orient": "bottom"},
            ),
            "tooltip": [channel("principe", "nominal"), channel("score", "quantitative")],
        },
        height=chart_height(rows),
    )


def chart_height(rows: list[dict]) -> int:
    """Pixels for a horizontal bar chart with one readable bar per row."""
    return 30 * len(rows) + 60
