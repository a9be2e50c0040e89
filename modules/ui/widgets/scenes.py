"""Rendering a scenario's story: dialogue lines, steps taken, feedback, the principle profile chart.

Shared by the Play page, the Nabespreking page and the team-session pages. Scenario text
is authored Markdown; nothing here renders user-written text.
"""

from __future__ import annotations

import streamlit as st

from modules.content.scenario import Choice, Ending, Line, Scenario, Speaker, Variable
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


# Finite verbs that make a variable's label a statement ("De vader voelt zich gehoord") rather than a
# thing that grows ("Vertrouwen van de vader"); they stand second, or third after an article.
_STATEMENT_VERB_WORDS = (
    "is zijn was waren wordt worden werd heeft hebben had hadden voelt voelen voelde weet weten wist "
    "blijft blijven bleef hoeft hoeven kent kennen kan kunnen kon mag mogen wil willen moet moeten "
    "gaat gaan ging krijgt krijgen kreeg vertelt vertellen begrijpt begrijpen snapt doet doen deed "
    "zit zitten zat loopt lopen leert leren telt tellen beloofde koos deelde zette staat staan"
)
_STATEMENT_VERBS = frozenset(_STATEMENT_VERB_WORDS.split())
_ARTICLES = frozenset({"de", "het", "een"})
_COMPARATIVES = {"goed": "beter", "veel": "meer", "sterk": "sterker", "duidelijk": "duidelijker"}


def _lower_first(text: str) -> str:
    """'Vertrouwen van Marjan' -> 'vertrouwen van Marjan' (a name in the middle keeps its capital)."""
    return text[:1].lower() + text[1:]


def scale_meaning(label: str) -> str:
    """What a higher number means, in one plain phrase made from the variable's Dutch label.

    'Vertrouwen van de vader' -> 'Hoe hoger, hoe meer vertrouwen van de vader.';
    'De stem van Noor' -> 'Hoe hoger, hoe sterker de stem van Noor.';
    'Hoe goed de school Mirtes signalen kent' -> 'Hoe hoger, hoe beter de school Mirtes signalen kent.';
    a statement ('De vader voelt zich gehoord') -> 'Hoe hoger, hoe meer dit klopt.'
    """
    words = label.strip().rstrip(".").split()
    if not words:
        return "Hoe hoger, hoe meer."
    first = words[0].lower()
    if first == "hoe" and len(words) > 2 and words[1].lower() in _COMPARATIVES:
        return f"Hoe hoger, hoe {_COMPARATIVES[words[1].lower()]} {' '.join(words[2:])}."
    if first == "wat" and len(words) > 1:
        return f"Hoe hoger, hoe meer {' '.join(words[1:])}."
    verb_at = 2 if first in _ARTICLES else 1
    if len(words) > verb_at and words[verb_at].lower().strip(",;:") in _STATEMENT_VERBS:
        return "Hoe hoger, hoe meer dit klopt."
    if first in ("de", "het"):
        return f"Hoe hoger, hoe sterker {_lower_first(' '.join(words))}."
    if first in _ARTICLES or first in ("hoe", "je", "er"):
        return "Hoe hoger, hoe meer dit klopt."
    return f"Hoe hoger, hoe meer {_lower_first(' '.join(words))}."


def scale_text(var: Variable, value: int) -> str:
    """'40 van 100'; on a scale that does not start at 0: '3 (van -5 tot 10)'."""
    if var.min == 0:
        return f"{value} van {var.max}"
    return f"{value} (van {var.min} tot {var.max})"


def show_meters(scenario: Scenario, state: engine.PlayState) -> None:
    """The visible variables (the parent's trust, ...): value out of the maximum as a bar, the change of
    the last choice, and what a higher number means. Variables with ``visible: false`` never show.

    Side by side on a wide screen; on a phone the columns stack, each meter three short lines.
    """
    visible = [(k, v) for k, v in scenario.variables.items() if v.visible]
    if not visible:
        return
    last_changes = state.steps[-1].changes if state.steps else {}
    columns = st.columns(len(visible), gap="small") if len(visible) > 1 else [st.container()]
    for column, (name, var) in zip(columns, visible, strict=True):
        value = state.variables[name]
        delta = last_changes.get(name)
        change = f" · {delta:+d} na je laatste keuze" if delta else ""
        span = var.max - var.min
        fraction = min(1.0, max(0.0, (value - var.min) / span)) if span > 0 else 1.0
        with column.container(gap="xxsmall", key=f"meter-{name}"):
            st.progress(fraction, text=f"**{var.label}:** {scale_text(var, value)}{change}")
            st.caption(scale_meaning(var.label))


def show_lines(scenario: Scenario, lines: list[Line]) -> None:
    for line in lines:
        if line.speaker is Speaker.verteller:
            st.markdown(f"_{line.text}_")
        else:
            label = scenario.speaker_label(line.speaker)
            with st.chat_message(label, avatar=AVATARS[line.speaker]):
                st.markdown(f"**{label}:** {line.text}")


def show_step(
    scenario: Scenario, state: engine.PlayState, index: int, choice: Choice, actor: str, key: str | None = None
) -> None:
    """Past decision ``index``: its scene as it was shown then, what was chosen (by ``actor``), and the reaction
    (in a container with ``key``, when given: the page script moves a screen reader's focus there)."""
    node = scenario.nodes[state.steps[index].node]
    if node.text:
        st.markdown(node.text)
    show_lines(scenario, paths.scene_lines(scenario, state, index))
    with st.chat_message(actor, avatar=AVATARS[Speaker.leraar]):
        st.markdown(f"**{actor}:** {choice.text}")
    with st.container(key=key):
        st.markdown(f"_{choice.reaction.strip()}_")


def show_story(
    scenario: Scenario, state: engine.PlayState, actor: str = "Jij", why: bool = True, reaction_key: str | None = None
) -> None:
    """Earlier decisions folded away; the last one with its reaction and feedback box.

    With ``why`` the feedback box has a 'Waarom?' popover per principle at stake; ``reaction_key`` keys
    the last reaction (once per page: modules/ui/static/a11y.js looks for ``.st-key-play-reaction``).
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
    show_step(scenario, state, len(taken) - 1, choice, actor, key=reaction_key)
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
