"""Work for the child processes of ``test_postgres_store.py``: kept apart so a spawned child imports
only the store and the records (a child that imports the test module pays for the whole app)."""

from __future__ import annotations

import threading
import time

from modules.records import Attempt, PlayState, Reflection, TeamSession, Vote
from modules.storage.postgres_store import PostgresStore


def count_up(url: str, session_id: str, times: int, barrier) -> None:
    """Add one to the session's participant count, ``times`` times, once every process is ready."""
    store = PostgresStore(url)
    barrier.wait(60)
    for _ in range(times):
        store.update_team_session(
            session_id, lambda s: s.model_copy(update={"participant_count": s.participant_count + 1})
        )


def vote_racing(url: str, session_id: str, people: list[str], barrier, accepted) -> None:
    """Each participant votes from a thread of its own once every process is ready (and the parent,
    which reveals then); puts the ids of the votes the store accepted on ``accepted``."""
    store = PostgresStore(url)
    store.get_team_session(session_id)  # the page showed the decision: this process knows the session
    local = threading.Barrier(len(people) + 1)
    taken: list[str] = []

    def check(session: TeamSession) -> None:
        if session.phase != "voting":
            raise Refused("closed")

    def run(pid: str) -> None:
        local.wait(60)
        try:
            store.save_vote(session_id, Vote(step=0, participant_id=pid, choice_id="a"), check)
            taken.append(pid)
        except Refused:
            pass

    threads = [threading.Thread(target=run, args=(pid,)) for pid in people]
    for t in threads:
        t.start()
    barrier.wait(60)
    local.wait(60)
    for t in threads:
        t.join(60)
    accepted.put(taken)


class Refused(Exception):
    pass


def write_then_hang(url: str, user_id: str, session_id: str) -> None:
    """Writes inside one transaction (an attempt, a reflection, a changed session), then hangs before
    it commits: the parent kills it with SIGKILL."""
    store = PostgresStore(url)
    state = PlayState(scenario_id="s", node="a", variables={})

    def change(s: TeamSession) -> TeamSession:
        store.create_attempt(Attempt(user_id=user_id, scenario_id="half", state=state))
        store.add_reflection(Reflection(user_id=user_id, answers={"ik_wilde": "Half geschreven"}, intention="Nooit."))
        print("written", flush=True)
        time.sleep(600)
        return s.model_copy(update={"scenario_title": "half"})

    store.update_team_session(session_id, change)


if __name__ == "__main__":
    import sys

    write_then_hang(*sys.argv[1:])
