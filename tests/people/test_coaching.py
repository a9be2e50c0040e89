"""The coach's helpers: timeline, profile over time, filters, cohort aggregates, CSV export."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from datetime import date

import pytest

from modules import dutch
from modules.people import accounts, coaching, sharing
from modules.people.accounts import PermissionDenied
from modules.play import engine, reflection
from modules.records import Attempt, Reflection, Share

PASSWORD = "een-lang-wachtwoord"
TAAL = "de-taalbarriere"
VEEL = "de-veeleisende-ouder"


def played(scenario, pick=lambda choices: choices[0], steps: int | None = None) -> engine.PlayState:
    state = engine.start(scenario)
    while not state.finished and (steps is None or len(state.steps) < steps):
        state, _ = engine.choose(scenario, state, pick(engine.available_choices(scenario, state)).id)
    return state


def attempt(library, scenario_id, when: str, user_id="a" * 32, **kw) -> Attempt:
    scenario = library.get(scenario_id)
    state = played(scenario, **kw)
    return Attempt(
        user_id=user_id,
        scenario_id=scenario_id,
        scenario_title=scenario.title,
        state=state,
        started_at=when,
        updated_at=when,
        finished_at=when if state.finished else None,
    )


def shared(teacher, item: Reflection, shared_at: str) -> sharing.SharedReflection:
    return sharing.SharedReflection(
        teacher, item, Share(reflection_id=item.id, teacher_id=teacher.id, coach_id="c" * 32, shared_at=shared_at)
    )


def note(
    user_id, when: str, scenario_id=TAAL, attempt_id=None, intention="Ik vraag eerst hoe het thuis gaat."
) -> Reflection:
    return Reflection(
        user_id=user_id,
        created_at=when,
        scenario_id=scenario_id,
        scenario_title="",
        attempt_id=attempt_id,
        answers={"ik_wilde": "Ik wilde luisteren."},
        intention=intention,
    )


# --- real accounts, attempts and shares through the real modules ----------------------------


@pytest.fixture
def team(store, library):
    coach = accounts.ensure_account(store, "coach anna", PASSWORD, "coach")
    teachers = [accounts.sign_up(store, name, PASSWORD) for name in ("juf roos", "meester tim")]
    for teacher in teachers:
        sharing.connect_with_code(store, teacher, coach.invite_code)
    return coach, teachers


def play_and_save(store, library, user, scenario_id, **kw) -> Attempt:
    scenario = library.get(scenario_id)
    record = store.create_attempt(
        Attempt(user_id=user.id, scenario_id=scenario_id, scenario_title=scenario.title, state=engine.start(scenario))
    )
    return store.save_attempt(record.model_copy(update={"state": played(scenario, **kw)}))


def write_reflection(store, user, made: Attempt, intention: str, **answers) -> Reflection:
    return store.add_reflection(
        reflection.build(
            user.id,
            answers or {"ik_wilde": "Ik wilde dat de moeder me begreep."},
            intention,
            attempt_id=made.id,
            scenario_id=made.scenario_id,
            scenario_title=made.scenario_title,
        )
    )


# --- timeline -------------------------------------------------------------------------------


def test_timeline_merges_attempts_and_shared_reflections_newest_first(library, store):
    teacher = accounts.sign_up(store, "juf roos", PASSWORD)
    first = attempt(library, TAAL, "2025-01-10T09:00:00+00:00")
    running = attempt(library, VEEL, "2025-03-01T09:00:00+00:00", steps=1)
    written = note(teacher.id, "2025-02-01T09:00:00+00:00", attempt_id=first.id)
    entries = coaching.timeline(
        [first, running], [shared(teacher, written, "2025-02-02T09:00:00+00:00")], library, unread={written.id: 2}
    )

    assert [e.kind for e in entries] == ["attempt", "reflection", "attempt"]
    assert [f"{e.date:%Y-%m-%d}" for e in entries] == ["2025-03-01", "2025-02-01", "2025-01-10"]
    newest, refl, oldest = entries
    assert not newest.finished and newest.steps == 1 and newest.ending_title is None
    assert refl.unread == 2 and refl.scenario_title == "De taalbarrière"
    ending = library.get(TAAL).endings[first.state.ending]
    assert oldest.finished and oldest.ending_title == ending.title and oldest.outcome == ending.outcome.value


def test_profile_rows_follow_the_engine_and_skip_what_cannot_be_replayed(library, catalogue):
    old = attempt(library, TAAL, "2025-01-10T09:00:00+00:00")
    new = attempt(library, TAAL, "2025-02-10T09:00:00+00:00", pick=lambda c: c[-1])
    running = attempt(library, VEEL, "2025-03-01T09:00:00+00:00", steps=1)
    gone = old.model_copy(update={"id": "gone", "scenario_id": "bestaat-niet"})
    changed = old.model_copy(
        update={
            "id": "changed",
            "state": old.state.model_copy(
                update={"steps": [*old.state.steps[:-1], old.state.steps[-1].model_copy(update={"choice": "weg"})]}
            ),
        }
    )

    rows = coaching.profile_rows([new, running, gone, changed, old], library, catalogue)
    assert {r["attempt_id"] for r in rows} == {old.id, new.id}
    assert [r["number"] for r in rows] == sorted(r["number"] for r in rows)  # oldest attempt first
    expected = engine.profile(library.get(TAAL), engine.replay(library.get(TAAL), old.state.choice_ids())).scores
    assert {r["principle_id"]: r["score"] for r in rows if r["attempt_id"] == old.id} == {
        p: s for p, s in expected.items() if s
    }

    balance = coaching.balance_rows(rows)
    assert [b["attempt_id"] for b in balance] == [old.id, new.id]
    assert balance[0]["balance"] == sum(s for s in expected.values())
    assert balance[0]["neglected"] == -sum(s for s in expected.values() if s < 0)


# --- filters --------------------------------------------------------------------------------


def test_filters_by_scenario_principle_and_period(library, catalogue, store):
    teacher = accounts.sign_up(store, "juf roos", PASSWORD)
    taal = attempt(library, TAAL, "2025-01-10T09:00:00+00:00")
    veel = attempt(library, VEEL, "2025-02-10T09:00:00+00:00")
    about_taal = note(teacher.id, "2025-01-11T09:00:00+00:00", attempt_id=taal.id)
    entries = coaching.timeline([taal, veel], [shared(teacher, about_taal, "2025-01-11T10:00:00+00:00")], library)
    rows = coaching.profile_rows([taal, veel], library, catalogue)

    only_taal = coaching.Filters(scenario_id=TAAL)
    assert {e.scenario_id for e in coaching.filter_timeline(entries, only_taal)} == {TAAL}
    assert len(coaching.filter_timeline(entries, only_taal)) == 2
    assert {r["scenario_id"] for r in coaching.filter_rows(rows, only_taal)} == {TAAL}

    in_feb = coaching.Filters(start=date(2025, 2, 1), end=date(2025, 2, 28))
    assert [f"{e.date:%Y-%m-%d}" for e in coaching.filter_timeline(entries, in_feb)] == ["2025-02-10"]
    assert coaching.filter_attempts([taal, veel], in_feb) == [veel]
    assert (
        coaching.filter_timeline(entries, coaching.Filters(start=date(2025, 1, 10), end=date(2025, 1, 10)))[
            0
        ].attempt_id
        == taal.id
    )  # both ends inclusive

    only_veel = {r["principle_id"] for r in rows if r["scenario_id"] == VEEL} - {
        r["principle_id"] for r in rows if r["scenario_id"] == TAAL
    }
    principle = sorted(only_veel)[0]
    by_principle = coaching.Filters(principle_id=principle)
    assert [e.attempt_id for e in coaching.filter_timeline(entries, by_principle)] == [veel.id]
    assert {r["principle_id"] for r in coaching.filter_rows(rows, by_principle)} == {principle}
    shared_taal = sorted({r["principle_id"] for r in rows if r["scenario_id"] == TAAL})[0]
    kept = coaching.filter_timeline(entries, coaching.Filters(principle_id=shared_taal))
    assert about_taal.id in {getattr(e, "reflection_id", None) for e in kept}  # the reflection on that attempt


# --- cohort aggregates ------------------------------------------------------------------------


def test_team_aggregates_count_neglect_and_play_and_name_nobody(store, library, catalogue, team):
    coach, (roos, tim) = team
    a = play_and_save(store, library, roos, TAAL)
    b = play_and_save(store, library, tim, TAAL, pick=lambda c: c[-1])
    play_and_save(store, library, tim, VEEL, steps=2)  # still running
    stranger = accounts.sign_up(store, "niet verbonden", PASSWORD)
    play_and_save(store, library, stranger, VEEL)

    count, attempts = coaching.load_cohort(store, coach)
    overview = coaching.cohort_overview(count, attempts, library, catalogue)
    assert (overview.teachers, overview.attempts, overview.finished) == (2, 3, 2)
    assert overview.small_group
    assert overview.scenarios[0] == {"scenario_id": TAAL, "scenario": "De taalbarrière", "attempts": 2, "finished": 2}
    assert overview.scenarios[1]["finished"] == 0

    scenario = library.get(TAAL)
    negatives = [engine.profile(scenario, x.state).neglected for x in (a, b)]
    expected = {p: (sum(p in n for n in negatives), -sum(n.get(p, 0) for n in negatives)) for n in negatives for p in n}
    assert {r["principle_id"]: (r["attempts"], r["weight"]) for r in overview.neglected} == expected
    assert overview.neglected[0]["attempts"] == max(c for c, _ in expected.values())

    dumped = json.dumps(asdict(overview)).casefold()
    for account in (roos, tim, stranger):
        assert account.username.casefold() not in dumped and account.id not in dumped


def test_team_needs_a_coach(store, team):
    _, (roos, _) = team
    with pytest.raises(PermissionDenied):
        coaching.load_cohort(store, roos)


# --- CSV export -----------------------------------------------------------------------------


def parse(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter=coaching.CSV_DELIMITER))


def test_csv_has_metadata_only_unless_text_is_asked(store, library, team):
    coach, (roos, tim) = team
    made = play_and_save(store, library, roos, TAAL)
    item = write_reflection(
        store,
        roos,
        made,
        "Ik laat de moeder navertellen wat we afspraken.",
        essentie='Ik praatte; zei ze "ja"; begreep ze het?',
    )
    hidden = write_reflection(store, tim, play_and_save(store, library, tim, TAAL), "Dit deel ik niet met de coach.")
    sharing.share_reflection(store, roos, item.id, coach.id)
    sharing.add_comment(store, coach, roos.id, item.id, "Mooi voornemen.")
    sharing.add_comment(store, roos, roos.id, item.id, "Dank je, ik ga het proberen.")

    plain = coaching.export_csv(coaching.load_export(store, coach, library))
    rows = parse(plain)
    assert len(rows) == 1
    assert rows[0]["Leraar"] == "juf roos" and rows[0]["Scenario"] == "De taalbarrière"
    assert rows[0]["Aantal reacties"] == "2" and rows[0]["Nieuwe reactie van leraar"] == "ja"
    assert rows[0]["Datum reflectie"] == dutch.numeric_datetime(item.created_at)  # Dutch time
    assert "navertellen" not in plain and "praatte" not in plain and hidden.intention not in plain

    full_text = coaching.export_csv(coaching.load_export(store, coach, library, include_text=True), include_text=True)
    full = parse(full_text)
    assert full[0][reflection.INTENTION.label] == item.intention
    assert full[0][reflection.label("essentie")] == 'Ik praatte; zei ze "ja"; begreep ze het?'  # quoted properly
    assert hidden.intention not in full_text

    sharing.mark_read(store, coach, roos.id, item.id)
    assert (
        parse(coaching.export_csv(coaching.load_export(store, coach, library)))[0]["Nieuwe reactie van leraar"] == "nee"
    )


def test_csv_cells_cannot_start_a_spreadsheet_formula(store, library):
    coach = accounts.ensure_account(store, "coach anna", PASSWORD, "coach")
    teacher = accounts.sign_up(store, '=HYPERLINK("http://x")', PASSWORD)
    sharing.connect_with_code(store, teacher, coach.invite_code)
    item = write_reflection(
        store,
        teacher,
        play_and_save(store, library, teacher, TAAL),
        "+Ik vraag eerst door.",
        ik_wilde="@SUM(A1:A2)",
        ik_dacht="-2+3",
    )
    sharing.share_reflection(store, teacher, item.id, coach.id)

    row = parse(coaching.export_csv(coaching.load_export(store, coach, library, include_text=True), True))[0]
    assert row["Leraar"] == '\'=HYPERLINK("http://x")'
    assert row[reflection.INTENTION.label] == "'+Ik vraag eerst door."
    assert row[reflection.label("ik_wilde")] == "'@SUM(A1:A2)" and row[reflection.label("ik_dacht")] == "'-2+3"
    assert [coaching.safe_cell(v) for v in ("=1", "\tx", "veilig", 3)] == ["'=1", "'\tx", "veilig", "3"]


# --- sharing decides what the coach sees ----------------------------------------------------


def test_a_withdrawn_reflection_disappears_from_timeline_and_export(store, library, team):
    coach, (roos, _) = team
    made = play_and_save(store, library, roos, TAAL)
    item = write_reflection(store, roos, made, "Ik vraag eerst hoe het thuis gaat.")
    own = write_reflection(store, roos, made, "Deze reflectie houd ik voor mezelf.")
    sharing.share_reflection(store, roos, item.id, coach.id)

    data = coaching.load_teacher(store, coach, roos.id)
    ids = {
        e.reflection_id
        for e in coaching.timeline(data.attempts, data.shared, library, data.unread)
        if isinstance(e, coaching.ReflectionEntry)
    }
    assert ids == {item.id}  # never the unshared one
    assert len(coaching.load_export(store, coach, library)) == 1

    sharing.withdraw_reflection(store, roos, item.id, coach.id)
    data = coaching.load_teacher(store, coach, roos.id)
    entries = coaching.timeline(data.attempts, data.shared, library, data.unread)
    assert [e.kind for e in entries] == ["attempt"]
    assert coaching.load_export(store, coach, library) == []
    assert own.id not in json.dumps([asdict(e) for e in entries], default=str)


def test_unconnected_teacher_is_refused(store, team):
    coach, _ = team
    stranger = accounts.sign_up(store, "niet verbonden", PASSWORD)
    with pytest.raises(PermissionDenied):
        coaching.load_teacher(store, coach, stranger.id)


def test_a_late_evening_in_utc_is_the_same_dutch_day_everywhere(library, catalogue):
    """An attempt finished at 23:30 UTC on 30 November is 1 December in the Netherlands: the timeline,
    the chart and the period filter all say so (before, the chart said 30-11)."""
    late = attempt(library, TAAL, "2025-11-30T23:30:00+00:00")
    (entry,) = coaching.timeline([late], [], library)
    assert coaching.day(entry.date).isoformat() == "2025-12-01"
    rows = coaching.profile_rows([late], library, catalogue)
    assert {r["date"] for r in rows} == {"2025-12-01"} and {r["label"] for r in rows} == {"1 · 01-12"}
    assert {r["day"] for r in rows} == {"1 december 2025"}
    december = coaching.Filters(start=date(2025, 12, 1), end=date(2025, 12, 31))
    assert coaching.filter_timeline([entry], december) == [entry]
