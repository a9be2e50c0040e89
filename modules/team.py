"""Live team study sessions: join codes, votes, reveal, group choice, group debrief.

All shared state lives in the store (one document per session, changed only by
``store.update_team_session`` under the session's lock), so every participant may
be served by a different thread or process. The rules are checked inside that
locked update, so two votes at the same moment can never both count twice or
slip past a reveal.

Messages in ``TeamError`` are Dutch, for users.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pydantic import BaseModel, Field

from modules import engine
from modules.accounts import CODE_ALPHABET, require_role
from modules.principles import Catalogue
from modules.records import Account, new_id, now
from modules.scenario import Scenario
from modules.store import DuplicateError, Store

CODE_LENGTH = 6  # 32**6: about a billion codes
SESSION_VALID = timedelta(hours=12)  # joining is possible for one study afternoon or evening
FACILITATOR_ROLES = ("facilitator", "coach")
NAME_MAX = 30
REASON_MAX = 140


class TeamError(Exception):
    """A refused team action; the message is Dutch, for the user."""


class Participant(BaseModel):
    id: str = Field(default_factory=new_id)
    user_id: str | None = None
    name: str = ""
    guest: bool = False
    token: str = Field(default_factory=lambda: secrets.token_urlsafe(16), description="Lets a device rejoin")
    joined_at: str = Field(default_factory=now)


class Vote(BaseModel):
    step: int
    participant_id: str
    choice_id: str
    reason: str = ""
    at: str = Field(default_factory=now)


class Reason(BaseModel):
    choice_id: str
    text: str
    name: str | None = Field(default=None, description="Only when the facilitator chose to show names")


class Decision(BaseModel):
    """One decision point of the session, kept after the session ends."""

    step: int
    node_id: str
    tally: dict[str, int] = Field(default_factory=dict)
    reasons: list[Reason] = Field(default_factory=list)
    voters: int = 0
    chosen: str
    majority: str | None = None

    @property
    def disagreement(self) -> float:
        """0 when everybody agreed, towards 1 when votes were spread."""
        if self.voters < 2:
            return 0.0
        return 1 - max(self.tally.values(), default=0) / self.voters


class TeamSession(BaseModel):
    id: str = Field(default_factory=new_id)
    code: str
    facilitator_id: str
    scenario_id: str
    scenario_title: str = ""
    allow_guests: bool = False
    projector_only: bool = False
    show_names: bool = False
    status: str = Field(default="open", pattern="^(open|finished)$")
    phase: str = Field(default="voting", pattern="^(voting|revealed|ended)$")
    choices: list[str] = Field(default_factory=list, description="The group's path: choice ids in order")
    participants: list[Participant] = Field(default_factory=list)
    votes: list[Vote] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    participant_count: int = 0
    created_at: str = Field(default_factory=now)
    expires_at: str = ""
    finished_at: str | None = None

    @property
    def step(self) -> int:
        return len(self.choices)

    def participant(self, participant_id: str) -> Participant | None:
        return next((p for p in self.participants if p.id == participant_id), None)

    def current_votes(self) -> list[Vote]:
        return [v for v in self.votes if v.step == self.step]

    def vote_of(self, participant_id: str) -> Vote | None:
        return next((v for v in self.current_votes() if v.participant_id == participant_id), None)


@dataclass(frozen=True)
class Tally:
    counts: dict[str, int]  # choice id -> votes, every available choice listed
    reasons: list[Reason]
    voters: int

    @property
    def majority(self) -> str | None:
        """The choice with most votes; None when nobody voted or the top is tied."""
        if not self.voters:
            return None
        ranked = Counter(self.counts).most_common()
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]


# --- pure helpers -----------------------------------------------------------------------------

def state(session: TeamSession, scenario: Scenario) -> engine.PlayState:
    return engine.replay(scenario, session.choices)


def tally(session: TeamSession, scenario: Scenario) -> Tally:
    available = [c.id for c in engine.available_choices(scenario, state(session, scenario))]
    votes = session.current_votes()
    counts = {cid: sum(v.choice_id == cid for v in votes) for cid in available}
    reasons = []
    for vote in sorted(votes, key=lambda v: v.at):
        if vote.reason:
            who = session.participant(vote.participant_id)
            reasons.append(Reason(choice_id=vote.choice_id, text=vote.reason,
                                  name=(who.name if who else None) if session.show_names else None))
    return Tally(counts, reasons, len(votes))


def discussion_prompt(scenario: Scenario, node_id: str, catalogue: Catalogue) -> str:
    """The authored prompt, or one derived from the principles at stake at this decision."""
    node = scenario.nodes[node_id]
    if node.discussion:
        return node.discussion.strip()
    at_stake = []
    for choice in node.choices:
        for pid in choice.principles:
            principle = catalogue.get(pid)
            if principle and principle.name not in at_stake:
                at_stake.append(principle.name)
    names = ", ".join(at_stake[:3]) or "partnerschap met ouders"
    return f"Welke keuze past het best bij {names}? En wat kost die keuze?"


def disagreements(session: TeamSession, top: int = 3) -> list[Decision]:
    """The decisions where the team disagreed most."""
    spread = [d for d in session.decisions if d.disagreement > 0]
    return sorted(spread, key=lambda d: (-d.disagreement, d.step))[:top]


def is_expired(session: TeamSession, at: datetime | None = None) -> bool:
    at = at or datetime.now(timezone.utc)
    return bool(session.expires_at) and datetime.fromisoformat(session.expires_at) <= at


def normalise_join_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


# --- actions (each one atomic in the store) -----------------------------------------------------

def _load(store: Store, session_id: str) -> TeamSession:
    doc = store.get_team_session(session_id)
    if doc is None:
        raise TeamError("Deze sessie bestaat niet (meer).")
    return TeamSession.model_validate(doc)


def load(store: Store, session_id: str) -> TeamSession:
    return _load(store, session_id)


def _update(store: Store, session_id: str, change) -> TeamSession:
    """Run ``change(session) -> session`` inside the store's locked read-modify-write."""

    def apply(doc: dict) -> dict:
        return change(TeamSession.model_validate(doc)).model_dump(mode="json")

    return TeamSession.model_validate(store.update_team_session(session_id, apply))


def create(store: Store, facilitator: Account, scenario: Scenario, *, allow_guests: bool = False,
           projector_only: bool = False, show_names: bool = False, at: datetime | None = None) -> TeamSession:
    require_role(facilitator, *FACILITATOR_ROLES)
    at = at or datetime.now(timezone.utc)
    for _ in range(20):
        session = TeamSession(
            code="".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
            facilitator_id=facilitator.id, scenario_id=scenario.id, scenario_title=scenario.title,
            allow_guests=allow_guests, projector_only=projector_only, show_names=show_names,
            created_at=at.isoformat(), expires_at=(at + SESSION_VALID).isoformat(),
        )
        try:
            store.create_team_session(session.model_dump(mode="json"))
            return session
        except DuplicateError:
            continue
    raise TeamError("Er kon geen code worden gemaakt. Probeer het opnieuw.")  # pragma: no cover


def join(store: Store, code: str, *, account: Account | None = None, guest_name: str | None = None,
         token: str | None = None, at: datetime | None = None) -> tuple[TeamSession, Participant]:
    """Join (or rejoin) a session by code; a rejoin keeps the participant and their vote."""
    doc = store.find_team_session(normalise_join_code(code))
    if doc is None:
        raise TeamError("Deze code kennen we niet. Controleer de code.")
    session = TeamSession.model_validate(doc)
    result: dict[str, Participant] = {}

    def change(s: TeamSession) -> TeamSession:
        known = next((p for p in s.participants if (token and p.token == token)
                      or (account is not None and p.user_id == account.id)), None)
        if known is not None:
            result["p"] = known
            return s
        if s.status != "open" or is_expired(s, at):
            raise TeamError("Deze sessie is afgelopen. Vraag de gespreksleider om een nieuwe code.")
        if account is not None:
            participant = Participant(user_id=account.id, name=account.username)
        else:
            if not s.allow_guests:
                raise TeamError("Voor deze sessie moet je ingelogd zijn. Log eerst in.")
            name = " ".join((guest_name or "").split())
            if not 1 <= len(name) <= NAME_MAX:
                raise TeamError(f"Kies een naam van 1 tot {NAME_MAX} tekens. Je echte naam is niet nodig.")
            participant = Participant(name=name, guest=True)
        s.participants.append(participant)
        s.participant_count = len(s.participants)
        result["p"] = participant
        return s

    session = _update(store, session.id, change)
    return session, result["p"]


def vote(store: Store, session_id: str, participant_id: str, step: int, choice_id: str,
         reason: str = "", scenario: Scenario | None = None) -> TeamSession:
    """Cast or change a vote for the current decision; refused once the votes are revealed."""
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX:
        raise TeamError(f"Een reden is hoogstens {REASON_MAX} tekens.")

    def change(s: TeamSession) -> TeamSession:
        if s.participant(participant_id) is None:
            raise TeamError("Je doet niet mee aan deze sessie. Meld je opnieuw aan met de code.")
        if s.status != "open" or s.phase != "voting" or step != s.step:
            raise TeamError("De stemming voor deze keuze is al gesloten.")
        if scenario is not None:
            available = {c.id for c in engine.available_choices(scenario, state(s, scenario))}
            if choice_id not in available:
                raise TeamError("Deze keuze kan nu niet gekozen worden.")
        s.votes = [v for v in s.votes if not (v.step == step and v.participant_id == participant_id)]
        s.votes.append(Vote(step=step, participant_id=participant_id, choice_id=choice_id, reason=reason))
        return s

    return _update(store, session_id, change)


def _require_facilitator(session: TeamSession, actor: Account) -> None:
    if actor.id != session.facilitator_id:
        raise TeamError("Alleen de gespreksleider van deze sessie kan dit doen.")


def reveal(store: Store, session_id: str, actor: Account) -> TeamSession:
    def change(s: TeamSession) -> TeamSession:
        _require_facilitator(s, actor)
        if s.phase == "voting" and s.status == "open":
            s.phase = "revealed"
        return s

    return _update(store, session_id, change)


def decide(store: Store, session_id: str, actor: Account, scenario: Scenario,
           choice_id: str | None = None) -> TeamSession:
    """Set the group's choice (the majority unless the facilitator picks another) and move on."""

    def change(s: TeamSession) -> TeamSession:
        _require_facilitator(s, actor)
        if s.status != "open":
            raise TeamError("Deze sessie is al afgelopen.")
        if s.phase != "revealed" and not s.projector_only:
            raise TeamError("Laat eerst de stemmen zien.")
        current = state(s, scenario)
        result = tally(s, scenario)
        chosen = choice_id or result.majority
        if chosen is None:
            raise TeamError("Er is geen meerderheid. Kies zelf de keuze van de groep.")
        new_state, _ = engine.choose(scenario, current, chosen)  # raises EngineError if unavailable
        s.decisions.append(Decision(step=s.step, node_id=current.node, tally=result.counts,
                                    reasons=result.reasons, voters=result.voters, chosen=chosen,
                                    majority=result.majority))
        s.choices.append(chosen)
        if new_state.finished:
            s.phase, s.status, s.finished_at = "ended", "finished", now()
            s.votes = []  # only the anonymous tallies and reasons are kept
            for p in s.participants:
                p.name = "" if p.guest else p.name
            for decision in s.decisions:  # names shown during the session are not kept
                for kept in decision.reasons:
                    kept.name = None
        else:
            s.phase = "voting"
        return s

    return _update(store, session_id, change)


def debrief_path(session: TeamSession, scenario: Scenario) -> list[tuple[Decision, str]]:
    """Each decision with the text of the group's choice."""
    result = []
    for decision in session.decisions:
        node = scenario.nodes[decision.node_id]
        text = next((c.text for c in node.choices if c.id == decision.chosen), decision.chosen)
        result.append((decision, text))
    return result
