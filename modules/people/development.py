"""Mijn ontwikkeling: a user's own practice over time, and the period choice it shares with the coach's view.

The user sees everything of their own: every attempt, every reflection (shared or not), every
intention with how it went. It is built with the coach's pure helpers in ``modules.people.coaching``
(the same attempt entries, principle profile over time and filters), so the two views cannot drift
apart; only the reflection entries differ, because a coach sees shared reflections and the user all
of their own. ``load_own`` reads only the user's own records.

Periods ("Afgelopen week", ...) are calendar dates in the Netherlands (``modules.dutch``), the
same dates the timeline and the charts show.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from modules import dutch
from modules.library.scenarios import Library
from modules.people import coaching
from modules.people.accounts import PermissionDenied
from modules.play import reflection as reflection_form
from modules.records import Account, Attempt, Reflection, now
from modules.storage import Store

# --- the user's own timeline ------------------------------------------------------------------


@dataclass(frozen=True)
class OwnReflectionEntry:
    """One of the user's own reflections on their timeline.

    It has the fields ``coaching.filter_timeline``, ``coaching.scenario_options`` and
    ``coaching.date_span`` read of a reflection entry (attempt_id, scenario_id, scenario_title, date),
    so the coach's filters work on the user's own timeline unchanged."""

    reflection_id: str
    attempt_id: str | None
    scenario_id: str | None
    scenario_title: str
    date: datetime
    team_session: bool = False
    shared: bool = False  # shared with a coach now
    looked_back: bool = False  # it says how the previous intention went
    kind: str = "own-reflection"


OwnEntry = coaching.AttemptEntry | OwnReflectionEntry


def own_reflection_entry(item: Reflection, library: Library, shared: bool = False) -> OwnReflectionEntry:
    return OwnReflectionEntry(
        reflection_id=item.id,
        attempt_id=item.attempt_id,
        scenario_id=item.scenario_id,
        scenario_title=coaching.scenario_title(item.scenario_id, item.scenario_title, library),
        date=item.created_at,
        team_session=item.team_session_id is not None,
        shared=shared,
        looked_back=bool(item.follow_up.strip()),
    )


def own_timeline(
    attempts: Iterable[Attempt],
    reflections: Iterable[Reflection],
    library: Library,
    shared_ids: Iterable[str] = (),
) -> list[OwnEntry]:
    """All attempts and all reflections of one user, newest first."""
    shared = set(shared_ids)
    entries: list[OwnEntry] = [coaching.attempt_entry(a, library) for a in attempts]
    entries += [own_reflection_entry(r, library, r.id in shared) for r in reflections]
    return sorted(entries, key=lambda e: e.date, reverse=True)


@dataclass
class OwnData:
    user: Account
    attempts: list[Attempt]
    reflections: list[Reflection]
    shared_ids: frozenset[str]

    @property
    def trails(self) -> list[reflection_form.IntentionTrail]:
        """Every intention with how it went, newest first."""
        return reflection_form.intention_trails(self.reflections)


def load_own(store: Store, user: Account | None) -> OwnData:
    """Everything of the signed-in user's own practice; PermissionDenied for nobody or a switched-off account."""
    if user is None or not user.active:
        raise PermissionDenied("not signed in")
    shared = frozenset(s.reflection_id for s in store.shares(teacher_id=user.id))
    return OwnData(user, store.list_attempts(user.id), store.list_reflections(user.id), shared)


def trails_shown(
    trails: Iterable[reflection_form.IntentionTrail], shown: Iterable[object]
) -> list[reflection_form.IntentionTrail]:
    """The intentions whose reflection is on the (filtered) timeline ``shown``."""
    ids = {e.reflection_id for e in shown if isinstance(e, OwnReflectionEntry)}
    return [t for t in trails if t.reflection.id in ids]


# --- periods, in Dutch --------------------------------------------------------------------------

ALL = "alles"
PERIODS = {
    ALL: "Alles",
    "week": "Afgelopen week",
    "maand": "Afgelopen maand",
    "kwartaal": "Afgelopen 3 maanden",
    "jaar": "Afgelopen jaar",
}
_MONTHS_BACK = {"maand": 1, "kwartaal": 3, "jaar": 12}


def today() -> date:
    """Today's date in the Netherlands, whatever the server's time zone."""
    return dutch.local(now()).date()


def day_label(day: date) -> str:
    """'1 december 2026'."""
    return dutch.dutch_date(day)


def months_back(day: date, months: int) -> date:
    """The same day ``months`` months earlier; the last day of that month when it is shorter (31 -> 30)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def period_range(key: str, until: date) -> tuple[date | None, date | None]:
    """The first and last calendar day of a period ending ``until`` (inclusive); (None, None) for 'Alles'."""
    if key == "week":
        return until - timedelta(days=6), until
    if key in _MONTHS_BACK:
        return months_back(until, _MONTHS_BACK[key]) + timedelta(days=1), until
    return None, None


def period_text(key: str, until: date, span: tuple[date, date] | None = None) -> str:
    """The period in words: 'Van 2 november 2026 tot en met 1 december 2026.'; for 'Alles' the span of
    the data, when there is any."""
    start, end = period_range(key, until)
    if start is None or end is None:
        if span is None:
            return ""
        start, end = span
    if start == end:
        return f"Op {day_label(start)}."
    return f"Van {day_label(start)} tot en met {day_label(end)}."


def filters(scenario_id: str | None, principle_id: str | None, period: str, until: date) -> coaching.Filters:
    start, end = period_range(period, until)
    return coaching.Filters(scenario_id=scenario_id, principle_id=principle_id, start=start, end=end)
