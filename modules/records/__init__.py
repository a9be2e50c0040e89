"""The stored things: typed records (pydantic), with no behaviour and no I/O.

Every record the store keeps is one of these models, with a ``format_version`` and the
migrations that upgrade older ones when they are read (``Record.from_stored``). Times are
timezone-aware. Services create and change records; ``modules.storage`` reads and writes them.
"""

from modules.records.accounts import ROLES, Account, Profile, Role
from modules.records.attempts import Attempt, Comment, OwnWords, ReadMarker, Reflection
from modules.records.authoring import Draft, ScenarioVersion
from modules.records.base import FormatError, Moment, Record, new_id, now
from modules.records.links import Connection, Share
from modules.records.play import PlayState, Step
from modules.records.security import Login, ThrottleEntry, Ticket
from modules.records.team import CodeEntry, Decision, Participant, Reason, TeamSession, Vote

__all__ = [
    "ROLES",
    "Account",
    "Attempt",
    "CodeEntry",
    "Comment",
    "Connection",
    "Decision",
    "Draft",
    "FormatError",
    "Login",
    "Moment",
    "OwnWords",
    "Participant",
    "PlayState",
    "Profile",
    "ReadMarker",
    "Reason",
    "Record",
    "Reflection",
    "Role",
    "ScenarioVersion",
    "Share",
    "Step",
    "TeamSession",
    "ThrottleEntry",
    "Ticket",
    "Vote",
    "new_id",
    "now",
]
