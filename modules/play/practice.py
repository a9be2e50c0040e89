"""Practising: a teacher's attempts at a scenario (started, played choice by choice, their status) and
the reflections written afterwards.

Pages call these functions; the rules (what an attempt holds, that every choice is saved at
once, that a changed scenario cannot show an impossible state) live here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from modules.content.scenario import Scenario
from modules.play import engine, paths, reflection
from modules.records import Account, Attempt, OwnWords, PlayState, Reflection, TeamSession, limits, now
from modules.storage import Store

STATE_LABELS = {"nieuw": "Nieuw", "bezig": "Bezig", "afgerond": "Afgerond"}

log = logging.getLogger("samenspel")

# Told of every attempt and reflection saved here, with the scenario when there is one. A layer above
# registers itself (modules.exchange.lrs queues xAPI statements for a Learning Record Store this way); a
# listener that fails is logged, and the save stands.
Saved = Attempt | Reflection
SAVED_LISTENERS: list[Callable[[Store, Saved, Scenario | None], None]] = []


def _saved(store: Store, record: Saved, scenario: Scenario | None = None) -> None:
    for listener in list(SAVED_LISTENERS):
        try:
            listener(store, record, scenario)
        except Exception:  # noqa: BLE001 - the record is saved; what listens is told in the log
            log.exception("a listener of saved attempts and reflections failed")


class AttemptError(ValueError):
    """Input for a new attempt that cannot be saved; the message is Dutch."""


@dataclass(frozen=True)
class ScenarioStatus:
    state: str  # nieuw | bezig | afgerond
    endings_found: frozenset[str]
    endings_total: int
    open_attempt: Attempt | None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def endings_label(self) -> str:
        return f"{len(self.endings_found)} van {self.endings_total} eindes ontdekt"


def status(scenario: Scenario, attempts: list[Attempt]) -> ScenarioStatus:
    """``attempts`` are this user's attempts of this scenario, newest first."""
    found = frozenset(a.state.ending for a in attempts if a.finished and a.state.ending in scenario.endings)
    open_attempts = [a for a in attempts if not a.finished]
    if open_attempts:
        state = "bezig"
    elif found:
        state = "afgerond"
    else:
        state = "nieuw"
    return ScenarioStatus(state, found, len(scenario.endings), open_attempts[0] if open_attempts else None)


def new_attempt(user_id: str, scenario: Scenario, anticipation: str | None, own_words_first: bool = True) -> Attempt:
    """A new attempt at the start of the scenario, with the answer to the anticipate question (bounded).

    ``own_words_first``: at each decision the teacher first writes what they would say or do (optional
    per decision), then sees the options. On by default for a new attempt.
    """
    text = (anticipation or "").strip()
    if limits.too_long(text, limits.ANTICIPATION):
        raise AttemptError(f"Je antwoord is hoogstens {limits.ANTICIPATION} tekens. Maak het wat korter.")
    return Attempt(
        user_id=user_id,
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        state=engine.start(scenario),
        anticipation=text,
        own_words_first=own_words_first,
    )


def start(
    store: Store, user: Account, scenario: Scenario, anticipation: str | None, own_words_first: bool = True
) -> Attempt:
    """Start and save a new attempt (``AttemptError`` for an answer that is too long)."""
    attempt = store.create_attempt(new_attempt(user.id, scenario, anticipation, own_words_first))
    _saved(store, attempt, scenario)
    return attempt


def set_own_words_first(store: Store, attempt: Attempt, on: bool) -> Attempt:
    """Switch 'first say it yourself' on or off for the rest of this attempt."""
    return store.save_attempt(attempt.model_copy(update={"own_words_first": on}))


def find(store: Store, user: Account, scenario: Scenario, attempt_id: str | None) -> Attempt | None:
    """The user's own attempt of this scenario, or None."""
    if not attempt_id:
        return None
    attempt = store.get_attempt(user.id, attempt_id)
    return attempt if attempt is not None and attempt.scenario_id == scenario.id else None


def replayed(scenario: Scenario, attempt: Attempt) -> PlayState:
    """The attempt's state rebuilt from its choices.

    When the scenario changed under a *finished* attempt (a scene added in between, a target moved),
    its stored steps are read as they were played, as long as every scene, choice and the ending still
    exist (``engine.still_fits``): the debrief, the profile and the route's reflection prompts stay.
    Then the stored state object itself is returned, so a page can tell (``state is attempt.state``).
    ``engine.EngineError`` otherwise, and always for an unfinished attempt, which cannot go on."""
    try:
        state = engine.replay(scenario, attempt.state.choice_ids())
    except engine.EngineError:
        state = None
    if state is not None and (state.finished or not attempt.state.finished):
        return state
    if attempt.state.finished and engine.still_fits(scenario, attempt.state):
        return attempt.state
    raise engine.EngineError(f"the play-through no longer fits scenario {scenario.id!r}")


def choose(store: Store, scenario: Scenario, attempt: Attempt, choice_id: str, own_words: str | None = None) -> Attempt:
    """Make a choice and save it at once, so a closed tab resumes here; with what the teacher first wrote."""
    words = (own_words or "").strip() or None
    if limits.too_long(words, limits.OWN_WORDS):
        raise AttemptError(f"Wat je zelf zou zeggen, is hoogstens {limits.OWN_WORDS} tekens. Maak het wat korter.")
    state, _ = engine.choose(scenario, replayed(scenario, attempt), choice_id)
    state.steps[-1] = state.steps[-1].model_copy(update={"own_words": words, "at": now()})
    # The words and times of earlier steps stay with the attempt (a replay rebuilds the steps without them).
    for index, old in enumerate(attempt.state.steps[: len(state.steps) - 1]):
        state.steps[index] = state.steps[index].model_copy(update={"own_words": old.own_words, "at": old.at})
    saved = store.save_attempt(attempt.model_copy(update={"state": state}))
    _saved(store, saved, scenario)
    return saved


def own_words(scenario: Scenario, attempt: Attempt) -> list[OwnWords]:
    """What the teacher first wrote at each decision of this attempt, beside the option then chosen."""
    found: list[OwnWords] = []
    for step in attempt.state.steps:
        node = scenario.nodes.get(step.node)
        choice = paths.find_choice(node, step.choice) if node is not None else None
        if step.own_words and choice is not None:
            found.append(OwnWords(chosen=choice.text, words=step.own_words))
    return found


def last_intention(
    store: Store, user: Account, *, attempt_id: str | None = None, team_session_id: str | None = None
) -> Reflection | None:
    """The user's own newest reflection with an intention (``reflection.last_intention``), or None.

    Shown when a scenario starts ("Vorige keer nam je je voor: ..."), and asked about in the next
    reflection; give the attempt or team session that reflection is about, so its own intention is skipped."""
    return reflection.last_intention(
        store.list_reflections(user.id), attempt_id=attempt_id, team_session_id=team_session_id
    )


def save_reflection(
    store: Store,
    user: Account,
    answers: dict[str, str],
    intention: str,
    *,
    attempt_id: str | None = None,
    team_session: TeamSession | None = None,
    with_own_words: list[OwnWords] | None = None,
    follow_up: str = "",
    follows_intention_of: str | None = None,
) -> Reflection:
    """Validate and save a reflection in the user's log: about one of their own finished attempts, about a
    team session they took part in, or about neither. ``reflection.ReflectionError`` (Dutch) otherwise.

    ``with_own_words``: what the teacher first wrote at decisions of that attempt, to keep in the reflection.
    ``follow_up``: how the intention of the user's own earlier reflection ``follows_intention_of`` went."""
    if follows_intention_of is not None and store.get_reflection(user.id, follows_intention_of) is None:
        follows_intention_of = None  # not (or no longer) one of this user's reflections: keep no link to it
    record = reflection.build(
        user.id, answers, intention, follow_up=follow_up, follows_intention_of=follows_intention_of
    )
    update: dict[str, object]
    if team_session is not None:
        if not any(p.user_id == user.id for p in team_session.participants):
            raise reflection.ReflectionError("Je kunt alleen reflecteren op een teamsessie waaraan je meedeed.")
        update = {
            "scenario_id": team_session.scenario_id,
            "scenario_title": team_session.scenario_title,
            "team_session_id": team_session.id,
        }
    elif attempt_id is not None:
        attempt = store.get_attempt(user.id, attempt_id)
        if attempt is None or not attempt.finished:
            raise reflection.ReflectionError("Dit gesprek kun je niet kiezen. Kies een gesprek dat je hebt afgerond.")
        update = {
            "attempt_id": attempt.id,
            "scenario_id": attempt.scenario_id,
            "scenario_title": attempt.scenario_title,
        }
        if with_own_words:
            written = {s.own_words for s in attempt.state.steps if s.own_words}
            update["own_words"] = [o for o in with_own_words if o.words in written]  # only what this attempt holds
    else:
        update = {}
    saved = store.add_reflection(record.model_copy(update=update))
    _saved(store, saved)
    return saved
