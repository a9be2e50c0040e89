"""The coach's view of connected teachers: timeline, principle profile over time, cohort aggregates, CSV export.

Everything here is pure (no Streamlit, no storage) except the ``load_*`` functions at
the bottom, which read only through ``modules.people.sharing`` (so authorisation is checked
there) and hand plain data to the pure helpers.

Dates are the stored moments (timezone-aware); a period filter compares their calendar
date in the Netherlands (``modules.dutch``), the same date the timeline and the chart show.
The cohort aggregates take attempts only, never accounts: their output holds principle and
scenario names and counts, no usernames and no user ids.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from modules import dutch
from modules.content.principles import Catalogue
from modules.library.scenarios import Library
from modules.people import sharing
from modules.people.accounts import PermissionDenied
from modules.play import engine, practice
from modules.play import reflection as reflection_form
from modules.play.debrief import OUTCOME_LABELS
from modules.records import Account, Attempt, Comment
from modules.storage import Store

SMALL_GROUP = 3  # fewer connected teachers than this: aggregates may still be recognisable
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"  # what Dutch spreadsheet programs expect
CSV_ENCODING = "utf-8-sig"  # with a byte order mark, so spreadsheets read accents correctly
CSV_FILE_NAME = "gedeelde-reflecties.csv"


# --- dates ----------------------------------------------------------------------------------


def day(moment: datetime | None) -> date | None:
    """The calendar date in the Netherlands of a stored moment."""
    return dutch.local_date(moment)


def attempt_date(attempt: Attempt) -> datetime:
    """When an attempt last mattered: its end, or its latest choice while it is running."""
    return attempt.finished_at or attempt.updated_at or attempt.started_at


# --- one attempt ----------------------------------------------------------------------------


def attempt_profile(attempt: Attempt, library: Library) -> engine.Profile | None:
    """The engine's profile of a finished attempt; None if unfinished, its scenario is gone or no longer replays."""
    if not attempt.finished:
        return None
    scenario = library.get(attempt.scenario_id)
    if scenario is None:
        return None
    try:
        state = practice.replayed(scenario, attempt)
    except (engine.EngineError, KeyError):
        return None
    if not state.finished:
        return None
    return engine.profile(scenario, state)


def scenario_title(scenario_id: str | None, stored_title: str, library: Library) -> str:
    scenario = library.get(scenario_id) if scenario_id else None
    if scenario is not None:
        return scenario.title
    return stored_title or scenario_id or "Losse reflectie"


# --- timeline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptEntry:
    attempt_id: str
    scenario_id: str
    scenario_title: str
    date: datetime
    finished: bool
    steps: int
    ending_title: str | None = None
    outcome: str | None = None  # sterk | gemengd | zwak
    principles: frozenset[str] = frozenset()  # principles the path touched (non-zero score)
    kind: str = "attempt"

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome or "", "")


@dataclass(frozen=True)
class ReflectionEntry:
    reflection_id: str
    attempt_id: str | None
    scenario_id: str | None
    scenario_title: str
    date: datetime
    shared_at: datetime
    unread: int = 0
    kind: str = "reflection"


TimelineEntry = AttemptEntry | ReflectionEntry


def attempt_entry(attempt: Attempt, library: Library) -> AttemptEntry:
    scenario = library.get(attempt.scenario_id)
    ending_title = outcome = None
    if attempt.finished and scenario is not None and attempt.state.ending in scenario.endings:
        ending = scenario.endings[attempt.state.ending]
        ending_title, outcome = ending.title, ending.outcome.value
    profile = attempt_profile(attempt, library)
    return AttemptEntry(
        attempt_id=attempt.id,
        scenario_id=attempt.scenario_id,
        scenario_title=scenario_title(attempt.scenario_id, attempt.scenario_title, library),
        date=attempt_date(attempt),
        finished=attempt.finished,
        steps=len(attempt.state.steps),
        ending_title=ending_title,
        outcome=outcome,
        principles=frozenset(p for p, s in profile.scores.items() if s) if profile else frozenset(),
    )


def reflection_entry(shared: sharing.SharedReflection, library: Library, unread: int = 0) -> ReflectionEntry:
    item = shared.reflection
    return ReflectionEntry(
        reflection_id=item.id,
        attempt_id=item.attempt_id,
        scenario_id=item.scenario_id,
        scenario_title=scenario_title(item.scenario_id, item.scenario_title, library),
        date=item.created_at,
        shared_at=shared.share.shared_at,
        unread=unread,
    )


def timeline(
    attempts: Iterable[Attempt],
    shared: Iterable[sharing.SharedReflection],
    library: Library,
    unread: dict[str, int] | None = None,
) -> list[TimelineEntry]:
    """Attempts and shared reflections of one teacher, newest first."""
    unread = unread or {}
    entries: list[TimelineEntry] = [attempt_entry(a, library) for a in attempts]
    entries += [reflection_entry(s, library, unread.get(s.reflection.id, 0)) for s in shared]
    return sorted(entries, key=lambda e: e.date, reverse=True)


# --- principle profile over time ------------------------------------------------------------


def profile_rows(attempts: Iterable[Attempt], library: Library, catalogue: Catalogue) -> list[dict]:
    """One row per (finished attempt, principle with a non-zero score), oldest attempt first.

    Keys: attempt_id, number (1 = oldest), date, label, scenario_id, scenario, principle_id,
    principle, score. ``label`` is unique per attempt, for a chart axis.
    """
    profiled = []
    for attempt in attempts:
        profile = attempt_profile(attempt, library)
        if profile is not None:
            profiled.append((attempt, profile))
    profiled.sort(key=lambda pair: attempt_date(pair[0]))
    rows = []
    for number, (attempt, profile) in enumerate(profiled, start=1):
        title = scenario_title(attempt.scenario_id, attempt.scenario_title, library)
        when = dutch.local(attempt_date(attempt))
        for principle_id, score in sorted(profile.scores.items()):
            if not score:
                continue
            principle = catalogue.get(principle_id)
            rows.append(
                {
                    "attempt_id": attempt.id,
                    "number": number,
                    "date": f"{when:%Y-%m-%d}",  # the Dutch calendar date, so charts show the same day
                    "day": dutch.dutch_date(when),
                    "label": f"{number} · {when:%d-%m}",
                    "scenario_id": attempt.scenario_id,
                    "scenario": title,
                    "principle_id": principle_id,
                    "principle": principle.name if principle else principle_id,
                    "score": score,
                }
            )
    return rows


def balance_rows(rows: Iterable[dict]) -> list[dict]:
    """Per attempt: honoured and neglected weight and their balance (honoured minus neglected), oldest first."""
    per: dict[str, dict] = {}
    for row in rows:
        entry = per.setdefault(
            row["attempt_id"],
            {key: row[key] for key in ("attempt_id", "number", "date", "day", "label", "scenario_id", "scenario")}
            | {"honoured": 0, "neglected": 0, "balance": 0},
        )
        if row["score"] > 0:
            entry["honoured"] += row["score"]
        else:
            entry["neglected"] += -row["score"]
        entry["balance"] = entry["honoured"] - entry["neglected"]
    return sorted(per.values(), key=lambda e: e["number"])


# --- filters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """None means: no restriction. ``start`` and ``end`` are inclusive calendar dates."""

    scenario_id: str | None = None
    principle_id: str | None = None
    start: date | None = None
    end: date | None = None

    def in_period(self, when: date | None) -> bool:
        if when is None:
            return self.start is None and self.end is None
        return (self.start is None or when >= self.start) and (self.end is None or when <= self.end)

    def scenario_ok(self, scenario_id: str | None) -> bool:
        return self.scenario_id is None or scenario_id == self.scenario_id


def filter_timeline(entries: Iterable[TimelineEntry], filters: Filters) -> list[TimelineEntry]:
    """Scenario and period apply to every entry. A principle keeps the attempts whose path touched it
    and the reflections written about those attempts."""
    entries = list(entries)
    touching = {e.attempt_id for e in entries if isinstance(e, AttemptEntry) and filters.principle_id in e.principles}
    kept = []
    for entry in entries:
        if not (filters.scenario_ok(entry.scenario_id) and filters.in_period(day(entry.date))):
            continue
        if filters.principle_id is not None and entry.attempt_id not in touching:
            continue
        kept.append(entry)
    return kept


def filter_rows(rows: Iterable[dict], filters: Filters) -> list[dict]:
    return [
        r
        for r in rows
        if filters.scenario_ok(r["scenario_id"])
        and filters.in_period(date.fromisoformat(r["date"]))
        and (filters.principle_id is None or r["principle_id"] == filters.principle_id)
    ]


def filter_attempts(attempts: Iterable[Attempt], filters: Filters) -> list[Attempt]:
    """Scenario and period only (a principle filter needs the profile: use ``filter_rows``)."""
    return [a for a in attempts if filters.scenario_ok(a.scenario_id) and filters.in_period(day(attempt_date(a)))]


def scenario_options(entries: Iterable[TimelineEntry]) -> dict[str, str]:
    """Scenario id -> title, for a filter, sorted by title."""
    found = {e.scenario_id: e.scenario_title for e in entries if e.scenario_id}
    return dict(sorted(found.items(), key=lambda kv: kv[1].lower()))


def principle_options(rows: Iterable[dict]) -> dict[str, str]:
    """Principle id -> name, for a filter, sorted by name."""
    found = {r["principle_id"]: r["principle"] for r in rows}
    return dict(sorted(found.items(), key=lambda kv: kv[1].lower()))


def date_span(entries: Iterable[TimelineEntry]) -> tuple[date, date] | None:
    days = [d for d in (day(e.date) for e in entries) if d is not None]
    return (min(days), max(days)) if days else None


# --- cohort aggregates ------------------------------------------------------------------------


@dataclass
class CohortOverview:
    """Aggregates over many teachers' attempts; holds no usernames and no user ids."""

    teachers: int
    attempts: int
    finished: int
    neglected: list[dict] = field(default_factory=list)  # principle_id, principle, attempts, weight
    scenarios: list[dict] = field(default_factory=list)  # scenario_id, scenario, attempts, finished

    @property
    def small_group(self) -> bool:
        return self.teachers < SMALL_GROUP


def cohort_overview(
    teachers: int, attempts: Iterable[Attempt], library: Library, catalogue: Catalogue
) -> CohortOverview:
    """Which principles are most often neglected, which scenarios are played.

    ``neglected``: per principle, the number of finished attempts whose score for it was below
    zero (``attempts``) and the summed negative weight as a positive number (``weight``); most
    often neglected first. ``scenarios``: per scenario, attempts started and finished; most played first.
    """
    attempts = list(attempts)
    neglect: dict[str, dict] = {}
    played: dict[str, dict] = {}
    for attempt in attempts:
        title = scenario_title(attempt.scenario_id, attempt.scenario_title, library)
        scenario = played.setdefault(
            attempt.scenario_id, {"scenario_id": attempt.scenario_id, "scenario": title, "attempts": 0, "finished": 0}
        )
        scenario["attempts"] += 1
        scenario["finished"] += int(attempt.finished)
        profile = attempt_profile(attempt, library)
        if profile is None:
            continue
        for principle_id, score in profile.neglected.items():
            principle = catalogue.get(principle_id)
            row = neglect.setdefault(
                principle_id,
                {
                    "principle_id": principle_id,
                    "principle": principle.name if principle else principle_id,
                    "attempts": 0,
                    "weight": 0,
                },
            )
            row["attempts"] += 1
            row["weight"] += -score
    return CohortOverview(
        teachers=teachers,
        attempts=len(attempts),
        finished=sum(a.finished for a in attempts),
        neglected=sorted(neglect.values(), key=lambda r: (-r["attempts"], -r["weight"], r["principle"].lower())),
        scenarios=sorted(played.values(), key=lambda r: (-r["attempts"], -r["finished"], r["scenario"].lower())),
    )


# --- CSV export of shared reflections -------------------------------------------------------


def unread_replies(comments: list[Comment], teacher_id: str, viewer_id: str, unread: int) -> int:
    """How many of the viewer's ``unread`` comments (``sharing.unread``) the teacher wrote.

    ``sharing.unread`` counts comments by others newer than the viewer's read marker: the
    last ``unread`` of the others' comments in time order.
    """
    if unread <= 0:
        return 0
    others = [c for c in comments if c.author_id != viewer_id]
    return sum(c.author_id == teacher_id for c in others[-unread:])


def export_rows(
    shared: Iterable[sharing.SharedReflection],
    threads: dict[str, list[Comment]],
    unread: dict[str, int],
    viewer_id: str,
    library: Library,
    include_text: bool = False,
) -> list[dict]:
    """One row per shared reflection, oldest first. Free text only when ``include_text``."""
    rows = []
    for item in sorted(shared, key=lambda s: (s.reflection.created_at, s.reflection.id)):
        reflection = item.reflection
        comments = threads.get(reflection.id, [])
        new = unread_replies(comments, item.teacher.id, viewer_id, unread.get(reflection.id, 0))
        row = {
            "Leraar": item.teacher.username,
            "Scenario": scenario_title(reflection.scenario_id, reflection.scenario_title, library),
            "Datum reflectie": dutch.numeric_datetime(reflection.created_at),
            "Gedeeld op": dutch.numeric_datetime(item.share.shared_at),
            "Aantal reacties": len(comments),
            "Nieuwe reactie van leraar": "ja" if new else "nee",
        }
        if include_text:
            row[reflection_form.INTENTION.label] = reflection.intention
            for question in reflection_form.ALL_QUESTIONS:
                row[question.label] = reflection.answers.get(question.key, "")
        rows.append(row)
    return rows


def export_columns(include_text: bool) -> list[str]:
    columns = ["Leraar", "Scenario", "Datum reflectie", "Gedeeld op", "Aantal reacties", "Nieuwe reactie van leraar"]
    if include_text:
        columns += [reflection_form.INTENTION.label, *(q.label for q in reflection_form.ALL_QUESTIONS)]
    return columns


def safe_cell(value: object) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ (or tab, CR) gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_csv(rows: Iterable[dict], include_text: bool = False) -> str:
    """CSV text (``;``-separated, every cell quoted when needed); encode with ``CSV_ENCODING``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    columns = export_columns(include_text)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(column, "")) for column in columns])
    return buffer.getvalue()


# --- reading through modules.people.sharing (authorisation is checked there) ----------------


@dataclass
class TeacherData:
    teacher: Account
    attempts: list[Attempt]
    shared: list[sharing.SharedReflection]
    unread: dict[str, int]


def load_teacher(store: Store, coach: Account, teacher_id: str) -> TeacherData:
    """What a coach may see of one connected teacher; raises PermissionDenied otherwise."""
    teacher = next((t for t in sharing.my_teachers(store, coach) if t.id == teacher_id), None)
    if teacher is None:
        raise PermissionDenied("this teacher is not connected to you")
    attempts = sharing.teacher_attempts(store, coach, teacher_id)
    shared = sharing.shared_reflections(store, coach, teacher_id)
    unread = sharing.unread(store, coach, teacher_id, [s.reflection.id for s in shared])
    return TeacherData(teacher, attempts, shared, unread)


def load_cohort(store: Store, coach: Account) -> tuple[int, list[Attempt]]:
    """The number of connected teachers and all their attempts (no accounts leave this function)."""
    teachers = sharing.my_teachers(store, coach)
    attempts = [a for t in teachers for a in sharing.teacher_attempts(store, coach, t.id)]
    return len(teachers), attempts


def load_export(store: Store, coach: Account, library: Library, include_text: bool = False) -> list[dict]:
    """Export rows of every reflection shared with this coach."""
    shared = sharing.shared_reflections(store, coach)
    threads: dict[str, list[Comment]] = {}
    unread: dict[str, int] = {}
    for teacher_id in {s.teacher.id for s in shared}:
        ids = [s.reflection.id for s in shared if s.teacher.id == teacher_id]
        unread.update(sharing.unread(store, coach, teacher_id, ids))
    for item in shared:
        threads[item.reflection.id] = sharing.thread(store, coach, item.teacher.id, item.reflection.id)
    return export_rows(shared, threads, unread, coach.id, library, include_text)
