"""Work for the child processes of ``test_postgres_errors_and_races.py`` (spawned: a child imports only the
store, not the test module)."""

from __future__ import annotations

import os
from datetime import timedelta

from modules.records import ThrottleEntry, now
from modules.storage import common
from modules.storage.postgres_store import PostgresStore


def fail_often(url: str, times: int, barrier, limit: int) -> None:
    """Count ``times`` failures on the shared key, each followed by one on a key of its own, with the
    table limited to ``limit`` counters: every write evicts rows the other processes are writing."""
    common.THROTTLE_MAX = limit
    store = PostgresStore(url)
    later = now() + timedelta(hours=1)

    def one_more_locked(entry: ThrottleEntry) -> ThrottleEntry:  # a locked counter is evicted last
        return entry.model_copy(update={"failures": entry.failures + 1, "expires_at": later, "locked_until": later})

    def first(entry: ThrottleEntry) -> ThrottleEntry:  # one failure: among the first to be evicted
        return entry.model_copy(update={"failures": 1, "expires_at": later})

    barrier.wait(60)
    for i in range(times):
        store.update_throttle("signin:gedeeld", one_more_locked)
        # a few keys of its own, written again and again: rows the other processes see and evict
        store.update_throttle(f"signin:ruis-{os.getpid()}-{i % 3}", first)


def take(url: str, ticket_id: str, barrier, results) -> None:
    store = PostgresStore(url)
    barrier.wait(60)
    results.put(store.take_ticket(ticket_id) is not None)
