"""Live team study sessions: join codes, votes, reveal, group choice, group debrief.

All shared state lives in the store (one document per session, changed only by
``store.update_team_session`` under the session's lock), so every participant may
be served by a different thread or process. The rules are checked inside that
locked update, so two votes at the same moment can never both count twice or
slip past a reveal.

Who is who: a signed-in participant is their account; a guest is the browser that joined
(a hash of its device token, which the browser keeps in a signed, HttpOnly cookie). A link
or a QR code is never a pass: opening it in another browser makes a new participant, or is
refused where guests are not allowed. Joining is throttled per client, new participants per
session are capped, and one message answers both an unknown and a closed code.

A session ends when the group reaches an ending, when the facilitator closes it, or by
itself after ``IDLE_CLOSE`` without activity. Ending drops the votes and everything that
could identify a guest; ``RETENTION`` after that the reasons and the participant list go
too, and only the scenario, the path, the tallies and the count remain.

Messages in ``TeamError`` are Dutch, for users.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from modules.content.principles import Catalogue
from modules.content.scenario import Scenario
from modules.people import throttle
from modules.people.accounts import CODE_ALPHABET, PermissionDenied, require_role
from modules.play import engine
from modules.records import limits
from modules.records.accounts import Account
from modules.records.base import now
from modules.records.team import ClosedReason, Decision, Participant, Reason, TeamSession, Vote
from modules.storage import DuplicateError, InvalidInputError, Store

CODE_LENGTH = 8  # 32**8 = 2**40 codes; see the README on why (guessing at most ~60 codes per client per 12 h)
SESSION_VALID = timedelta(hours=12)  # joining is possible for one study afternoon or evening
IDLE_CLOSE = timedelta(hours=3)  # an open session without any activity this long closes itself
RETENTION = timedelta(days=30)  # after closing, reasons and the participant list are kept this long
FACILITATOR_ROLES = ("facilitator", "coach")
NAME_MAX = limits.DISPLAY_NAME
REASON_MAX = limits.REASON
MAX_PARTICIPANTS = 250
GUESTS_PER_CLIENT = 60  # new guests per session from one address (a school's staff room shares one)
JOINS_PER_MINUTE = 120  # new participants per session per minute
REJOIN_MAX = 30  # times one participant may join again
UNKNOWN_CODE = "Deze code werkt niet. Controleer de code, of vraag de gespreksleider om de code van de sessie."


class TeamError(Exception):
    """A refused team action; the message is Dutch, for the user."""


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
            reasons.append(
                Reason(
                    choice_id=vote.choice_id,
                    text=vote.reason,
                    name=(who.name if who else None) if session.show_names else None,
                    participant_id=who.id if who and who.user_id else None,
                )
            )
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
    at = at or datetime.now(UTC)
    return session.expires_at is not None and session.expires_at <= at


def past_retention(session: TeamSession, at: datetime | None = None) -> bool:
    """A closed session whose reasons and participant list are due to go."""
    at = at or datetime.now(UTC)
    return (
        session.status == "finished"
        and not session.purged
        and bool(session.finished_at)
        and session.finished_at + RETENTION <= at
    )


def is_idle(session: TeamSession, at: datetime | None = None) -> bool:
    at = at or datetime.now(UTC)
    last = session.last_activity or session.created_at
    return session.status == "open" and last + IDLE_CLOSE <= at


def normalise_join_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def display_code(code: str) -> str:
    """'ABCD-EFGH': easier to read aloud and to type (dashes and spaces are ignored when typed)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


# --- actions (each one atomic in the store) -----------------------------------------------------


def _load(store: Store, session_id: str) -> TeamSession:
    session = store.get_team_session(session_id)
    if session is None:
        raise TeamError("Deze sessie bestaat niet (meer).")
    return session


def load(store: Store, session_id: str, at: datetime | None = None) -> TeamSession:
    """The session; an idle session is closed first, and a session past its retention purged first."""
    session = _load(store, session_id)
    if is_idle(session, at):
        session = _update(store, session_id, lambda s: _finish(s, "idle", at) if is_idle(s, at) else s)
    elif past_retention(session, at):
        session = _update(store, session_id, lambda s: _purge(s) if past_retention(s, at) else s)
    return session


def _update(store: Store, session_id: str, change) -> TeamSession:
    """Run ``change(session) -> session`` inside the store's locked read-modify-write."""

    return store.update_team_session(session_id, change)


def _finish(s: TeamSession, reason: ClosedReason, at: datetime | None = None) -> TeamSession:
    """End the session: only the anonymous record stays (votes, guest names, client hashes, names at reasons go).

    A guest's device hash stays until the retention ends, so a guest who refreshes still sees the debrief.
    """
    s.phase, s.status, s.closed_reason = "ended", "finished", reason
    s.finished_at = at or now()
    s.votes = []
    for p in s.participants:
        p.name = "" if p.guest else p.name
        p.client = None
    for decision in s.decisions:  # names shown during the session are not kept
        for kept in decision.reasons:
            kept.name = None
    return s


def create(
    store: Store,
    facilitator: Account,
    scenario: Scenario,
    *,
    allow_guests: bool = False,
    projector_only: bool = False,
    show_names: bool = False,
    at: datetime | None = None,
) -> TeamSession:
    require_role(facilitator, *FACILITATOR_ROLES)
    at = at or datetime.now(UTC)
    for _ in range(20):
        session = TeamSession(
            code="".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
            facilitator_id=facilitator.id,
            scenario_id=scenario.id,
            scenario_title=scenario.title,
            allow_guests=allow_guests,
            projector_only=projector_only,
            show_names=show_names,
            created_at=at,
            expires_at=at + SESSION_VALID,
            last_activity=at,
        )
        try:
            store.create_team_session(session)
            return session
        except DuplicateError:
            continue
    raise TeamError("Er kon geen code worden gemaakt. Probeer het opnieuw.")  # pragma: no cover


def led_by(store: Store, session_id: str | None, facilitator: Account) -> TeamSession | None:
    """The session, if ``facilitator`` leads it; None for another's session or one that is gone."""
    if not session_id:
        return None
    try:
        session = load(store, session_id)
    except (TeamError, InvalidInputError):
        return None
    return session if session.facilitator_id == facilitator.id else None


def find_participant(session: TeamSession, account: Account | None, device: str | None) -> Participant | None:
    """This browser's participant: the signed-in account's, or the guest that joined from this device."""
    if account is not None:
        return next((p for p in session.participants if p.user_id == account.id), None)
    if device:
        key = _hash(device)
        return next((p for p in session.participants if p.guest and p.device == key), None)
    return None


def taken_part(store: Store, session_id: str | None, account: Account) -> TeamSession | None:
    """The session, if ``account`` took part in it (to reflect on it); None otherwise or when it is gone."""
    if not session_id:
        return None
    try:
        session = load(store, session_id)
    except (TeamError, InvalidInputError):
        return None
    return session if any(p.user_id == account.id for p in session.participants) else None


def belongs_to(participant: Participant, account: Account | None) -> bool:
    """A guest belongs to the browser that joined; an account's participant only to that account
    (never to whoever uses the browser after it signed out)."""
    return participant.guest or (account is not None and participant.user_id == account.id)


@dataclass(frozen=True)
class Participation:
    """Where a browser stands in a session: the session (if it exists) and its participant (if it joined)."""

    session: TeamSession | None
    participant: Participant | None


def participation(
    store: Store, session_id: str, participant_id: str | None, account: Account | None, device: str | None
) -> Participation:
    """This browser's place in a session: the participant it joined as (``participant_id``, remembered by
    the browser session), else the account's or the device's; never someone else's."""
    try:
        session = load(store, session_id)
    except (TeamError, InvalidInputError):
        return Participation(None, None)
    participant = session.participant(participant_id) if participant_id else None
    if participant is None:
        participant = find_participant(session, account, device)
    if participant is None or not belongs_to(participant, account):
        return Participation(session, None)
    return Participation(session, participant)


def _join_key(client: str | None) -> str | None:
    return f"join:{client}" if client else None


def join(
    store: Store,
    code: str,
    *,
    account: Account | None = None,
    guest_name: str | None = None,
    device: str | None = None,
    client: str | None = None,
    at: datetime | None = None,
) -> tuple[TeamSession, Participant]:
    """Join (or rejoin) a session by code; a rejoin from the same account or browser keeps participant and vote.

    ``device`` is the browser's device token (from its cookie), ``client`` a stable key of the
    client (its address, else its device): failed codes are throttled per client.
    """
    at = at or datetime.now(UTC)
    if limits.too_long(code, limits.JOIN_CODE):
        raise TeamError(UNKNOWN_CODE)
    if guest_name is not None and limits.too_long(" ".join(guest_name.split()), NAME_MAX):
        raise TeamError(f"Kies een naam van 1 tot {NAME_MAX} tekens. Je echte naam is niet nodig.")
    key = _join_key(client)
    if key:
        try:
            throttle.check(store, key, throttle.JOIN, at)
        except throttle.Locked as locked:
            raise TeamError(str(locked)) from None
    normalised = normalise_join_code(code)
    session = store.find_team_session(normalised) if normalised else None
    if session is not None and (session.code != normalised or is_idle(session, at)):
        session = None  # the index may list a session whose code was freed
    known = find_participant(session, account, device) if session is not None else None
    if session is None or (known is None and (session.status != "open" or is_expired(session, at))):
        if key:
            throttle.fail(store, key, throttle.JOIN, at)
        raise TeamError(UNKNOWN_CODE)
    result: dict[str, Participant] = {}

    def change(s: TeamSession) -> TeamSession:
        known = find_participant(s, account, device)
        if known is not None:
            if known.rejoins >= REJOIN_MAX:
                raise TeamError("Je bent te vaak opnieuw binnengekomen. Vraag de gespreksleider om hulp.")
            known.rejoins += 1
            result["p"] = known
            return s
        if s.status != "open" or is_expired(s, at):
            raise TeamError(UNKNOWN_CODE)
        if account is not None:
            require_role(account, "teacher", "coach", "facilitator", "admin")
            if account.demo != _facilitator_demo(store, s):
                raise PermissionDenied("demo and real accounts never meet")
            participant = Participant(user_id=account.id, name=account.username)
        else:
            if not s.allow_guests:
                raise TeamError("Voor deze sessie moet je ingelogd zijn. Log eerst in.")
            name = " ".join((guest_name or "").split())
            if not 1 <= len(name) <= NAME_MAX:
                raise TeamError(f"Kies een naam van 1 tot {NAME_MAX} tekens. Je echte naam is niet nodig.")
            client_hash = store.pseudonym(client) if client else None
            if client_hash and sum(p.guest and p.client == client_hash for p in s.participants) >= GUESTS_PER_CLIENT:
                raise TeamError(
                    "Vanaf dit apparaat of netwerk doen al heel veel gasten mee. Vraag de gespreksleider om hulp."
                )
            participant = Participant(
                name=name, guest=True, device=_hash(device) if device else None, client=client_hash
            )
        if len(s.participants) >= MAX_PARTICIPANTS:
            raise TeamError(f"Deze sessie is vol ({MAX_PARTICIPANTS} deelnemers).")
        minute_ago = at - timedelta(minutes=1)
        if sum(p.joined_at > minute_ago for p in s.participants) >= JOINS_PER_MINUTE:
            raise TeamError("Er komen nu heel veel mensen tegelijk binnen. Probeer het over een minuut opnieuw.")
        participant.joined_at = at
        s.participants.append(participant)
        s.participant_count = len(s.participants)
        s.last_activity = at
        result["p"] = participant
        return s

    session = _update(store, session.id, change)
    return session, result["p"]


def _facilitator_demo(store: Store, session: TeamSession) -> bool:
    facilitator = store.get_account(session.facilitator_id)
    return bool(facilitator and facilitator.demo)


def rejoin(
    store: Store, session_id: str, account: Account | None, device: str | None
) -> tuple[TeamSession, Participant] | None:
    """After a refresh: the session and this browser's participant, if it joined before (no new participant)."""
    try:
        session = load(store, session_id)
    except TeamError:
        return None
    participant = find_participant(session, account, device)
    return (session, participant) if participant else None


def vote(
    store: Store,
    session_id: str,
    participant_id: str,
    step: int,
    choice_id: str,
    reason: str = "",
    scenario: Scenario | None = None,
) -> None:
    """Cast or change a vote for the current decision; refused once the votes are revealed.

    One vote per participant per decision: a second vote replaces the first. A vote racing the
    reveal is either counted or refused, never saved and then ignored (the store's vote gate).
    """
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX:
        raise TeamError(f"Een reden is hoogstens {REASON_MAX} tekens.")

    def check(s: TeamSession) -> None:
        who = s.participant(participant_id)
        if who is None:
            raise TeamError("Je doet niet mee aan deze sessie. Meld je opnieuw aan met de code.")
        if who.user_id:
            account = store.get_account(who.user_id)
            if account is None or not account.active:
                raise TeamError("Dit account kan niet meer stemmen. Vraag de beheerder om hulp.")
        if s.status != "open" or s.phase != "voting" or step != s.step:
            raise TeamError("De stemming voor deze keuze is al gesloten.")
        if scenario is not None:
            available = {c.id for c in engine.available_choices(scenario, state(s, scenario))}
            if choice_id not in available:
                raise TeamError("Deze keuze kan nu niet gekozen worden.")

    # A file of its own, not a change of the session document: sixty votes at once do not queue.
    vote = Vote(step=step, participant_id=participant_id, choice_id=choice_id, reason=reason)
    store.save_vote(session_id, vote, check)


def _require_facilitator(store: Store, session: TeamSession, actor: Account) -> None:
    """The session's own facilitator, as the store knows the account now (still active, still in the role)."""
    if actor.id != session.facilitator_id:
        raise TeamError("Alleen de gespreksleider van deze sessie kan dit doen.")
    require_role(store.get_account(actor.id), *FACILITATOR_ROLES)


def reveal(store: Store, session_id: str, actor: Account) -> TeamSession:
    def change(s: TeamSession) -> TeamSession:
        _require_facilitator(store, s, actor)
        if s.phase == "voting" and s.status == "open":
            s.phase = "revealed"
            s.last_activity = now()
        return s

    return _update(store, session_id, change)


def decide(
    store: Store, session_id: str, actor: Account, scenario: Scenario, choice_id: str | None = None
) -> TeamSession:
    """Set the group's choice (the majority unless the facilitator picks another) and move on."""

    def change(s: TeamSession) -> TeamSession:
        _require_facilitator(store, s, actor)
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
        s.decisions.append(
            Decision(
                step=s.step,
                node_id=current.node,
                tally=result.counts,
                reasons=result.reasons,
                voters=result.voters,
                chosen=chosen,
                majority=result.majority,
            )
        )
        s.choices.append(chosen)
        s.last_activity = now()
        if new_state.finished:
            _finish(s, "ended")  # only the anonymous tallies and reasons are kept
        else:
            s.phase = "voting"
        return s

    return _update(store, session_id, change)


def close(store: Store, session_id: str, actor: Account, at: datetime | None = None) -> TeamSession:
    """The facilitator ends a session before its ending: nobody can join or vote any more."""

    def change(s: TeamSession) -> TeamSession:
        _require_facilitator(store, s, actor)
        return _finish(s, "closed", at) if s.status == "open" else s

    return _update(store, session_id, change)


def _purge(s: TeamSession) -> TeamSession:
    s.participants = []
    for decision in s.decisions:
        decision.reasons = []
    s.purged = True
    return s


def sweep(store: Store, at: datetime | None = None) -> dict[str, int]:
    """Close idle sessions and remove reasons and participants of sessions closed longer than RETENTION."""
    at = at or datetime.now(UTC)
    closed = purged = 0
    for session in store.list_team_sessions():
        if is_idle(session, at):
            _update(store, session.id, lambda s: _finish(s, "idle", at) if is_idle(s, at) else s)
            closed += 1
        elif past_retention(session, at):
            _update(store, session.id, _purge)
            purged += 1
    return {"closed": closed, "purged": purged}


# --- a user's own data: export and deletion ----------------------------------------------------------


def user_data(store: Store, user: Account) -> dict:
    """Every team-session record that names the user: sessions they led, and their part in others."""
    led, joined = [], []
    for session in store.list_team_sessions():
        if session.facilitator_id == user.id:
            led.append(
                session.model_dump(
                    mode="json",
                    include={
                        "id",
                        "code",
                        "scenario_id",
                        "scenario_title",
                        "status",
                        "created_at",
                        "finished_at",
                        "choices",
                        "decisions",
                        "participant_count",
                    },
                )
            )
        mine = [p for p in session.participants if p.user_id == user.id]
        if mine:
            ids = {p.id for p in mine}
            joined.append(
                {
                    "session_id": session.id,
                    "scenario_title": session.scenario_title,
                    "created_at": session.created_at.isoformat(),
                    "participant": [p.model_dump(mode="json", include={"id", "name", "joined_at"}) for p in mine],
                    "votes": [v.model_dump(mode="json") for v in session.votes if v.participant_id in ids],
                    "reasons": [
                        r.model_dump(mode="json", exclude={"participant_id"})
                        for d in session.decisions
                        for r in d.reasons
                        if r.participant_id in ids
                    ],
                }
            )
    return {"team_sessions_led": led, "team_sessions_joined": joined}


def forget_user(store: Store, user: Account) -> None:
    """Delete the sessions the user led, and remove the user, their votes and reasons from other sessions."""
    for session in store.list_team_sessions():
        if session.facilitator_id == user.id:
            store.delete_team_session(session.id)
            continue
        if not any(p.user_id == user.id for p in session.participants):
            continue

        def change(s: TeamSession) -> TeamSession:
            ids = {p.id for p in s.participants if p.user_id == user.id}
            s.participants = [p for p in s.participants if p.id not in ids]
            s.votes = [v for v in s.votes if v.participant_id not in ids]
            for decision in s.decisions:
                decision.reasons = [r for r in decision.reasons if r.participant_id not in ids]
            return s

        _update(store, session.id, change)


def debrief_path(session: TeamSession, scenario: Scenario) -> list[tuple[Decision, str]]:
    """Each decision with the text of the group's choice."""
    result = []
    for decision in session.decisions:
        node = scenario.nodes[decision.node_id]
        text = next((c.text for c in node.choices if c.id == decision.chosen), decision.chosen)
        result.append((decision, text))
    return result
