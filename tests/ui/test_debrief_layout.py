"""The debrief's layout on *Nabespreking*: the lesson and the route open, every other part folded.

On a phone the debrief was some 5,000 px long. Its content stays what ``modules.play.debrief``
builds from the path; only where it stands changed. These tests walk the page's element tree
and check where each part of the debrief is: above the parts, in the open route, or in a
folded part of its own.
"""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from modules.content.principles import load_catalogue
from modules.library.scenarios import load_library
from modules.play import debrief, practice
from modules.records import Attempt
from modules.storage import TinyDBStore
from tests.pages import choice_keys, click, open_app, play_to_end, sign_up, start_scenario

SCENARIOS = ["de-taalbarriere", "het-advies"]
ROUTE, TRY_NEXT, PROFILE, WHAT_IF, SOURCES = (
    "Jouw route",
    "Probeer volgende keer",
    "Principeprofiel",
    "Wat als je anders had gekozen?",
    "Bronnen bij deze nabespreking",
)
Placed = list[tuple[tuple[str, ...], str | None, Any]]


def placed(at: AppTest) -> Placed:
    """(labels of the expanders around it, its type, the element) for every element of the main area, in order."""
    found: Placed = []

    def walk(node: Any, around: tuple[str, ...]) -> None:
        kind = getattr(node, "type", None)
        found.append((around, kind, node))
        inner = (*around, node.label) if kind == "expander" else around
        for child in getattr(node, "children", {}).values():
            walk(child, inner)

    walk(at.main, ())
    return found


def values(items: Placed, where: tuple[str, ...]) -> list[str]:
    """The text of the elements directly in the expanders ``where`` (``()``: in none)."""
    return [str(node.value) for around, _, node in items if around == where and hasattr(node, "value")]


def parts(items: Placed) -> list[Any]:
    """The expanders of the page itself (not those inside another)."""
    return [node for around, kind, node in items if kind == "expander" and not around]


def the_attempt(app_env, username: str, scenario_id: str) -> Attempt:
    store = TinyDBStore(app_env)
    account = store.find_account(username=username)
    assert account is not None
    (attempt,) = store.list_attempts(account.id, scenario_id)
    return attempt


def played(app_env, scenario_id: str, username: str = "lezer") -> tuple[AppTest, debrief.Debrief, Attempt]:
    """Play ``scenario_id`` to an ending (always the last choice) and open its debrief."""
    at = sign_up(open_app(), username)
    start_scenario(at, scenario_id)
    play_to_end(at, pick=lambda keys: keys[-1])
    click(at, "to-debrief")
    assert at.title[0].value == "Nabespreking"
    attempt = the_attempt(app_env, username, scenario_id)
    scenario = load_library().get(scenario_id)
    assert scenario is not None
    report = debrief.build(scenario, practice.replayed(scenario, attempt), load_catalogue())
    return at, report, attempt


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_the_lesson_and_the_route_come_first_and_open_the_rest_folded(app_env, scenario_id):
    at, report, _ = played(app_env, scenario_id)
    items = placed(at)
    shown = parts(items)
    expected = [
        ROUTE,
        *([TRY_NEXT] if report.try_next else []),
        *([PROFILE] if report.profile else []),
        *([WHAT_IF] if report.alternatives else []),
        "Eindes",
        SOURCES,
    ]
    assert [p.label.split(":")[0] for p in shown] == expected
    assert shown[0].proto.expanded, "the route is open"
    assert not [p.label for p in shown[1:] if p.proto.expanded], "every other part is folded"

    # Above the parts, reading down: the ending, what kind of ending it is, the lesson of this path.
    first = next(i for i, (_, kind, _) in enumerate(items) if kind == "expander")
    above = [str(node.value) for _, _, node in items[:first] if hasattr(node, "value")]
    ending, outcome = f"{report.scenario.title}: {report.ending.title}", f"**{report.outcome_label}**"
    assert ending in above and outcome in above and report.text in above
    assert above.index(ending) < above.index(outcome) < above.index(report.text)
    assert not [v for v in values(items, ()) if v.startswith("### ")], "the parts' labels are the old headings"


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_every_part_of_the_debrief_is_still_there_in_its_own_place(app_env, scenario_id):
    at, report, attempt = played(app_env, scenario_id)
    items = placed(at)
    scenario = report.scenario

    route = values(items, (ROUTE,))
    assert len(route) == len(report.steps) >= 5
    for line, step in zip(route, report.steps, strict=True):
        assert line.startswith(f"**{step.number}. {step.choice.text}**") and step.choice.feedback in line
        assert ("⭐ sleutelmoment" in line) == step.key_moment

    assert [line.split(":**")[0] for line in values(items, (TRY_NEXT,))] == [
        f"- **{principle.name}" for principle in report.try_next
    ]
    if report.profile:
        assert [kind for around, kind, _ in items if around == (PROFILE,) and "chart" in str(kind)]

    if report.alternatives:
        moments = values(items, (WHAT_IF,))
        assert len(moments) == len({a.step_index for a in report.alternatives})
        nested = [node.label for around, kind, node in items if kind == "expander" and around == (WHAT_IF,)]
        assert len(nested) == len(report.alternatives)
        for label, alternative in zip(nested, report.alternatives, strict=True):
            assert f"**Reactie:** {alternative.other.choice.reaction}" in values(items, (WHAT_IF, label))

    status = practice.status(scenario, [attempt])
    found, _ = debrief.endings_found(scenario, set(status.endings_found))
    assert "Gevonden: " + ", ".join(found) in values(items, (f"Eindes: {status.endings_label}",))
    assert len(values(items, (SOURCES,))) == len(report.cited) + len(scenario.references) + 2

    # What the teacher does next stays in view, below the parts.
    assert debrief.RESEARCH_NOTE in [str(node.value) for around, kind, node in items if kind == "info" and not around]
    assert {"debrief-reflect", "debrief-replay"} <= {b.key for b in at.button}


def test_the_teachers_own_words_stand_in_the_open_route(app_env):
    at = sign_up(open_app(), "schrijver")
    start_scenario(at, "de-taalbarriere", own_words=True)
    for _ in range(40):  # at every decision: first own words, then the choice
        areas = [a for a in at.text_area if a.key and a.key.startswith("own-words-")]
        if not areas and not choice_keys(at):
            break
        if areas:
            prefix = str(areas[0].key).removesuffix("-input")
            areas[0].input("Ik vraag eerst hoe het thuis gaat.")
            at.button(key=f"FormSubmitter:{prefix}-form-Toon de keuzes").click().run()
        click(at, choice_keys(at)[0])
    click(at, "to-debrief")
    route = values(placed(at), (ROUTE,))
    assert route.count("Eerst schreef je:") == len(the_attempt(app_env, "schrijver", "de-taalbarriere").state.steps)
    assert "Ik vraag eerst hoe het thuis gaat." in route
