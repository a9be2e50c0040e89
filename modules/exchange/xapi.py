"""Learning records as xAPI 1.0.3 statements, built from the stored attempts and reflections.

No Streamlit and no I/O of its own: the builders take records and a scenario; ``user_statements`` and
``shared_statements`` read through the store and ``modules.people.sharing`` (which checks who may read
what). ``modules.exchange.lrs`` queues the same statements for a Learning Record Store.

What is stated (verbs from the ADL vocabulary, http://adlnet.gov/expapi/verbs/):

- **attempted**: the teacher started a play-through of a scenario (object: the scenario, an activity
  of type ``simulation``), at the attempt's ``started_at``;
- **answered**: each decision, as a ``cmi.interaction`` of type ``choice`` whose definition lists the
  decision's options; ``result.response`` is the id of the option chosen (its text is in the
  definition), and the result's extensions hold the principles the choice honoured and neglected,
  with their weights (the engine's ``profile`` of that one step), at the step's time;
- **completed**: the play-through reached an ending: the ending (id, title, outcome) and the principle
  profile of the whole path (``engine.profile``, as the debrief and the coach's view have it) as result
  extensions, with the duration, at ``finished_at``;
- **commented** on the scenario: a reflection was written, with the attempt as context (its
  registration, and a reference to its *completed* statement) or the team session's registration.
  ADL's *commented* ("provided digital or written annotations on or about an object") is the
  registries' closest well-known verb; neither the ADL nor the TinCan registry has *reflected*.

**No free text leaves in a statement**: not the reflection's answers or intention, not what the teacher
first wrote at a decision, not the answer to the anticipate question. The teacher wrote those for
themselves (and chooses, reflection by reflection, what a coach may read); an LRS is read by others.
A reflection statement says only that a reflection was written, on which attempt, which ALACT questions
were answered and whether it holds an intention and a follow-up. The texts stay in *Mijn gegevens*.

Identity: the actor is an ``account`` (``homePage`` the base IRI, ``name`` a keyed hash of the user id,
``store.pseudonym``), never a username. Ids: activity ids and extension keys under the base IRI
(``SAMENSPEL_XAPI_BASE``); statement ids and registrations are UUID 5 of the base IRI and the record
(attempt id and step number, reflection id), so building or sending a statement twice gives the same
statement, which an LRS stores once. A step saved before steps kept their time (2026-12) is stated at the
attempt's start, with the context extension ``time-estimated``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from modules import settings
from modules.content.scenario import Scenario
from modules.library.scenarios import Library
from modules.people import sharing
from modules.people.accounts import ROLE_LABELS, require_role
from modules.play import engine, paths, practice
from modules.play.debrief import OUTCOME_LABELS
from modules.records import Account, Attempt, PlayState, Reflection
from modules.storage import Store

Statement = dict[str, Any]

LANGUAGE = "nl-NL"
PLATFORM = "Samenspel"
ACTOR_PREFIX = "xapi-actor:"  # the pseudonym of a user id for xAPI differs from any other keyed hash of it
ROLES = tuple(ROLE_LABELS)  # any signed-in, active account downloads its own statements

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS: dict[str, Statement] = {
    "attempted": {"id": ADL + "attempted", "display": {"en-US": "attempted", LANGUAGE: "begon aan"}},
    "answered": {"id": ADL + "answered", "display": {"en-US": "answered", LANGUAGE: "beantwoordde"}},
    "completed": {"id": ADL + "completed", "display": {"en-US": "completed", LANGUAGE: "rondde af"}},
    "commented": {"id": ADL + "commented", "display": {"en-US": "commented", LANGUAGE: "reflecteerde op"}},
}
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"

OWN_FILE_NAME = "samenspel-xapi.json"
SHARED_FILE_NAME = "samenspel-xapi-gedeeld.json"


@dataclass(frozen=True)
class Ids:
    """The ids of one deployment, all under its base IRI."""

    base: str

    @property
    def namespace(self) -> uuid.UUID:
        return uuid.uuid5(uuid.NAMESPACE_URL, self.base)

    def statement(self, *parts: str) -> str:
        return str(uuid.uuid5(self.namespace, "/".join(parts)))

    def registration(self, kind: str, record_id: str) -> str:
        return str(uuid.uuid5(self.namespace, f"registration/{kind}/{record_id}"))

    def scenario(self, scenario_id: str) -> str:
        return f"{self.base}/scenarios/{scenario_id}"

    def decision(self, scenario_id: str, node_id: str) -> str:
        return f"{self.base}/scenarios/{scenario_id}/decisions/{node_id}"

    def extension(self, name: str) -> str:
        return f"{self.base}/extensions/{name}"


def ids(base: str | None = None) -> Ids:
    """The ids under ``base``, or under the configured base IRI (``SAMENSPEL_XAPI_BASE``)."""
    return Ids((base or settings.xapi_base()).rstrip("/"))


def actor(store: Store, user_id: str, names: Ids) -> Statement:
    """The pseudonymous agent of a user: an account on the base IRI named by a keyed hash of the user id."""
    return {"objectType": "Agent", "account": {"homePage": names.base, "name": store.pseudonym(ACTOR_PREFIX + user_id)}}


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _duration(start: datetime, end: datetime) -> str:
    return f"PT{max(0, round((end - start).total_seconds()))}S"


def _text(value: str) -> dict[str, str]:
    return {LANGUAGE: value}


def _scenario_activity(names: Ids, scenario_id: str, scenario: Scenario | None, title: str = "") -> Statement:
    activity: Statement = {"objectType": "Activity", "id": names.scenario(scenario_id)}
    if scenario is not None:
        activity["definition"] = {
            "type": SIMULATION,
            "name": _text(scenario.title),
            "description": _text(scenario.summary.strip()),
        }
    elif title:
        activity["definition"] = {"type": SIMULATION, "name": _text(title)}
    return activity


def _context(names: Ids, registration: str, parent: str | None = None, **extensions: Any) -> Statement:
    context: Statement = {"registration": registration, "platform": PLATFORM, "language": LANGUAGE}
    if parent is not None:
        context["contextActivities"] = {"parent": [{"objectType": "Activity", "id": parent}]}
    if extensions:
        context["extensions"] = {names.extension(key.replace("_", "-")): value for key, value in extensions.items()}
    return context


def _statement(statement_id: str, agent: Statement, verb: str, obj: Statement, **rest: Any) -> Statement:
    return {"id": statement_id, "actor": agent, "verb": VERBS[verb], "object": obj, **rest}


def _step_profile(scenario: Scenario, attempt: Attempt, index: int) -> engine.Profile | None:
    """The engine's profile of one decision alone: the principles that choice honoured and neglected."""
    step = attempt.state.steps[index]
    alone = PlayState(scenario_id=scenario.id, node=step.node, variables={}, steps=[step])
    try:
        return engine.profile(scenario, alone)
    except (engine.EngineError, KeyError):
        return None


def _path_profile(scenario: Scenario, attempt: Attempt) -> engine.Profile | None:
    """The engine's profile of a finished path (as ``coaching.attempt_profile``); None if it no longer fits."""
    try:
        state = practice.replayed(scenario, attempt)
    except (engine.EngineError, KeyError):
        return None
    return engine.profile(scenario, state) if state.finished else None


def attempt_statements(attempt: Attempt, scenario: Scenario | None, agent: Statement, names: Ids) -> list[Statement]:
    """Every statement of one attempt, in order: attempted, answered per decision, completed when finished.

    ``scenario`` is the attempt's scenario as the library has it now (None when it is gone: the statements
    then carry the ids the attempt stored, without definitions or principles)."""
    registration = names.registration("attempt", attempt.id)
    result = [_attempted(attempt, scenario, agent, names, registration)]
    result += [
        _answered(attempt, scenario, index, agent, names, registration) for index in range(len(attempt.state.steps))
    ]
    if attempt.finished and attempt.state.ending is not None:
        result.append(_completed(attempt, scenario, agent, names, registration))
    return result


def _attempted(
    attempt: Attempt, scenario: Scenario | None, agent: Statement, names: Ids, registration: str
) -> Statement:
    return _statement(
        names.statement("attempt", attempt.id, "started"),
        agent,
        "attempted",
        _scenario_activity(names, attempt.scenario_id, scenario, attempt.scenario_title),
        context=_context(names, registration),
        timestamp=_time(attempt.started_at),
    )


def _answered(
    attempt: Attempt, scenario: Scenario | None, index: int, agent: Statement, names: Ids, registration: str
) -> Statement:
    """The statement of decision ``index`` of the attempt: the choice made and the principles it touched."""
    step = attempt.state.steps[index]
    title = scenario.title if scenario is not None else attempt.scenario_title
    node = scenario.nodes.get(step.node) if scenario is not None else None
    choice = paths.find_choice(node, step.choice) if node is not None else None
    definition: Statement = {
        "type": INTERACTION,
        "name": _text(f"{title}: keuze {index + 1}" if title else f"Keuze {index + 1}"),
        "interactionType": "choice",
    }
    if node is not None and node.choices:
        definition["choices"] = [{"id": c.id, "description": _text(c.text)} for c in node.choices]
    outcome: Statement = {"response": choice.id if choice is not None else step.choice}
    profile = _step_profile(scenario, attempt, index) if scenario is not None and choice is not None else None
    if profile is not None:
        outcome["extensions"] = {
            names.extension("principles-honoured"): profile.honoured,
            names.extension("principles-neglected"): profile.neglected,
        }
    estimated = {"time_estimated": True} if step.at is None else {}
    return _statement(
        names.statement("attempt", attempt.id, "step", str(index)),
        agent,
        "answered",
        {"objectType": "Activity", "id": names.decision(attempt.scenario_id, step.node), "definition": definition},
        result=outcome,
        context=_context(names, registration, parent=names.scenario(attempt.scenario_id), **estimated),
        timestamp=_time(step.at or attempt.started_at),
    )


def _completed(
    attempt: Attempt, scenario: Scenario | None, agent: Statement, names: Ids, registration: str
) -> Statement:
    ending_id = attempt.state.ending or ""
    ending: Statement = {"id": ending_id}
    found = scenario.endings.get(ending_id) if scenario is not None else None
    if found is not None:
        ending |= {"title": found.title, "outcome": found.outcome.value, "label": OUTCOME_LABELS[found.outcome.value]}
    extensions: Statement = {names.extension("ending"): ending}
    profile = _path_profile(scenario, attempt) if scenario is not None else None
    if profile is not None:
        extensions |= {
            names.extension("principle-profile"): {p: s for p, s in profile.scores.items() if s},
            names.extension("principles-honoured"): profile.honoured,
            names.extension("principles-neglected"): profile.neglected,
        }
    end = attempt.finished_at or attempt.updated_at
    return _statement(
        names.statement("attempt", attempt.id, "completed"),
        agent,
        "completed",
        _scenario_activity(names, attempt.scenario_id, scenario, attempt.scenario_title),
        result={"completion": True, "duration": _duration(attempt.started_at, end), "extensions": extensions},
        context=_context(names, registration),
        timestamp=_time(end),
    )


def new_statements(attempt: Attempt, scenario: Scenario | None, agent: Statement, names: Ids) -> list[Statement]:
    """The statements the attempt's latest save adds: attempted for a new attempt, else the last decision
    answered (and completed when that decision reached an ending)."""
    registration = names.registration("attempt", attempt.id)
    steps = len(attempt.state.steps)
    if not steps:
        return [_attempted(attempt, scenario, agent, names, registration)]
    found = [_answered(attempt, scenario, steps - 1, agent, names, registration)]  # only this save's work
    if attempt.finished and attempt.state.ending is not None:
        found.append(_completed(attempt, scenario, agent, names, registration))
    return found


def reflection_statement(reflection: Reflection, agent: Statement, names: Ids) -> Statement:
    """That a reflection was written (never its text): on the scenario, with its attempt or team session as context."""
    if reflection.scenario_id:
        obj = _scenario_activity(names, reflection.scenario_id, None, reflection.scenario_title)
    else:
        obj = {"objectType": "Activity", "id": names.base, "definition": {"name": _text(PLATFORM)}}
    if reflection.attempt_id:
        context = _context(names, names.registration("attempt", reflection.attempt_id))
        context["statement"] = {
            "objectType": "StatementRef",
            "id": names.statement("attempt", reflection.attempt_id, "completed"),
        }
    elif reflection.team_session_id:
        context = _context(names, names.registration("team-session", reflection.team_session_id))
    else:
        context = {"platform": PLATFORM, "language": LANGUAGE}
    about = {
        "questions-answered": sorted(key for key, text in reflection.answers.items() if text.strip()),
        "intention": bool(reflection.intention.strip()),
        "follow-up": bool(reflection.follow_up.strip()),
    }
    return _statement(
        names.statement("reflection", reflection.id),
        agent,
        "commented",
        obj,
        result={"completion": True, "extensions": {names.extension("reflection"): about}},
        context=context,
        timestamp=_time(reflection.created_at),
    )


def user_statements(store: Store, library: Library, user: Account, base: str | None = None) -> list[Statement]:
    """Every statement about the user's own attempts and reflections, oldest attempt first."""
    require_role(user, *ROLES)
    return statements_of_user(store, library, user.id, ids(base))


def statements_of_user(store: Store, library: Library, user_id: str, names: Ids) -> list[Statement]:
    """Every statement about one user's attempts (oldest first) and reflections, without a role check."""
    agent = actor(store, user_id, names)
    result: list[Statement] = []
    for attempt in sorted(store.list_attempts(user_id), key=lambda a: a.started_at):
        result.extend(attempt_statements(attempt, library.get(attempt.scenario_id), agent, names))
    for reflection in sorted(store.list_reflections(user_id), key=lambda r: r.created_at):
        result.append(reflection_statement(reflection, agent, names))
    return result


def shared_statements(store: Store, library: Library, coach: Account, base: str | None = None) -> list[Statement]:
    """For a coach: the statements of the attempts whose reflection a connected teacher shared with this coach,
    and of those reflections; nothing else (``sharing`` refuses anyone but a coach)."""
    names = ids(base)
    shared = sharing.shared_reflections(store, coach)
    result: list[Statement] = []
    for teacher_id in dict.fromkeys(item.teacher.id for item in shared):
        items = sorted((i for i in shared if i.teacher.id == teacher_id), key=lambda i: i.reflection.created_at)
        attempts = {a.id: a for a in sharing.teacher_attempts(store, coach, teacher_id)}
        agent = actor(store, teacher_id, names)
        for attempt_id in dict.fromkeys(i.reflection.attempt_id for i in items if i.reflection.attempt_id):
            attempt = attempts.get(attempt_id)
            if attempt is not None:
                result.extend(attempt_statements(attempt, library.get(attempt.scenario_id), agent, names))
        result.extend(reflection_statement(i.reflection, agent, names) for i in items)
    return result


def document(statements: list[Statement]) -> bytes:
    """Statements as a JSON file: the array an LRS takes in one POST."""
    return (json.dumps(statements, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
