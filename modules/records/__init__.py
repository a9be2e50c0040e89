"""The stored things: typed records, with no behaviour and no I/O.

Every record the store keeps is one of these pydantic models. Services create and change
them; ``modules.storage`` reads and writes them.
"""

from modules.records.accounts import ROLES, Account, Profile
from modules.records.attempts import Attempt, Comment, Reflection
from modules.records.base import new_id, now
from modules.records.links import Connection, Share
from modules.records.play import PlayState, Step
from modules.records.team import Decision, Participant, Reason, TeamSession, Vote

__all__ = [
    "ROLES", "Account", "Attempt", "Comment", "Connection", "Decision", "Participant", "PlayState", "Profile",
    "Reason", "Reflection", "Share", "Step", "TeamSession", "Vote", "new_id", "now",
]
