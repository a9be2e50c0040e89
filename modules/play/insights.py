"""Praktijkdata: how teachers actually play a scenario, for its authors, without identities.

``practice_data`` reads every play-through of one scenario (any iterable of ``Attempt``; the caller
gets them from ``store.scenario_attempts``) and counts, per decision, how often each choice was
taken and how long a decision took; how often each ending was reached; and where play-throughs were
abandoned. It tells an author which options are foils nobody picks and where teachers give up.

Pure: no Streamlit, no storage. The result is made of frozen dataclasses holding only counts,
shares, times and the scenario's own ids and texts.

Privacy: nobody can be singled out
----------------------------------
* **No identities, no free text.** Nothing in the result holds a user id, an attempt id, a name,
  the answer to the anticipate question or the teacher's own words (``Step.own_words``): only
  numbers and what the author wrote (node, choice and ending ids, choice texts, ending titles).
  ``user_id`` is read only to count distinct teachers (``PracticeData.teachers``), never kept.
* **At least ``MIN_ATTEMPTS`` behind every figure.** A decision's figures (choice counts, shares,
  time) are *withheld in the returned object itself* when fewer than ``MIN_ATTEMPTS`` play-throughs
  made a choice there: ``shown`` is False, ``choices`` is empty, ``median_seconds`` and ``timed``
  are None, so no page or export can leak them by mistake. "Behind it" also counts teachers, not
  just play-throughs: ten play-throughs of one teacher describe that one teacher, so a figure is
  shown only when its play-throughs come from at least ``MIN_ATTEMPTS`` different teachers too.
  With one play-through per teacher the two rules are the same (9 withheld, 10 shown).
* **Endings** are shown under the same rule, over finished play-throughs (``endings_shown``).
* **Abandonment** is a table over all play-throughs of the scenario: it is shown when the scenario
  has at least ``MIN_ATTEMPTS`` play-throughs by ``MIN_ATTEMPTS`` teachers, and then with the count
  per scene even when a count is small. A small count in a big total (one play-through stopped at
  scene X, out of forty) tells no more about who did it than a choice count of 1 out of 10 does;
  withholding the small rows would also hide exactly what the table is for (a scene where a few
  teachers stop). Below the threshold the whole table and the number abandoned are withheld.
* **Time per decision** is withheld too when fewer than ``MIN_ATTEMPTS`` timings (by as many
  teachers) are known: a "median" of two timings is one teacher's time.
* The number of play-throughs, of teachers and of finished play-throughs is always given: they say
  how much there is, not who did what.

What no threshold prevents: an author who looks before and after one colleague plays can see what
changed. The figures are for improving a scenario, not for watching people; the page should say so.

Counting
--------
* Attempts of other scenarios are ignored; an attempt id seen twice is counted once.
* A play-through that no longer fits a changed scenario is counted where it still fits: a step at a
  scene that no longer exists (or is no longer a decision) is skipped; a choice id that no longer
  exists is mapped to today's choice via its former ids (``Choice.was``, ``paths.find_choice``),
  else counted under ``OLD_CHOICE``; an ending that no longer exists under ``OLD_ENDING``; an
  abandoned play-through at a scene that no longer exists under ``OLD_NODE``.
* ``reached`` is the number of play-throughs that made a choice at a decision (one that stopped
  there without choosing counts under abandonment). A scene passed twice in one play-through counts
  twice in the choice counts, once in ``reached``; shares are of the choices made there.
* Every current choice is listed, also with count 0: those are the foils nobody picks. ``offered``
  says how often it was on offer (its condition held), so a conditional choice that was rarely
  offered is not mistaken for a foil.
* **Abandoned**: not finished, and no activity (last save or step) for ``ABANDONED_AFTER`` (24
  hours) before ``now``. A play-through saved more recently may still be going on and is not counted
  as abandoned. It counts at the scene where it stopped (the state's current node).
* **Time per decision**: the seconds between a step's ``at`` and the previous step's ``at`` (for the
  first step: the attempt's ``started_at``), so it includes reading the scene and, with own words
  first, writing them. Steps without a time (saved before steps had one) give no timing, nor does
  the step after one. Gaps over ``LONGEST_GAP`` (30 minutes) are left out: the teacher left and came
  back, and that is not time spent deciding. The issue asks for the "average"; the result gives the
  **mediaan** (the middle timing): one teacher who leaves a tab open for 25 minutes would pull a mean
  far from what a typical teacher spends, the median hardly moves. ``timed`` says how many timings
  it rests on.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from modules.content import expr
from modules.content.scenario import Choice, Node, Outcome, Scenario
from modules.play import engine, paths
from modules.records import Attempt

MIN_ATTEMPTS = 10
"""Play-throughs (and teachers) needed behind a figure before it is shown."""

ABANDONED_AFTER = timedelta(hours=24)
"""An unfinished play-through without activity for this long counts as abandoned."""

LONGEST_GAP = timedelta(minutes=30)
"""Longer between two steps: the teacher left; the gap is not counted as time spent deciding."""

OLD_CHOICE = "(oude keuze)"
OLD_ENDING = "(oud einde)"
OLD_NODE = "(oude scène)"


@dataclass(frozen=True)
class ChoiceFigure:
    """One option of a decision: how often it was taken and offered."""

    choice_id: str
    text: str
    count: int
    share: float  # count / all choices made at this decision, 0..1
    offered: int  # times the option was on offer (its condition held)


@dataclass(frozen=True)
class DecisionFigures:
    """One decision: withheld (``shown`` False, ``choices`` empty, time None) below the threshold."""

    node_id: str
    reached: int
    choices: tuple[ChoiceFigure, ...]
    median_seconds: float | None
    timed: int | None
    shown: bool


@dataclass(frozen=True)
class EndingFigure:
    ending_id: str
    title: str
    outcome: Outcome | None
    count: int
    share: float  # count / finished play-throughs, 0..1


@dataclass(frozen=True)
class AbandonedFigure:
    """Where abandoned play-throughs stopped."""

    node_id: str
    count: int
    share: float  # count / abandoned play-throughs, 0..1


@dataclass(frozen=True)
class PracticeData:
    """Praktijkdata of one scenario: counts only, nothing that names or quotes a teacher."""

    scenario_id: str
    attempts: int
    teachers: int
    finished: int
    decisions: tuple[DecisionFigures, ...]
    endings_shown: bool
    endings: tuple[EndingFigure, ...]
    abandoned_shown: bool
    abandoned: int | None
    stopped_at: tuple[AbandonedFigure, ...]


def enough(attempts: int, teachers: int) -> bool:
    """Whether a figure has enough play-throughs, by enough different teachers, behind it to be shown."""
    return attempts >= MIN_ATTEMPTS and teachers >= MIN_ATTEMPTS


@dataclass
class _Decision:
    attempts: set[str] = field(default_factory=set[str])
    teachers: set[str] = field(default_factory=set[str])
    counts: dict[str, int] = field(default_factory=dict[str, int])
    offered: dict[str, int] = field(default_factory=dict[str, int])
    seconds: list[float] = field(default_factory=list[float])
    timed_teachers: set[str] = field(default_factory=set[str])


def practice_data(scenario: Scenario, attempts: Iterable[Attempt], *, now: datetime | None = None) -> PracticeData:
    """The praktijkdata of ``scenario`` over ``attempts`` (see the module's docstring for the rules)."""
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    cutoff = moment - ABANDONED_AFTER
    decisions = {node_id: _Decision() for node_id, node in scenario.nodes.items() if node.choices}
    seen: set[str] = set()
    teachers: set[str] = set()
    finished_teachers: set[str] = set()
    endings: dict[str, int] = {}
    stopped: dict[str, int] = {}
    finished = 0
    for attempt in attempts:
        if attempt.scenario_id != scenario.id or attempt.id in seen:
            continue
        seen.add(attempt.id)
        teachers.add(attempt.user_id)
        _count_steps(scenario, attempt, decisions)
        if attempt.state.ending is not None:
            finished += 1
            finished_teachers.add(attempt.user_id)
            ending = attempt.state.ending if attempt.state.ending in scenario.endings else OLD_ENDING
            endings[ending] = endings.get(ending, 0) + 1
        elif _last_activity(attempt) <= cutoff:
            node = attempt.state.node if attempt.state.node in scenario.nodes else OLD_NODE
            stopped[node] = stopped.get(node, 0) + 1
    endings_shown = enough(finished, len(finished_teachers))
    abandoned_shown = enough(len(seen), len(teachers))
    abandoned = sum(stopped.values())
    return PracticeData(
        scenario_id=scenario.id,
        attempts=len(seen),
        teachers=len(teachers),
        finished=finished,
        decisions=tuple(_figures(node_id, scenario.nodes[node_id], d) for node_id, d in decisions.items()),
        endings_shown=endings_shown,
        endings=_endings(scenario, endings, finished) if endings_shown else (),
        abandoned_shown=abandoned_shown,
        abandoned=abandoned if abandoned_shown else None,
        stopped_at=_stopped(scenario, stopped, abandoned) if abandoned_shown else (),
    )


def _count_steps(scenario: Scenario, attempt: Attempt, decisions: dict[str, _Decision]) -> None:
    """Add one play-through's choices, offers and timings to the figures of the decisions it passed."""
    variables = {name: variable.initial for name, variable in scenario.variables.items()}
    previous: datetime | None = attempt.started_at
    for step in attempt.state.steps:
        gap = step.at - previous if step.at is not None and previous is not None else None
        previous = step.at
        node = scenario.nodes.get(step.node)
        figures = decisions.get(step.node)
        if node is not None and figures is not None:
            choice = paths.find_choice(node, step.choice)
            taken = choice.id if choice is not None else OLD_CHOICE
            figures.attempts.add(attempt.id)
            figures.teachers.add(attempt.user_id)
            figures.counts[taken] = figures.counts.get(taken, 0) + 1
            for offered in {taken, *(c.id for c in _on_offer(node, variables))}:
                figures.offered[offered] = figures.offered.get(offered, 0) + 1
            if gap is not None and timedelta(0) <= gap <= LONGEST_GAP:
                figures.seconds.append(gap.total_seconds())
                figures.timed_teachers.add(attempt.user_id)
        for name, change in step.changes.items():
            variables[name] = variables.get(name, 0) + change


def _on_offer(node: Node, variables: dict[str, int]) -> list[Choice]:
    try:
        return engine.choices_at(node, variables)
    except expr.ExpressionError:  # a condition on a variable the play-through did not know: say offered
        return list(node.choices)


def _last_activity(attempt: Attempt) -> datetime:
    moments = [attempt.started_at, attempt.updated_at, *(s.at for s in attempt.state.steps if s.at is not None)]
    return max(moments)


def _figures(node_id: str, node: Node, figures: _Decision) -> DecisionFigures:
    reached = len(figures.attempts)
    if not enough(reached, len(figures.teachers)):
        return DecisionFigures(node_id, reached, choices=(), median_seconds=None, timed=None, shown=False)
    made = sum(figures.counts.values())
    choices = [
        ChoiceFigure(
            c.id, c.text, figures.counts.get(c.id, 0), figures.counts.get(c.id, 0) / made, figures.offered.get(c.id, 0)
        )
        for c in node.choices
    ]
    old = figures.counts.get(OLD_CHOICE, 0)
    if old:
        choices.append(ChoiceFigure(OLD_CHOICE, OLD_CHOICE, old, old / made, figures.offered.get(OLD_CHOICE, 0)))
    timed = len(figures.seconds)
    median = statistics.median(figures.seconds) if enough(timed, len(figures.timed_teachers)) else None
    return DecisionFigures(node_id, reached, tuple(choices), median_seconds=median, timed=timed, shown=True)


def _endings(scenario: Scenario, counts: dict[str, int], finished: int) -> tuple[EndingFigure, ...]:
    figures = [
        EndingFigure(
            ending_id, ending.title, ending.outcome, counts.get(ending_id, 0), counts.get(ending_id, 0) / finished
        )
        for ending_id, ending in scenario.endings.items()
    ]
    old = counts.get(OLD_ENDING, 0)
    if old:
        figures.append(EndingFigure(OLD_ENDING, OLD_ENDING, None, old, old / finished))
    return tuple(figures)


def _stopped(scenario: Scenario, counts: dict[str, int], abandoned: int) -> tuple[AbandonedFigure, ...]:
    """Per scene where at least one play-through stopped, in the scenario's order; old scenes last."""
    order = [*scenario.nodes, OLD_NODE]
    return tuple(
        AbandonedFigure(node_id, counts[node_id], counts[node_id] / abandoned) for node_id in order if node_id in counts
    )
