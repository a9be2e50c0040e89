"""Team study sessions (modules/team/sessions.py and the store's team sessions): rules, a whole session, concurrency."""

from __future__ import annotations

import json
import multiprocessing
import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from modules.library.scenarios import load_library
from modules.people import accounts
from modules.people.accounts import CODE_ALPHABET, PermissionDenied
from modules.play import engine
from modules.team import sessions as team
from tests.conftest import open_address, reopen, store_address, stored_text

SCENARIO_ID = "de-taalbarriere"
PASSWORD = "een-lang-testwachtwoord"


@pytest.fixture(scope="module")
def scenario():
    found = load_library().get(SCENARIO_ID)
    assert found is not None, f"bundled scenario {SCENARIO_ID} is missing"
    return found


@pytest.fixture
def facilitator(store):
    return accounts.ensure_account(store, "gespreksleider", PASSWORD, "facilitator")


def _session(store, facilitator, scenario, **options) -> team.TeamSession:
    return team.create(store, facilitator, scenario, **options)


def _guests(store, session, n: int, prefix: str = "gast") -> list[team.Participant]:
    """n guests, each from a browser of its own."""
    return [
        team.join(store, session.code, guest_name=f"{prefix} {i}", device=f"apparaat-{prefix}-{i}")[1] for i in range(n)
    ]


def _choices(scenario, session) -> list[str]:
    return [c.id for c in engine.available_choices(scenario, team.state(session, scenario))]


# --- join codes -------------------------------------------------------------------------------


def test_join_code_is_eight_unambiguous_characters(store, facilitator, scenario):
    codes = [_session(store, facilitator, scenario).code for _ in range(25)]
    for code in codes:
        assert len(code) == team.CODE_LENGTH == 8
        assert team.display_code(code) == f"{code[:4]}-{code[4:]}"
        assert set(code) <= set(CODE_ALPHABET)
        assert not set(code) & set("01OI")
    assert len(set(codes)) == len(codes)


def test_join_code_is_unique_among_open_sessions(store, facilitator, scenario, monkeypatch):
    letters = iter("AAAAAAAA" + "AAAAAAAA" + "BBBBBBBB")
    monkeypatch.setattr(team.secrets, "choice", lambda alphabet: next(letters))
    first = _session(store, facilitator, scenario)
    second = _session(store, facilitator, scenario)  # AAAAAAAA is taken: a new code is drawn
    assert (first.code, second.code) == ("AAAAAAAA", "BBBBBBBB")
    assert team.join(store, "AAAA-AAAA", account=facilitator)[0].id == first.id
    assert team.join(store, "BBBBBBBB", account=facilitator)[0].id == second.id


def test_a_finished_sessions_code_may_be_used_again(store, facilitator, scenario, monkeypatch):
    first = _session(store, facilitator, scenario, projector_only=True)
    state = engine.start(scenario)
    while not state.finished:
        choice = engine.available_choices(scenario, state)[0].id
        team.decide(store, first.id, facilitator, scenario, choice)
        state, _ = engine.choose(scenario, state, choice)
    letters = iter(first.code)
    monkeypatch.setattr(team.secrets, "choice", lambda alphabet: next(letters))
    again = _session(store, facilitator, scenario, allow_guests=True)
    assert again.code == first.code
    assert team.join(store, first.code, guest_name="laat")[0].id == again.id


def test_join_code_is_typed_forgivingly(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    sloppy = f" {session.code[:3].lower()}-{session.code[3:].lower()} "[: team.limits.JOIN_CODE]
    joined, _ = team.join(store, sloppy, guest_name="Sam")
    assert joined.id == session.id


def test_unknown_code_is_refused(store, facilitator, scenario):
    _session(store, facilitator, scenario, allow_guests=True)
    with pytest.raises(team.TeamError) as unknown:
        team.join(store, "ZZZZZZZZ", guest_name="Sam")
    assert str(unknown.value) == team.UNKNOWN_CODE


def test_join_code_expires_but_a_known_participant_may_rejoin(store, facilitator, scenario):
    start = datetime(2025, 3, 1, 13, 0, tzinfo=UTC)
    session = _session(store, facilitator, scenario, allow_guests=True, at=start)
    _, early = team.join(store, session.code, guest_name="Vroeg", device="vroeg", at=start + timedelta(hours=1))
    for hour in range(3, 12, 2):  # a long, busy session: someone joins every two hours, so it never idles
        team.join(store, session.code, guest_name=f"Om {hour} uur", at=start + timedelta(hours=hour))
    just_before = start + team.SESSION_VALID - timedelta(minutes=1)
    team.join(store, session.code, guest_name="Op tijd", at=just_before)

    too_late = start + team.SESSION_VALID + timedelta(minutes=1)
    with pytest.raises(team.TeamError) as late:
        team.join(store, session.code, guest_name="Te laat", at=too_late)
    assert str(late.value) == team.UNKNOWN_CODE  # the same message as for a code that never existed
    again, rejoined = team.join(store, session.code, device="vroeg", at=too_late)
    assert rejoined.id == early.id
    assert again.participant_count == 7


# --- who may join -------------------------------------------------------------------------------


def test_guests_only_when_the_facilitator_allows_them(store, facilitator, scenario):
    closed = _session(store, facilitator, scenario, allow_guests=False)
    with pytest.raises(team.TeamError, match="ingelogd"):
        team.join(store, closed.code, guest_name="Sam")
    teacher = accounts.ensure_account(store, "leraar-een", PASSWORD, "teacher")
    joined, participant = team.join(store, closed.code, account=teacher)
    assert participant.user_id == teacher.id and not participant.guest
    assert participant.name == "leraar-een"
    assert joined.participant_count == 1

    open_ = _session(store, facilitator, scenario, allow_guests=True)
    _, guest = team.join(store, open_.code, guest_name="Sam")
    assert guest.guest and guest.user_id is None and guest.name == "Sam"


@pytest.mark.parametrize("name", ["", "   ", "x" * (team.NAME_MAX + 1), None])
def test_guest_name_must_be_one_to_thirty_characters(store, facilitator, scenario, name):
    session = _session(store, facilitator, scenario, allow_guests=True)
    with pytest.raises(team.TeamError, match=f"1 tot {team.NAME_MAX} tekens"):
        team.join(store, session.code, guest_name=name)
    assert team.load(store, session.id).participants == []


def test_guest_name_spacing_is_tidied(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    _, guest = team.join(store, session.code, guest_name="  Juf   Anna \n")
    assert guest.name == "Juf Anna"
    _, longest = team.join(store, session.code, guest_name="y" * team.NAME_MAX)
    assert len(longest.name) == team.NAME_MAX


def test_only_facilitators_and_coaches_start_a_session(store, scenario):
    teacher = accounts.ensure_account(store, "alleen-leraar", PASSWORD, "teacher")
    with pytest.raises(PermissionDenied):
        team.create(store, teacher, scenario)
    coach = accounts.ensure_account(store, "een-coach", PASSWORD, "coach")
    assert team.create(store, coach, scenario).facilitator_id == coach.id


# --- rejoin keeps the participant and the vote ------------------------------------------------------


def test_rejoin_by_account_or_browser_keeps_participant_and_vote(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    teacher = accounts.ensure_account(store, "leraar-twee", PASSWORD, "teacher")
    _, member = team.join(store, session.code, account=teacher)
    _, guest = team.join(store, session.code, guest_name="Gast", device="browser-van-gast")
    first, second = _choices(scenario, session)[:2]
    team.vote(store, session.id, member.id, 0, first, "Past bij de ouder", scenario)
    team.vote(store, session.id, guest.id, 0, second, scenario=scenario)

    again, member_again = team.join(store, session.code, account=teacher)
    again, guest_again = team.join(store, session.code, device="browser-van-gast")
    assert (member_again.id, guest_again.id) == (member.id, guest.id)
    assert again.participant_count == 2 and len(again.participants) == 2
    assert again.vote_of(member.id).choice_id == first
    assert again.vote_of(member.id).reason == "Past bij de ouder"
    assert again.vote_of(guest.id).choice_id == second

    # another browser (a copied link) is a new participant, not a stolen identity
    _, stranger = team.join(store, session.code, guest_name="Gast", device="andere-browser")
    assert stranger.id != guest.id
    assert team.load(store, session.id).vote_of(stranger.id) is None


def test_late_joiner_enters_at_the_current_decision(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    (early,) = _guests(store, session, 1)
    choice = _choices(scenario, session)[0]
    team.vote(store, session.id, early.id, 0, choice, scenario=scenario)
    team.reveal(store, session.id, facilitator)
    team.decide(store, session.id, facilitator, scenario)

    joined, late = team.join(store, session.code, guest_name="Laat")
    assert joined.step == 1 and joined.phase == "voting"
    assert team.state(joined, scenario).node != scenario.start
    team.vote(store, session.id, late.id, 1, _choices(scenario, joined)[0], scenario=scenario)
    voted = team.load(store, session.id)
    assert team.tally(voted, scenario).voters == 1


# --- votes --------------------------------------------------------------------------------------------


def test_one_vote_per_participant_changeable_until_reveal(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    (p,) = _guests(store, session, 1)
    first, second = _choices(scenario, session)[:2]
    team.vote(store, session.id, p.id, 0, first, "eerst dit", scenario)
    team.vote(store, session.id, p.id, 0, second, "toch dit", scenario)
    changed = team.load(store, session.id)
    assert len(changed.current_votes()) == 1
    result = team.tally(changed, scenario)
    assert result.voters == 1
    assert result.counts[first] == 0 and result.counts[second] == 1
    assert [r.text for r in result.reasons] == ["toch dit"]


def test_a_nul_character_in_a_reason_or_a_name_is_left_out_not_a_crash(store, facilitator, scenario):
    # PostgreSQL's jsonb refuses U+0000; a crafted browser message may carry one. Both stores drop it.
    session = _session(store, facilitator, scenario, allow_guests=True)
    _, guest = team.join(store, session.code, guest_name="gast\x00een")
    choice = _choices(scenario, session)[0]
    team.vote(store, session.id, guest.id, 0, choice, "omdat\x00 het \\u0000 kan", scenario)
    held = team.load(store, session.id)
    assert [p.name for p in held.participants] == ["gasteen"]
    assert [r.text for r in team.tally(held, scenario).reasons] == ["omdat het \\u0000 kan"]


def test_vote_after_reveal_is_refused_with_a_clear_message(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    voter, late = _guests(store, session, 2)
    first, second = _choices(scenario, session)[:2]
    team.vote(store, session.id, voter.id, 0, first, scenario=scenario)
    team.reveal(store, session.id, facilitator)
    for who, choice in ((voter, second), (late, first)):
        with pytest.raises(team.TeamError) as refused:
            team.vote(store, session.id, who.id, 0, choice, scenario=scenario)
        assert str(refused.value) == "De stemming voor deze keuze is al gesloten."
    after = team.load(store, session.id)
    assert [(v.participant_id, v.choice_id) for v in after.current_votes()] == [(voter.id, first)]


def test_vote_for_the_wrong_step_or_an_unknown_choice_is_refused(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    (p,) = _guests(store, session, 1)
    choice = _choices(scenario, session)[0]
    for step in (1, -1):
        with pytest.raises(team.TeamError, match="gesloten"):
            team.vote(store, session.id, p.id, step, choice, scenario=scenario)
    with pytest.raises(team.TeamError, match="kan nu niet gekozen worden"):
        team.vote(store, session.id, p.id, 0, "bestaat-niet", scenario=scenario)
    with pytest.raises(team.TeamError, match="doet niet mee"):
        team.vote(store, session.id, "0" * 32, 0, choice, scenario=scenario)
    assert team.load(store, session.id).votes == []


def test_a_vote_for_a_past_decision_is_refused(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    (p,) = _guests(store, session, 1)
    old_choice = _choices(scenario, session)[0]
    team.vote(store, session.id, p.id, 0, old_choice, scenario=scenario)
    team.reveal(store, session.id, facilitator)
    moved = team.decide(store, session.id, facilitator, scenario)
    with pytest.raises(team.TeamError, match="gesloten"):  # a device still showing the old scene
        team.vote(store, session.id, p.id, 0, old_choice, scenario=scenario)
    assert team.tally(team.load(store, session.id), scenario).voters == 0
    assert moved.step == 1


def test_reason_is_one_line_of_at_most_140_characters(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    (p,) = _guests(store, session, 1)
    choice = _choices(scenario, session)[0]
    with pytest.raises(team.TeamError, match=f"hoogstens {team.REASON_MAX} tekens"):
        team.vote(store, session.id, p.id, 0, choice, "x" * (team.REASON_MAX + 1), scenario)
    team.vote(store, session.id, p.id, 0, choice, "  twee\nregels  ", scenario)
    voted = team.load(store, session.id)
    assert voted.vote_of(p.id).reason == "twee regels"


# --- reveal and decide ---------------------------------------------------------------------------------


def test_only_the_sessions_facilitator_can_reveal_and_decide(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    (p,) = _guests(store, session, 1)
    team.vote(store, session.id, p.id, 0, _choices(scenario, session)[0], scenario=scenario)
    other = accounts.ensure_account(store, "andere-leider", PASSWORD, "facilitator")
    teacher = accounts.ensure_account(store, "deelnemer", PASSWORD, "teacher")
    for actor in (other, teacher):
        with pytest.raises(team.TeamError, match="Alleen de gespreksleider"):
            team.reveal(store, session.id, actor)
    assert team.load(store, session.id).phase == "voting"
    team.reveal(store, session.id, facilitator)
    for actor in (other, teacher):
        with pytest.raises(team.TeamError, match="Alleen de gespreksleider"):
            team.decide(store, session.id, actor, scenario)
    assert team.load(store, session.id).step == 0


def test_decide_needs_the_reveal_first(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    (p,) = _guests(store, session, 1)
    team.vote(store, session.id, p.id, 0, _choices(scenario, session)[0], scenario=scenario)
    with pytest.raises(team.TeamError, match="Laat eerst de stemmen zien"):
        team.decide(store, session.id, facilitator, scenario)


def test_decide_picks_the_majority(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    people = _guests(store, session, 5)
    a, b, c = _choices(scenario, session)[:3]
    for person, choice in zip(people, (a, b, b, c, b), strict=True):
        team.vote(store, session.id, person.id, 0, choice, scenario=scenario)
    team.reveal(store, session.id, facilitator)
    decided = team.decide(store, session.id, facilitator, scenario)
    assert decided.choices == [b]
    (decision,) = decided.decisions
    assert (decision.chosen, decision.majority, decision.voters) == (b, b, 5)
    assert decision.tally == {choice: {a: 1, b: 3, c: 1}.get(choice, 0) for choice in _choices(scenario, session)}
    assert decision.node_id == scenario.start
    assert decided.phase == "voting" and decided.current_votes() == []


def test_decide_refuses_a_tie_without_an_explicit_choice(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    people = _guests(store, session, 4)
    a, b = _choices(scenario, session)[:2]
    for person, choice in zip(people, (a, b, a, b), strict=True):
        team.vote(store, session.id, person.id, 0, choice, scenario=scenario)
    revealed = team.reveal(store, session.id, facilitator)
    assert team.tally(revealed, scenario).majority is None
    with pytest.raises(team.TeamError, match="geen meerderheid"):
        team.decide(store, session.id, facilitator, scenario)
    assert team.load(store, session.id).step == 0
    decided = team.decide(store, session.id, facilitator, scenario, b)
    assert decided.choices == [b]
    assert decided.decisions[0].majority is None


def test_nobody_voted_means_the_facilitator_chooses(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    team.reveal(store, session.id, facilitator)
    with pytest.raises(team.TeamError, match="geen meerderheid"):
        team.decide(store, session.id, facilitator, scenario)
    choice = _choices(scenario, session)[1]
    assert team.decide(store, session.id, facilitator, scenario, choice).choices == [choice]


def test_facilitator_may_override_the_majority_after_discussion(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    people = _guests(store, session, 3)
    a, b = _choices(scenario, session)[:2]
    for person in people:
        team.vote(store, session.id, person.id, 0, a, scenario=scenario)
    team.reveal(store, session.id, facilitator)
    decided = team.decide(store, session.id, facilitator, scenario, b)
    assert decided.choices == [b]
    assert (decided.decisions[0].chosen, decided.decisions[0].majority) == (b, a)


def test_decide_refuses_a_choice_that_is_not_available(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, projector_only=True)
    with pytest.raises(engine.EngineError):
        team.decide(store, session.id, facilitator, scenario, "bestaat-niet")
    assert team.load(store, session.id).choices == []


def test_projector_only_session_decides_without_reveal(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, projector_only=True)
    state = engine.start(scenario)
    path = []
    while not state.finished:
        choice = engine.available_choices(scenario, state)[-1].id
        current = team.decide(store, session.id, facilitator, scenario, choice)
        state, _ = engine.choose(scenario, state, choice)
        path.append(choice)
    assert current.choices == path
    assert current.status == "finished" and current.phase == "ended"
    assert team.state(current, scenario).ending == state.ending
    assert all(d.voters == 0 and d.majority is None for d in current.decisions)


def test_a_finished_session_refuses_votes_and_decisions(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True, projector_only=True)
    (p,) = _guests(store, session, 1)
    state = engine.start(scenario)
    while not state.finished:
        choice = engine.available_choices(scenario, state)[0].id
        team.decide(store, session.id, facilitator, scenario, choice)
        state, _ = engine.choose(scenario, state, choice)
    finished = team.load(store, session.id)
    with pytest.raises(team.TeamError, match="gesloten"):
        team.vote(store, session.id, p.id, finished.step, "portaal")
    with pytest.raises(team.TeamError, match="al afgelopen"):
        team.decide(store, session.id, facilitator, scenario, "portaal")
    with pytest.raises(team.TeamError) as closed:
        team.join(store, session.code, guest_name="Te laat")
    assert str(closed.value) == team.UNKNOWN_CODE


# --- a whole session -------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", sorted(s.id for s in load_library().sorted()))
def test_whole_session_to_an_ending_keeps_only_the_anonymous_record(store, facilitator, scenario_id):
    """Every bundled scenario plays to an ending as a team session."""
    scenario = load_library().get(scenario_id)
    session = _session(store, facilitator, scenario, allow_guests=True, show_names=True)
    teacher = accounts.ensure_account(store, "leraar-drie", PASSWORD, "teacher")
    _, member = team.join(store, session.code, account=teacher)
    _, guest_a = team.join(store, session.code, guest_name="Gastnaam Alfa")
    _, guest_b = team.join(store, session.code, guest_name="Gastnaam Beta")
    people = [member, guest_a, guest_b]

    current, expected_path, step = team.load(store, session.id), [], 0
    while current.status == "open":
        options = _choices(scenario, current)
        picks = [options[0], options[0], options[1]]
        for person, pick in zip(people, picks, strict=True):
            team.vote(store, session.id, person.id, step, pick, f"reden {step} van {person.id[:4]}", scenario)
        revealed = team.reveal(store, session.id, facilitator)
        shown = team.tally(revealed, scenario)
        assert shown.voters == 3 and shown.majority == options[0]
        assert {r.name for r in shown.reasons} == {"leraar-drie", "Gastnaam Alfa", "Gastnaam Beta"}  # show_names
        current = team.decide(store, session.id, facilitator, scenario)
        expected_path.append(options[0])
        step += 1

    ended = team.load(store, session.id)
    assert ended.status == "finished" and ended.phase == "ended" and ended.finished_at
    assert ended.scenario_id == scenario.id and ended.scenario_title == scenario.title
    assert ended.choices == expected_path
    assert team.state(ended, scenario).finished
    assert ended.participant_count == 3
    assert len(ended.decisions) == len(expected_path) >= 5
    for i, decision in enumerate(ended.decisions):
        assert decision.step == i and decision.voters == 3
        assert sorted(decision.tally.values(), reverse=True)[:2] == [2, 1]
        assert decision.tally[decision.chosen] == 2
        assert len(decision.reasons) == 3
        assert all(r.name is None for r in decision.reasons), "kept reasons must be anonymous"
    assert ended.votes == []
    assert [p.name for p in ended.participants if p.guest] == ["", ""]
    path_texts = [text for _, text in team.debrief_path(ended, scenario)]
    assert len(path_texts) == len(expected_path) and all(path_texts)

    assert "Gastnaam" not in stored_text(store)
    listed = [s for s in store.list_team_sessions(facilitator.id) if s.id == session.id]
    assert [s.status for s in listed] == ["finished"], "the facilitator finds the finished session under Mijn sessies"


# --- pure helpers -------------------------------------------------------------------------------------------


def _decision(step: int, tally: dict[str, int]) -> team.Decision:
    voters = sum(tally.values())
    return team.Decision(step=step, node_id=f"n{step}", tally=tally, voters=voters, chosen=max(tally, key=tally.get))


def test_disagreements_rank_the_most_split_decisions():
    session = team.TeamSession(
        code="ABCDEF",
        facilitator_id="f",
        scenario_id="s",
        decisions=[
            _decision(0, {"a": 6, "b": 0}),  # everyone agreed
            _decision(1, {"a": 3, "b": 3}),  # split in two
            _decision(2, {"a": 4, "b": 2}),
            _decision(3, {"a": 2, "b": 2, "c": 2}),  # split in three: most disagreement
            _decision(4, {"a": 1}),  # one voter cannot disagree
            _decision(5, {"a": 5, "b": 1}),
        ],
    )
    assert [d.step for d in team.disagreements(session)] == [3, 1, 2]
    assert [d.step for d in team.disagreements(session, top=10)] == [3, 1, 2, 5]
    assert session.decisions[0].disagreement == 0 and session.decisions[4].disagreement == 0
    unanimous = team.TeamSession(
        code="ABCDEF", facilitator_id="f", scenario_id="s", decisions=[_decision(0, {"a": 4, "b": 0})]
    )
    assert team.disagreements(unanimous) == []


def test_discussion_prompt_uses_the_authored_prompt(scenario, catalogue):
    node_id = scenario.start
    authored = scenario.nodes[node_id].discussion
    assert authored, "the bundled scenario has an authored prompt at its start"
    assert team.discussion_prompt(scenario, node_id, catalogue) == authored.strip()


def test_discussion_prompt_is_derived_from_the_principles_without_one(scenario, catalogue):
    node_id = scenario.start
    node = scenario.nodes[node_id].model_copy(update={"discussion": None})
    bare = scenario.model_copy(update={"nodes": {**scenario.nodes, node_id: node}})
    prompt = team.discussion_prompt(bare, node_id, catalogue)
    first_principle = next(iter(node.choices[0].principles))
    assert catalogue.get(first_principle).name in prompt
    assert prompt.endswith("?")
    assert prompt != scenario.nodes[node_id].discussion


# --- concurrency ------------------------------------------------------------------------------------------

PARTICIPANTS = 60


def _crowd(store, facilitator, scenario, n=PARTICIPANTS):
    session = _session(store, facilitator, scenario, allow_guests=True)
    people = _guests(store, session, n, prefix="deelnemer")
    return session, people


def _run_at_once(jobs) -> list[BaseException]:
    """Start one thread per job, release them together with a barrier; returns the errors raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads), "a voter hung"
    return errors


def test_sixty_participants_vote_at_the_same_moment(store, facilitator, scenario):
    session, people = _crowd(store, facilitator, scenario)
    options = _choices(scenario, session)
    wanted = {p.id: options[i % len(options)] for i, p in enumerate(people)}

    def voter(person):
        own_store = reopen(store)  # as if served by another session thread
        return lambda: team.vote(own_store, session.id, person.id, 0, wanted[person.id], f"r{person.id}", scenario)

    assert _run_at_once([voter(p) for p in people]) == []
    final = team.load(store, session.id)
    result = team.tally(final, scenario)
    assert result.voters == PARTICIPANTS
    assert len(final.votes) == PARTICIPANTS
    assert sorted(v.participant_id for v in final.votes) == sorted(wanted)
    assert result.counts == dict(Counter(wanted.values()))
    assert len(result.reasons) == PARTICIPANTS


def test_sixty_participants_vote_and_some_change_their_vote_at_once(store, facilitator, scenario):
    session, people = _crowd(store, facilitator, scenario)
    options = _choices(scenario, session)
    rng = random.Random(4)
    plans = {p.id: [rng.choice(options) for _ in range(1 + (i % 3))] for i, p in enumerate(people)}

    def voter(person):
        def run():
            for choice in plans[person.id]:
                team.vote(store, session.id, person.id, 0, choice, scenario=scenario)

        return run

    assert _run_at_once([voter(p) for p in people]) == []
    final = team.load(store, session.id)
    last = {pid: plan[-1] for pid, plan in plans.items()}
    assert {v.participant_id: v.choice_id for v in final.current_votes()} == last
    assert len(final.votes) == PARTICIPANTS
    assert team.tally(final, scenario).counts == {c: list(last.values()).count(c) for c in options}


def test_votes_racing_the_reveal_are_either_counted_or_refused(store, facilitator, scenario):
    session, people = _crowd(store, facilitator, scenario, n=30)
    choice = _choices(scenario, session)[0]
    accepted: list[str] = []

    def voter(person):
        def run():
            try:
                team.vote(store, session.id, person.id, 0, choice, scenario=scenario)
                accepted.append(person.id)
            except team.TeamError as exc:
                assert "gesloten" in str(exc)

        return run

    jobs = [voter(p) for p in people] + [lambda: team.reveal(store, session.id, facilitator)]
    assert _run_at_once(jobs) == []
    final = team.load(store, session.id)
    assert final.phase == "revealed"
    assert sorted(v.participant_id for v in final.current_votes()) == sorted(accepted)


def _process_voters(address: str, session_id: str, people: list[str], choice_ids: list[str], barrier) -> None:
    """One process: its participants vote from their own threads once every process is ready."""
    scenario = load_library().get(SCENARIO_ID)
    store = open_address(address)
    local = threading.Barrier(len(people) + 1)
    errors: list[BaseException] = []

    def run(pid, choice):
        try:
            local.wait(timeout=60)
            team.vote(store, session_id, pid, 0, choice, f"uit proces voor {pid}", scenario)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(pid, c)) for pid, c in zip(people, choice_ids, strict=True)]
    for t in threads:
        t.start()
    barrier.wait(timeout=60)  # every process has its threads waiting
    local.wait(timeout=60)
    for t in threads:
        t.join(120)
    if errors:
        raise SystemExit(f"{len(errors)} votes failed: {errors[0]!r}")


def test_four_processes_of_fifteen_participants_vote_at_once(store, facilitator, scenario):
    session, people = _crowd(store, facilitator, scenario)
    options = _choices(scenario, session)
    wanted = {p.id: options[i % len(options)] for i, p in enumerate(people)}
    ids = list(wanted)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(4)
    procs = [
        ctx.Process(
            target=_process_voters,
            args=(store_address(store), session.id, ids[i::4], [wanted[p] for p in ids[i::4]], barrier),
        )
        for i in range(4)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    final = team.load(store, session.id)
    assert {v.participant_id: v.choice_id for v in final.current_votes()} == wanted
    assert len(final.votes) == PARTICIPANTS
    assert team.tally(final, scenario).counts == dict(Counter(wanted.values()))


def test_sixty_participants_join_at_the_same_moment(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    joined: list[team.Participant] = []
    jobs = [
        lambda i=i: joined.append(team.join(store, session.code, guest_name=f"tegelijk {i}")[1])
        for i in range(PARTICIPANTS)
    ]
    assert _run_at_once(jobs) == []
    final = team.load(store, session.id)
    assert final.participant_count == len(final.participants) == PARTICIPANTS
    assert sorted(p.id for p in final.participants) == sorted(p.id for p in joined)


def test_facilitator_polling_during_a_vote_storm_always_sees_the_session(store, facilitator, scenario):
    """The facilitator's live count reads without the lock: it must never miss the session or go down."""
    session, people = _crowd(store, facilitator, scenario, n=40)
    choice = _choices(scenario, session)[0]
    seen: list[int] = []
    poll_errors: list[BaseException] = []
    done = threading.Event()

    def poll():
        reader = reopen(store)
        while not done.is_set():
            try:
                seen.append(team.tally(team.load(reader, session.id), scenario).voters)
            except BaseException as exc:  # noqa: BLE001 - reported to the test
                poll_errors.append(exc)
                return

    def voter(person):
        return lambda: team.vote(store, session.id, person.id, 0, choice, scenario=scenario)

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        errors = _run_at_once([voter(p) for p in people])
    finally:
        done.set()
        poller.join(30)
    assert errors == [] and poll_errors == []
    assert team.tally(team.load(store, session.id), scenario).voters == 40
    assert seen, "the facilitator's screen never polled"
    assert seen == sorted(seen), "the live count went down"


def test_a_reader_never_sees_a_half_written_session(store, facilitator, scenario):
    session, people = _crowd(store, facilitator, scenario, n=5)
    options = _choices(scenario, session)
    missing = []
    done = threading.Event()

    def read():
        reader = reopen(store)
        while not done.is_set():
            if reader.get_team_session(session.id) is None or reader.find_team_session(session.code) is None:
                missing.append(1)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    for i in range(100):
        team.vote(store, session.id, people[i % 5].id, 0, options[i % len(options)], scenario=scenario)
    done.set()
    for t in readers:
        t.join(30)
    assert missing == []


# --- which session a browser or an account may see ------------------------------------------------


def test_only_a_participant_reflects_on_a_session(store, facilitator, scenario):
    session = _session(store, facilitator, scenario)
    anna = accounts.ensure_account(store, "juf-anna", PASSWORD, "teacher")
    bert = accounts.ensure_account(store, "meester-bert", PASSWORD, "teacher")
    team.join(store, session.code, account=anna)
    assert team.taken_part(store, session.id, anna).id == session.id
    assert team.taken_part(store, session.id, bert) is None
    assert team.taken_part(store, "bestaat-niet", anna) is None
    assert team.taken_part(store, None, anna) is None


def test_only_its_facilitator_leads_a_session(store, facilitator, scenario):
    session = _session(store, facilitator, scenario)
    other = accounts.ensure_account(store, "andere-leider", PASSWORD, "facilitator")
    assert team.led_by(store, session.id, facilitator).id == session.id
    assert team.led_by(store, session.id, other) is None
    assert team.led_by(store, None, facilitator) is None


def test_a_browser_finds_its_own_participant_and_never_someone_elses(store, facilitator, scenario):
    session = _session(store, facilitator, scenario, allow_guests=True)
    anna = accounts.ensure_account(store, "juf-anna", PASSWORD, "teacher")
    bert = accounts.ensure_account(store, "meester-bert", PASSWORD, "teacher")
    _, annas = team.join(store, session.code, account=anna)
    _, guest = team.join(store, session.code, guest_name="Sam", device="apparaat-sam")
    assert team.participation(store, session.id, None, anna, None).participant.id == annas.id
    assert team.participation(store, session.id, None, None, "apparaat-sam").participant.id == guest.id
    # Anna's participant id, remembered in a browser where Bert signed in afterwards, is not Bert's.
    taken = team.participation(store, session.id, annas.id, bert, None)
    assert taken.session.id == session.id and taken.participant is None
    assert team.participation(store, session.id, None, None, "ander-apparaat").participant is None
    assert team.participation(store, "bestaat-niet", None, anna, None).session is None


@pytest.mark.tinydb_only
def test_a_vote_is_a_line_of_its_own_until_the_session_takes_it_in(store, facilitator, scenario):
    """Voters do not queue for the session document: a vote appends one line to the session's vote
    log, which the next change of the session (here the reveal) takes in and removes."""
    session, people = _crowd(store, facilitator, scenario, n=5)
    options = _choices(scenario, session)
    session_file = store.root / "sessions" / f"{session.id}.json"
    before = session_file.read_bytes()
    for i, person in enumerate(people):
        team.vote(store, session.id, person.id, 0, options[i % len(options)], f"reden {i}", scenario)
    assert session_file.read_bytes() == before, "votes do not rewrite the session document"
    log = store.root / "sessions" / session.id / "votes.jsonl"
    assert len([line for line in log.read_bytes().split(b"\n") if line]) == 5
    assert team.tally(team.load(store, session.id), scenario).voters == 5
    team.reveal(store, session.id, facilitator)
    assert not log.exists()
    revealed = team.load(store, session.id)
    assert revealed.phase == "revealed" and len(revealed.current_votes()) == 5
    assert sorted(v.reason for v in revealed.current_votes()) == [f"reden {i}" for i in range(5)]


@pytest.mark.tinydb_only
def test_a_torn_vote_line_costs_only_itself(store, facilitator, scenario):
    """A vote cut off by a crash or a full disk is skipped; the votes before and after it count."""
    session, people = _crowd(store, facilitator, scenario, n=3)
    options = _choices(scenario, session)
    team.vote(store, session.id, people[0].id, 0, options[0], "", scenario)
    log = store.root / "sessions" / session.id / "votes.jsonl"
    with log.open("ab") as handle:
        handle.write(b'\n{"step":0,"participant_id":"' + people[1].id.encode())  # killed mid-write
    assert team.tally(team.load(store, session.id), scenario).voters == 1
    team.vote(store, session.id, people[2].id, 0, options[1], "", scenario)
    counted = team.load(store, session.id).current_votes()
    assert sorted(v.participant_id for v in counted) == sorted([people[0].id, people[2].id])


@pytest.mark.tinydb_only
def test_votes_saved_as_files_before_the_log_still_count(store, facilitator, scenario):
    """Data folders from before the vote log kept each vote in sessions/<id>/votes/<participant>.json."""
    session, people = _crowd(store, facilitator, scenario, n=2)
    options = _choices(scenario, session)
    legacy = store.root / "sessions" / session.id / "votes" / f"{people[0].id}.json"
    legacy.parent.mkdir(parents=True)
    old = {
        "step": 0,
        "participant_id": people[0].id,
        "choice_id": options[0],
        "reason": "oud",
        "at": "2026-12-01T10:00:00+00:00",
    }
    legacy.write_text(json.dumps({"vote": {"1": old}}))
    team.vote(store, session.id, people[1].id, 0, options[1], "nieuw", scenario)
    assert team.tally(team.load(store, session.id), scenario).voters == 2
    team.reveal(store, session.id, facilitator)
    assert not legacy.parent.exists()
    assert sorted(v.reason for v in team.load(store, session.id).current_votes()) == ["nieuw", "oud"]
