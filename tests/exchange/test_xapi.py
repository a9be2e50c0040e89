"""xAPI statements from stored records: valid against the specification (Ralph's models), deterministic, without
names or free text, and with the engine's own principle profile."""

from __future__ import annotations

import json
import random
import shutil
import uuid
from pathlib import Path

import pytest
from ralph.models.xapi.base.statements import BaseXapiStatement

from modules.exchange import xapi
from modules.people import accounts, sharing
from modules.people.accounts import PermissionDenied
from modules.play import debrief, engine, practice
from modules.records import Attempt, PlayState
from modules.storage import TinyDBStore

PASSWORD = "een-lang-wachtwoord"
TAAL = "de-taalbarriere"
OWN_WORDS = "Ik zou eerst haar dochter vragen wat mama fijn vindt."
ANTICIPATION = "Ik verwacht dat ze weinig zegt."
ANSWER = "Ik wilde dat ze zich welkom voelde."
INTENTION = "Ik plan voortaan een tolk in voor het gesprek."
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

ADL = "http://adlnet.gov/expapi/verbs/"


def valid(statement: dict) -> BaseXapiStatement:
    """The statement as Ralph's strict xAPI 1.0.x model reads it (extra fields forbidden, no empty values)."""
    return BaseXapiStatement.model_validate(statement)


def play_through(store, library, user, scenario_id=TAAL, pick=lambda choices: choices[0], words=OWN_WORDS) -> Attempt:
    """A play-through as the pages make one: practice.start, then practice.choose until an ending."""
    scenario = library.get(scenario_id)
    attempt = practice.start(store, user, scenario, ANTICIPATION)
    while not attempt.finished:
        choices = engine.available_choices(scenario, practice.replayed(scenario, attempt))
        attempt = practice.choose(store, scenario, attempt, pick(choices).id, own_words=words)
    return attempt


@pytest.fixture
def teacher(store):
    return accounts.sign_up(store, "juf-anna", PASSWORD)


@pytest.fixture
def played(store, library, teacher):
    attempt = play_through(store, library, teacher)
    reflection = practice.save_reflection(
        store, teacher, {"ik_wilde": ANSWER, "ik_dacht": " "}, INTENTION, attempt_id=attempt.id
    )
    return attempt, reflection


def test_a_full_play_through_gives_attempted_answered_completed_and_commented(
    store, library, teacher, played, catalogue
):
    attempt, reflection = played
    scenario = library.get(TAAL)
    statements = xapi.user_statements(store, library, teacher)
    for statement in statements:
        valid(statement)
    steps = attempt.state.steps
    verbs = [s["verb"]["id"].removeprefix(ADL) for s in statements]
    assert verbs == ["attempted", *["answered"] * len(steps), "completed", "commented"]
    assert len({s["id"] for s in statements}) == len(statements)

    names = xapi.ids()
    registration = names.registration("attempt", attempt.id)
    assert {s["context"]["registration"] for s in statements} == {registration}
    started, *answered, completed, commented = statements
    assert started["object"]["id"] == f"{xapi.settings.DEFAULT_XAPI_BASE}/scenarios/{TAAL}"
    assert started["object"]["definition"]["name"] == {"nl-NL": scenario.title}
    assert started["timestamp"] == xapi._time(attempt.started_at)

    for index, (statement, step) in enumerate(zip(answered, steps, strict=True)):
        node = scenario.nodes[step.node]
        definition = statement["object"]["definition"]
        assert statement["object"]["id"].endswith(f"/scenarios/{TAAL}/decisions/{step.node}")
        assert definition["interactionType"] == "choice"
        assert [c["id"] for c in definition["choices"]] == [c.id for c in node.choices]
        assert statement["result"]["response"] == step.choice
        choice = next(c for c in node.choices if c.id == step.choice)
        extensions = statement["result"]["extensions"]
        assert extensions[names.extension("principles-honoured")] == {
            p: w for p, w in choice.principles.items() if w > 0
        }
        assert extensions[names.extension("principles-neglected")] == {
            p: w for p, w in choice.principles.items() if w < 0
        }
        assert statement["timestamp"] == xapi._time(step.at)
        assert statement["id"] == names.statement("attempt", attempt.id, "step", str(index))

    # The completed statement carries the debrief's own profile and ending: not computed a second way.
    shown = debrief.build(scenario, practice.replayed(scenario, attempt), catalogue)
    extensions = completed["result"]["extensions"]
    assert extensions[names.extension("principle-profile")] == {
        row.principle.id: row.score for row in shown.profile
    } | {p: s for p, s in engine.profile(scenario, attempt.state).scores.items() if s and catalogue.get(p) is None}
    assert extensions[names.extension("ending")] == {
        "id": attempt.state.ending,
        "title": shown.ending.title,
        "outcome": shown.ending.outcome.value,
        "label": shown.outcome_label,
    }
    assert completed["result"]["completion"] is True and completed["result"]["duration"].startswith("PT")
    assert completed["timestamp"] == xapi._time(attempt.finished_at)

    assert commented["verb"]["id"] == ADL + "commented"
    assert commented["context"]["statement"] == {"objectType": "StatementRef", "id": completed["id"]}
    assert commented["result"]["extensions"][names.extension("reflection")] == {
        "questions-answered": ["ik_wilde"],
        "intention": True,
        "follow-up": False,
    }
    assert commented["id"] == names.statement("reflection", reflection.id)


def test_no_name_and_no_free_text_leaves(store, library, teacher, played):
    text = json.dumps(xapi.user_statements(store, library, teacher), ensure_ascii=False)
    for secret in (teacher.username, teacher.id, OWN_WORDS, ANTICIPATION, ANSWER, INTENTION):
        assert secret not in text
    actor = {"objectType": "Agent", "account": {"homePage": xapi.settings.DEFAULT_XAPI_BASE, "name": ""}}
    actor["account"]["name"] = store.pseudonym(xapi.ACTOR_PREFIX + teacher.id)
    statements = xapi.user_statements(store, library, teacher)
    assert all(s["actor"] == actor for s in statements)


def test_statements_are_deterministic(store, library, teacher, played):
    first = xapi.user_statements(store, library, teacher)
    assert xapi.user_statements(store, library, teacher) == first


def test_the_base_iri_is_configurable(store, library, teacher, played, monkeypatch):
    default = xapi.user_statements(store, library, teacher)
    monkeypatch.setenv("SAMENSPEL_XAPI_BASE", "https://lrs.school.nl/samenspel/")
    moved = xapi.user_statements(store, library, teacher)
    assert all(s["object"]["id"].startswith("https://lrs.school.nl/samenspel/") for s in moved)
    assert all(s["actor"]["account"]["homePage"] == "https://lrs.school.nl/samenspel" for s in moved)
    assert not {s["id"] for s in moved} & {s["id"] for s in default}, "other ids under another base"
    for statement in moved:
        valid(statement)
    monkeypatch.setenv("SAMENSPEL_XAPI_BASE", "geen adres")
    assert xapi.user_statements(store, library, teacher) == default


def test_new_statements_are_those_of_the_latest_save(store, library, teacher):
    scenario = library.get(TAAL)
    names = xapi.ids()
    agent = xapi.actor(store, teacher.id, names)
    attempt = practice.start(store, teacher, scenario, None)
    [started] = xapi.new_statements(attempt, scenario, agent, names)
    assert started["verb"]["id"] == ADL + "attempted"
    seen = [started["id"]]
    while not attempt.finished:
        choice = engine.available_choices(scenario, practice.replayed(scenario, attempt))[-1]
        attempt = practice.choose(store, scenario, attempt, choice.id)
        new = xapi.new_statements(attempt, scenario, agent, names)
        assert new[0]["verb"]["id"] == ADL + "answered" and new[0]["result"]["response"] == choice.id
        assert [s["verb"]["id"] for s in new[1:]] == ([ADL + "completed"] if attempt.finished else [])
        seen += [s["id"] for s in new]
    assert seen == [s["id"] for s in xapi.attempt_statements(attempt, scenario, agent, names)]


def test_every_bundled_scenario_plays_into_valid_statements(store, library, teacher):
    rng = random.Random(16)
    for scenario in library.sorted():
        attempt = play_through(store, library, teacher, scenario.id, pick=rng.choice, words=None)
        statements = xapi.attempt_statements(attempt, scenario, xapi.actor(store, teacher.id, xapi.ids()), xapi.ids())
        assert len(statements) == len(attempt.state.steps) + 2, scenario.id
        for statement in statements:
            valid(statement)


def test_old_records_without_step_times_and_a_scenario_gone(tmp_path, library):
    """Steps saved before 2026-12 have no time: stated at the attempt's start, marked as estimated."""
    shutil.copytree(FIXTURES / "data-2026-12", tmp_path / "data")
    store = TinyDBStore(tmp_path / "data")
    teacher = store.find_account(username="juf-anna")
    assert teacher is not None
    statements = xapi.user_statements(store, library, teacher)
    for statement in statements:
        valid(statement)
    answered = [s for s in statements if s["verb"]["id"] == ADL + "answered"]
    assert answered and all(s["context"]["extensions"][xapi.ids().extension("time-estimated")] for s in answered)
    attempt = next(a for a in store.list_attempts(teacher.id) if a.finished)
    names = xapi.ids()
    gone = xapi.attempt_statements(attempt, None, xapi.actor(store, teacher.id, names), names)
    for statement in gone:
        valid(statement)
    assert gone[-1]["result"]["extensions"] == {names.extension("ending"): {"id": attempt.state.ending}}


def test_a_reflection_on_a_team_session_or_on_nothing(store, teacher):
    names = xapi.ids()
    agent = xapi.actor(store, teacher.id, names)
    loose = practice.save_reflection(store, teacher, {"ik_wilde": ANSWER}, INTENTION)
    statement = xapi.reflection_statement(loose, agent, names)
    valid(statement)
    assert statement["object"]["id"] == names.base and "registration" not in statement["context"]
    team = loose.model_copy(update={"team_session_id": uuid.uuid4().hex, "scenario_id": TAAL, "scenario_title": "T"})
    statement = xapi.reflection_statement(team, agent, names)
    valid(statement)
    assert statement["context"]["registration"] == names.registration("team-session", team.team_session_id)


def test_a_step_whose_choice_is_gone_still_gives_a_statement(store, library, teacher):
    scenario = library.get(TAAL)
    state = engine.start(scenario)
    stale = PlayState.model_validate(state.model_dump() | {"steps": [{"node": state.node, "choice": "bestaat-niet"}]})
    attempt = Attempt(user_id=teacher.id, scenario_id=TAAL, state=stale)
    names = xapi.ids()
    statements = xapi.attempt_statements(attempt, scenario, xapi.actor(store, teacher.id, names), names)
    for statement in statements:
        valid(statement)
    assert statements[1]["result"] == {"response": "bestaat-niet"}


def test_a_coach_gets_only_the_attempts_of_shared_reflections(store, library, teacher):
    coach = accounts.ensure_account(store, "coach-bert", PASSWORD, "coach")
    sharing.connect_with_code(store, teacher, coach.invite_code)
    shared_attempt = play_through(store, library, teacher)
    private_attempt = play_through(store, library, teacher, pick=lambda c: c[-1])
    shared = practice.save_reflection(store, teacher, {"ik_wilde": ANSWER}, INTENTION, attempt_id=shared_attempt.id)
    practice.save_reflection(store, teacher, {"ik_wilde": "Privé."}, INTENTION, attempt_id=private_attempt.id)
    assert xapi.shared_statements(store, library, coach) == []
    sharing.share_reflection(store, teacher, shared.id, coach.id)

    statements = xapi.shared_statements(store, library, coach)
    names = xapi.ids()
    assert {s["context"]["registration"] for s in statements} == {names.registration("attempt", shared_attempt.id)}
    own = xapi.user_statements(store, library, teacher)
    mine = [s for s in own if s["context"].get("registration") == names.registration("attempt", shared_attempt.id)]
    assert statements == mine, "the coach's statements are the teacher's own, of that attempt only"

    with pytest.raises(PermissionDenied):
        xapi.shared_statements(store, library, teacher)
    sharing.disconnect(store, teacher, coach.id)
    assert xapi.shared_statements(store, library, coach) == []
