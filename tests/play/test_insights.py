"""Praktijkdata: how teachers play a scenario, counted without identities and withheld below the threshold."""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from modules.play import engine, insights
from modules.play.insights import MIN_ATTEMPTS, OLD_CHOICE, OLD_ENDING, practice_data
from modules.records import Attempt
from tests.conftest import ROOT

SCENARIO_ID = "de-taalbarriere"
FIRST = "uitnodigen"  # the first decision of de-taalbarriere: every play-through makes it
BEGIN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NOW = BEGIN + timedelta(days=10)


@pytest.fixture
def scenario(library):
    return library.get(SCENARIO_ID)


def play(
    scenario,
    user: str,
    rng: random.Random,
    *,
    steps: int | None = None,
    avoid: tuple[str, ...] = (),
    gaps: list[float] | None = None,
    started: datetime = BEGIN,
    timed: bool = True,
) -> Attempt:
    """A play-through by ``user`` with random choices (never one in ``avoid``), each step ``gaps[i]`` seconds
    (default 60) after the one before; ``steps`` stops it early; ``timed=False``: old steps without a time."""
    state = engine.start(scenario)
    moment = started
    while not state.finished and (steps is None or len(state.steps) < steps):
        options = [c for c in engine.available_choices(scenario, state) if c.id not in avoid]
        state, _ = engine.choose(scenario, state, rng.choice(options).id)
        gap = gaps[len(state.steps) - 1] if gaps and len(state.steps) <= len(gaps) else 60
        moment += timedelta(seconds=gap)
        words = f"Mijn eigen woorden van {user} bij stap {len(state.steps)}"
        state.steps[-1] = state.steps[-1].model_copy(update={"at": moment if timed else None, "own_words": words})
    return Attempt(
        user_id=user,
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        state=state,
        anticipation=f"Wat {user} verwachtte",
        started_at=started,
        updated_at=moment,
        finished_at=moment if state.finished else None,
    )


def players(count: int, prefix: str = "leraar") -> list[str]:
    return [f"{prefix}-{number:03d}" for number in range(count)]


def finished_by(scenario, count: int, seed: int = 1, **kwargs) -> list[Attempt]:
    rng = random.Random(seed)
    return [play(scenario, user, rng, **kwargs) for user in players(count)]


def decision(data: insights.PracticeData, node_id: str) -> insights.DecisionFigures:
    return next(d for d in data.decisions if d.node_id == node_id)


def choice(figures: insights.DecisionFigures, choice_id: str) -> insights.ChoiceFigure:
    return next(c for c in figures.choices if c.choice_id == choice_id)


def test_counts_and_shares_add_up(scenario):
    attempts = finished_by(scenario, 40)
    data = practice_data(scenario, attempts, now=NOW)
    assert (data.attempts, data.teachers, data.finished) == (40, 40, 40)
    decision_nodes = [node_id for node_id, node in scenario.nodes.items() if node.choices]
    assert [d.node_id for d in data.decisions] == decision_nodes  # the scenario's order, decisions only
    for figures in data.decisions:
        made = sum(1 for a in attempts for s in a.state.steps if s.node == figures.node_id)
        if figures.shown:
            assert sum(c.count for c in figures.choices) == made
            assert sum(c.share for c in figures.choices) == pytest.approx(1)
            assert [c.choice_id for c in figures.choices] == [c.id for c in scenario.nodes[figures.node_id].choices]
            for figure in figures.choices:
                taken = sum(
                    1
                    for a in attempts
                    for s in a.state.steps
                    if (s.node, s.choice) == (figures.node_id, figure.choice_id)
                )
                assert figure.count == taken and figure.offered == made  # no conditions in this scenario
        else:
            assert figures.reached < MIN_ATTEMPTS and figures.choices == ()
    first = decision(data, FIRST)
    assert first.shown and first.reached == 40
    assert data.endings_shown and sum(e.count for e in data.endings) == 40
    assert sum(e.share for e in data.endings) == pytest.approx(1)
    assert [e.ending_id for e in data.endings] == list(scenario.endings)  # endings nobody reached too, with 0
    assert {e.title for e in data.endings} == {e.title for e in scenario.endings.values()}
    assert (data.abandoned, data.stopped_at) == (0, ())


def test_a_foil_nobody_picks_is_listed_with_zero(scenario):
    data = practice_data(scenario, finished_by(scenario, 12, avoid=("hek",)), now=NOW)
    hek = choice(decision(data, FIRST), "hek")
    assert (hek.count, hek.share, hek.offered) == (0, 0.0, 12)
    assert hek.text == scenario.nodes[FIRST].choices[2].text


def test_a_choice_never_offered_is_not_a_foil(scenario):
    """A conditional option nobody could take shows ``offered`` 0, beside the others offered every time."""
    node = scenario.nodes[FIRST]
    hidden = [c.model_copy(update={"condition": "vertrouwen > 100"}) if c.id == "hek" else c for c in node.choices]
    changed = scenario.model_copy(
        update={"nodes": {**scenario.nodes, FIRST: node.model_copy(update={"choices": hidden})}}
    )
    figures = decision(practice_data(changed, finished_by(changed, 10), now=NOW), FIRST)
    assert (choice(figures, "hek").count, choice(figures, "hek").offered) == (0, 0)
    assert choice(figures, "portaal").offered == 10


@pytest.mark.parametrize(("count", "shown"), [(MIN_ATTEMPTS - 1, False), (MIN_ATTEMPTS, True)])
def test_a_decision_is_withheld_below_the_threshold(scenario, count, shown):
    figures = decision(practice_data(scenario, finished_by(scenario, count), now=NOW), FIRST)
    assert figures.reached == count and figures.shown is shown
    if shown:
        assert figures.choices and figures.median_seconds == 60 and figures.timed == count
    else:  # withheld in the result itself: nothing a page could show by mistake
        assert (figures.choices, figures.median_seconds, figures.timed) == ((), None, None)


@pytest.mark.parametrize(("count", "shown"), [(MIN_ATTEMPTS - 1, False), (MIN_ATTEMPTS, True)])
def test_endings_are_withheld_below_the_threshold_of_finished_attempts(scenario, count, shown):
    rng = random.Random(3)
    unfinished = [play(scenario, user, rng, steps=2) for user in players(5, "bezig")]
    data = practice_data(scenario, finished_by(scenario, count) + unfinished, now=NOW)
    assert data.finished == count and data.endings_shown is shown
    assert (sum(e.count for e in data.endings) == count) if shown else data.endings == ()


def test_ten_attempts_of_one_teacher_single_them_out_and_are_withheld(scenario):
    rng = random.Random(5)
    attempts = [play(scenario, "juf-anna", rng) for _ in range(MIN_ATTEMPTS)]
    data = practice_data(scenario, attempts, now=NOW)
    assert (data.attempts, data.teachers) == (MIN_ATTEMPTS, 1)
    assert not decision(data, FIRST).shown and decision(data, FIRST).choices == ()
    assert not data.endings_shown and not data.abandoned_shown and data.abandoned is None


def test_abandoned_attempts_count_at_their_node_and_ones_in_progress_do_not(scenario):
    rng = random.Random(7)
    old = NOW - timedelta(days=3)
    stopped = [play(scenario, user, rng, steps=1, started=old) for user in players(3, "gestopt")]
    stopped.append(play(scenario, "gestopt-aan-het-begin", rng, steps=0, started=old))
    going = [play(scenario, user, rng, steps=1, started=NOW - timedelta(hours=1)) for user in players(2, "bezig")]
    data = practice_data(scenario, finished_by(scenario, 10) + stopped + going, now=NOW)
    assert data.abandoned_shown and data.abandoned == 4
    where: dict[str, int] = {}
    for attempt in stopped:
        where[attempt.state.node] = where.get(attempt.state.node, 0) + 1
    assert {f.node_id: f.count for f in data.stopped_at} == where and where[FIRST] == 1
    assert sum(f.share for f in data.stopped_at) == pytest.approx(1)
    nodes = list(scenario.nodes)
    assert [f.node_id for f in data.stopped_at] == sorted(where, key=nodes.index)
    # The same play-throughs a day later: the ones in progress then are abandoned too.
    later = practice_data(scenario, finished_by(scenario, 10) + stopped + going, now=NOW + timedelta(days=1))
    assert later.abandoned == 6


def test_the_abandonment_table_is_withheld_with_few_attempts(scenario):
    rng = random.Random(9)
    attempts = [play(scenario, user, rng, steps=1, started=NOW - timedelta(days=3)) for user in players(9)]
    data = practice_data(scenario, attempts, now=NOW)
    assert data.attempts == 9 and not data.abandoned_shown
    assert (data.abandoned, data.stopped_at) == (None, ())


def test_time_per_decision_is_the_median_without_gaps_over_half_an_hour(scenario):
    rng = random.Random(11)
    firsts = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]  # the first decision: median 55
    attempts = [play(scenario, user, rng, gaps=[seconds]) for user, seconds in zip(players(10), firsts, strict=True)]
    attempts.append(play(scenario, "weggelopen", rng, gaps=[2 * 3600]))  # left for two hours: not counted
    figures = decision(practice_data(scenario, attempts, now=NOW), FIRST)
    assert figures.reached == 11 and figures.timed == 10 and figures.median_seconds == 55
    # With one timing too few the median is withheld, though the counts are shown.
    figures = decision(practice_data(scenario, attempts[1:], now=NOW), FIRST)
    assert figures.shown and figures.timed == 9 and figures.median_seconds is None
    # The cap: 29 minutes still count as deciding, 31 minutes do not.
    near = [play(scenario, user, rng, gaps=[29 * 60]) for user in players(10, "traag")]
    near.append(play(scenario, "te-traag", rng, gaps=[31 * 60]))
    figures = decision(practice_data(scenario, near, now=NOW), FIRST)
    assert figures.timed == 10 and figures.median_seconds == 29 * 60


def test_steps_without_a_time_give_no_timing(scenario):
    rng = random.Random(13)
    old = [play(scenario, user, rng, timed=False) for user in players(10, "oud")]
    figures = decision(practice_data(scenario, old + finished_by(scenario, 10), now=NOW), FIRST)
    assert figures.reached == 20 and figures.timed == 10 and figures.median_seconds == 60
    # A timed step after one without a time has nothing to measure from either.
    second = "aankomst"  # every path of de-taalbarriere goes from the first decision to this one
    mixed = []
    for attempt in old:
        steps = list(attempt.state.steps)
        assert steps[1].node == second
        steps[1] = steps[1].model_copy(update={"at": BEGIN + timedelta(minutes=5)})
        mixed.append(attempt.model_copy(update={"state": attempt.state.model_copy(update={"steps": steps})}))
    figures = decision(practice_data(scenario, mixed, now=NOW), second)
    assert figures.shown and figures.timed == 0 and figures.median_seconds is None


def test_the_result_holds_no_identity_and_no_free_text(scenario):
    rng = random.Random(17)
    attempts = finished_by(scenario, 12)
    attempts += [play(scenario, user, rng, steps=2, started=NOW - timedelta(days=2)) for user in players(3, "gestopt")]
    data = practice_data(scenario, attempts, now=NOW)
    assert data.endings_shown and data.abandoned_shown and decision(data, FIRST).shown
    text = json.dumps(dataclasses.asdict(data), default=str)
    for attempt in attempts:
        assert attempt.user_id not in text and attempt.id not in text
        assert attempt.anticipation not in text
        for step in attempt.state.steps:
            assert step.own_words and step.own_words not in text
    assert "Mijn eigen woorden" not in text and "leraar-" not in text and "gestopt-" not in text


def test_renamed_choices_are_mapped_via_was_and_unknown_ones_counted_apart(scenario):
    attempts = finished_by(scenario, 12)
    before = decision(practice_data(scenario, attempts, now=NOW), FIRST)
    node = scenario.nodes[FIRST]
    renamed = []
    for c in node.choices:
        if c.id == "portaal":
            renamed.append(c.model_copy(update={"id": "digitaal", "was": ["portaal"]}))
        elif c.id == "briefje":
            renamed.append(c.model_copy(update={"id": "papiertje"}))  # renamed without 'was': cannot be mapped
        else:
            renamed.append(c)
    changed = scenario.model_copy(
        update={"nodes": {**scenario.nodes, FIRST: node.model_copy(update={"choices": renamed})}}
    )
    after = decision(practice_data(changed, attempts, now=NOW), FIRST)
    assert choice(after, "digitaal").count == choice(before, "portaal").count > 0
    assert choice(after, "papiertje").count == 0
    assert choice(after, OLD_CHOICE).count == choice(before, "briefje").count > 0
    assert choice(after, OLD_CHOICE).text == OLD_CHOICE
    assert sum(c.count for c in after.choices) == 12 and sum(c.share for c in after.choices) == pytest.approx(1)


def test_attempts_that_no_longer_fit_count_where_they_still_fit(scenario):
    attempts = finished_by(scenario, 12)
    gone = "aankomst"
    ending = next(iter(scenario.endings))
    nodes = {node_id: node for node_id, node in scenario.nodes.items() if node_id != gone}
    endings = {ending_id: e for ending_id, e in scenario.endings.items() if ending_id != ending}
    changed = scenario.model_copy(update={"nodes": nodes, "endings": endings})
    data = practice_data(changed, attempts, now=NOW)
    assert gone not in {d.node_id for d in data.decisions}
    assert decision(data, FIRST).reached == 12 and decision(data, "thuistaal").reached == 12
    reached_old_ending = sum(1 for a in attempts if a.state.ending == ending)
    counts = {e.ending_id: e.count for e in data.endings}
    assert counts.get(OLD_ENDING, 0) == reached_old_ending and sum(counts.values()) == 12
    assert ending not in counts


def test_other_scenarios_and_duplicates_are_ignored(scenario, library):
    attempts = finished_by(scenario, 10)
    other = library.get("de-ouderavond")
    rng = random.Random(19)
    others = [play(other, user, rng) for user in players(5, "elders")]
    data = practice_data(scenario, [*attempts, *others, attempts[0]], now=NOW)
    assert (data.attempts, data.teachers, data.finished) == (10, 10, 10)
    assert decision(data, FIRST).reached == 10


def test_insights_import_neither_streamlit_nor_storage():
    source = (ROOT / "modules" / "play" / "insights.py").read_text(encoding="utf-8")
    assert "streamlit" not in source and "modules.storage" not in source and "tinydb" not in source
