"""A live team study session, kept as one document: participants, votes, the group's decisions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from modules.records.base import Moment, Record, new_id, now

Status = Literal["open", "finished"]
Phase = Literal["voting", "revealed", "ended"]
ClosedReason = Literal["ended", "closed", "idle"]


class Participant(BaseModel):
    id: str = Field(default_factory=new_id)
    user_id: str | None = None
    name: str = ""
    guest: bool = False
    device: str | None = Field(default=None, description="A guest's browser: hash of its device token")
    client: str | None = Field(default=None, description="Hash of the client that joined (caps guests per client)")
    rejoins: int = 0
    joined_at: Moment = Field(default_factory=now)


class Vote(BaseModel):
    step: int
    participant_id: str
    choice_id: str
    reason: str = ""
    at: Moment = Field(default_factory=now)


class Reason(BaseModel):
    choice_id: str
    text: str
    name: str | None = Field(default=None, description="Only when the facilitator chose to show names")
    participant_id: str | None = Field(
        default=None,
        description="Never shown; kept for account holders only, so they can export and delete their reasons",
    )


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


def _v0_to_v1(doc: dict[str, Any]) -> dict[str, Any]:
    """Before format versions: no expiry was stored as "", and participants carried a URL token."""
    doc = dict(doc)
    if doc.get("expires_at") == "":
        doc["expires_at"] = None
    doc["participants"] = [{k: v for k, v in p.items() if k != "token"} for p in doc.get("participants", [])]
    return doc


class TeamSession(Record):
    id: str = Field(default_factory=new_id)
    code: str
    facilitator_id: str
    scenario_id: str
    scenario_title: str = ""
    allow_guests: bool = False
    projector_only: bool = False
    show_names: bool = False
    MIGRATIONS = {0: _v0_to_v1}

    status: Status = "open"
    phase: Phase = "voting"
    choices: list[str] = Field(default_factory=list, description="The group's path: choice ids in order")
    participants: list[Participant] = Field(default_factory=list)
    votes: list[Vote] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    participant_count: int = 0
    created_at: Moment = Field(default_factory=now)
    expires_at: Moment | None = None
    finished_at: Moment | None = None
    last_activity: Moment | None = None
    closed_reason: ClosedReason | None = None
    purged: bool = Field(default=False, description="Reasons and participant list removed after the retention")

    @property
    def step(self) -> int:
        return len(self.choices)

    def participant(self, participant_id: str) -> Participant | None:
        return next((p for p in self.participants if p.id == participant_id), None)

    def current_votes(self) -> list[Vote]:
        return [v for v in self.votes if v.step == self.step]

    def vote_of(self, participant_id: str) -> Vote | None:
        return next((v for v in self.current_votes() if v.participant_id == participant_id), None)


class CodeEntry(Record):
    """An entry of the join-code index: which session a code opens (sessions/index.json)."""

    code: str
    session_id: str
    facilitator_id: str
    status: Status
    created_at: Moment
