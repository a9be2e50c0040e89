"""Learning records to a Learning Record Store: queued when saved, sent from the queue, retried until they arrive.

Only with ``SAMENSPEL_LRS_URL`` (the LRS's xAPI endpoint, e.g. ``https://lrs.school.nl/xAPI/``; statements go
to ``<endpoint>/statements``) and ``SAMENSPEL_LRS_KEY`` / ``SAMENSPEL_LRS_SECRET`` (HTTP basic auth). Then:

- **Queued when saved.** ``start`` registers ``queue_saved`` with ``modules.play.practice``, which tells it
  of every attempt and reflection saved; it puts that save's statements (``xapi.new_statements``,
  ``xapi.reflection_statement``) into the store's outbox (``modules.storage.outbox.open_outbox``: a
  table of the database on PostgreSQL, shared by every app server; a folder in the data folder on
  TinyDB). The demo's data is never queued.
- **Sent from the queue** by ``drain``: batches of ``BATCH`` statements, POSTed with
  ``X-Experience-API-Version: 1.0.3``. 200/204 mark a batch sent; 409 (a statement with that id is
  stored already) counts as sent for a single statement. A batch the LRS refuses with another 4xx is
  halved until the statement at fault stands alone, and that one is set aside with the LRS's answer (a
  poison statement never blocks the queue); 409 for a batch is halved the same way, so the batch's new
  statements are not lost. The LRS being down (no connection, a timeout, 5xx, 429) stops the round and
  leaves everything pending; so do 401, 403, 404, 405 and 407, which say the LRS refuses *us* (a wrong
  key, secret or address): setting every statement aside for a typo would lose them all.
- **Retried** by a background thread per process and outbox (``start``; a daemon), which drains the
  queue when told of a save and at least every ``POLL`` seconds, and after a failure waits 1, 2, 4 ...
  seconds up to ``MAX_BACKOFF`` (or the LRS's ``Retry-After``), with jitter. One sender at a time per
  outbox (``Outbox.sending``), so two processes (or app servers on one database) never post the same new
  statement at once. The command
  ``python -m modules xapi send`` drains the queue by hand.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from modules import settings
from modules.content.scenario import Scenario
from modules.exchange import xapi
from modules.library.scenarios import Library
from modules.play import practice
from modules.records import Account, Attempt, Reflection
from modules.storage import Store
from modules.storage.outbox import Entry, Outbox, open_outbox

log = logging.getLogger("samenspel")

VERSION = "1.0.3"
BATCH = 50
TIMEOUT = 10.0  # seconds for one POST
POLL = 30.0  # seconds: the background sender looks at the queue at least this often (other processes queue too)
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 300.0
REFUSES_US = {401, 403, 404, 405, 407}  # the LRS refuses the sender, not a statement: wait as when it is down
ENQUEUE_CHUNK = 500  # statements per append when the whole history is queued


@dataclass(frozen=True)
class Lrs:
    url: str
    key: str
    secret: str
    timeout: float = TIMEOUT

    @property
    def statements_url(self) -> str:
        url = self.url.rstrip("/")
        return url if url.endswith("/statements") else url + "/statements"


def configured() -> Lrs | None:
    """The LRS of this deployment, or None when ``SAMENSPEL_LRS_URL`` is unset."""
    url = settings.lrs_url()
    if url is None:
        return None
    key, secret = settings.lrs_credentials()
    return Lrs(url, key, secret)


@dataclass(frozen=True)
class Answer:
    status: int
    body: str = ""
    retry_after: float | None = None


class Unavailable(Exception):
    """The LRS cannot take statements now (down, overloaded, or refusing this sender); try again later."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: the backoff decides


def post(lrs: Lrs, statements: list[xapi.Statement]) -> Answer:
    """POST statements to the LRS; ``Unavailable`` when it cannot be reached."""
    token = base64.b64encode(f"{lrs.key}:{lrs.secret}".encode()).decode("ascii")
    request = urllib.request.Request(
        lrs.statements_url,
        data=json.dumps(statements, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Experience-API-Version": VERSION,
            "Authorization": f"Basic {token}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=lrs.timeout) as response:  # noqa: S310 - the configured LRS
            return Answer(response.status, response.read(4000).decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        body = exc.read(4000).decode("utf-8", "replace") if exc.fp is not None else ""
        return Answer(exc.code, body, _retry_after(exc.headers.get("Retry-After") if exc.headers else None))
    except (urllib.error.URLError, OSError) as exc:  # refused, unreachable, timed out, reset
        raise Unavailable(f"cannot reach the LRS at {lrs.statements_url}: {exc}") from exc


Post = Callable[[Lrs, list[xapi.Statement]], Answer]


@dataclass
class Report:
    sent: int = 0
    set_aside: int = 0
    pending: int = 0
    stopped: str | None = None  # why the round stopped with statements pending (the LRS is down)
    retry_after: float | None = None
    busy: bool = False  # another sender has the outbox's turn


def drain(outbox: Outbox, lrs: Lrs, *, batch: int = BATCH, send: Post = post) -> Report:
    """Send everything pending, batch by batch, until the queue is empty or the LRS is unavailable."""
    report = Report()
    with outbox.sending() as mine:
        if not mine:
            report.busy = True
        else:
            try:
                while entries := outbox.take(batch):
                    _deliver(outbox, lrs, entries, send, report)
            except Unavailable as exc:
                report.stopped, report.retry_after = str(exc), exc.retry_after
    report.pending = outbox.pending()
    return report


def _deliver(outbox: Outbox, lrs: Lrs, entries: list[Entry], send: Post, report: Report) -> None:
    groups: dict[str, list[Entry]] = {}  # one statement per id in a POST: an LRS refuses a batch naming an id twice
    for entry in entries:
        groups.setdefault(entry.statement_id or entry.key, []).append(entry)
    answer = send(lrs, [same[0].statement for same in groups.values()])
    status = answer.status
    if status in (200, 204) or (status == 409 and len(groups) == 1):
        outbox.mark_sent(entry.key for entry in entries)
        report.sent += len(groups)
        return
    if status == 429 or status in REFUSES_US or not 400 <= status < 500:  # down, busy, or not us: keep all
        raise Unavailable(f"the LRS answered {status}: {answer.body[:300]}", answer.retry_after)
    if len(groups) > 1:  # one statement or more at fault: halve until each stands alone
        parts = list(groups.values())
        middle = len(parts) // 2
        for half in (parts[:middle], parts[middle:]):
            _deliver(outbox, lrs, [entry for same in half for entry in same], send, report)
        return
    reason = f"HTTP {status}: {answer.body[:1000]}"
    for entry in entries:
        outbox.set_aside(entry.key, reason)
    report.set_aside += 1
    log.warning("xAPI statement %s set aside, the LRS refused it: %s", entries[0].statement_id, reason)


# --- queueing what is saved ---------------------------------------------------------------------


def statements_of(store: Store, record: Attempt | Reflection, scenario: Scenario | None) -> list[xapi.Statement]:
    """The statements that saving ``record`` adds."""
    names = xapi.ids()
    agent = xapi.actor(store, record.user_id, names)
    if isinstance(record, Attempt):
        return xapi.new_statements(record, scenario, agent, names)
    return [xapi.reflection_statement(record, agent, names)]


def queue_saved(store: Store, record: Attempt | Reflection, scenario: Scenario | None) -> None:
    """Listener of ``practice``: queue the statements of a save when an LRS is configured (never the demo's)."""
    if store.demo or configured() is None:
        return
    outbox = open_outbox(store)
    outbox.enqueue(statements_of(store, record, scenario))
    _wake(outbox)


def forget_user(store: Store, user_id: str) -> int:
    """An account is deleted: its statements still waiting in the outbox are removed (never sent)."""
    agent = xapi.actor(store, user_id, xapi.ids())
    return open_outbox(store).forget(agent["account"]["name"])


def queue_history(store: Store, library: Library, accounts: Iterable[Account]) -> int:
    """Queue every statement of these accounts' attempts and reflections (statements already in the LRS are
    stored once: the ids are the same). Returns how many were queued."""
    names = xapi.ids()
    outbox = open_outbox(store)
    queued = 0
    for account in accounts:
        statements = xapi.statements_of_user(store, library, account.id, names)
        for start in range(0, len(statements), ENQUEUE_CHUNK):
            queued += len(outbox.enqueue(statements[start : start + ENQUEUE_CHUNK]))
    return queued


# --- the background sender ----------------------------------------------------------------------


class Sender(threading.Thread):
    """Drains one outbox whenever told of a save and every ``POLL`` seconds; backs off while the LRS is down."""

    def __init__(self, outbox: Outbox, lrs: Lrs, name: str):
        super().__init__(name=f"xapi-sender {name}", daemon=True)
        self.outbox, self.lrs = outbox, lrs
        self.wake, self.halt = threading.Event(), threading.Event()
        self.failures = 0

    def delay(self, report: Report | None) -> float:
        """Seconds to wait before the next round: ``POLL`` while all is well, else the backoff."""
        if report is not None and report.stopped is None:
            self.failures = 0
            return POLL
        self.failures += 1
        wait = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (self.failures - 1)) * random.uniform(0.75, 1.0)
        if report is not None and report.retry_after is not None:
            wait = min(MAX_BACKOFF, max(wait, report.retry_after))
        return wait

    def run(self) -> None:
        while not self.halt.is_set():
            self.wake.clear()
            try:
                report = drain(self.outbox, self.lrs)
            except Exception:  # noqa: BLE001 - a broken round is logged; the next one tries again
                log.exception("sending xAPI statements failed")
                report = None
            wait = self.delay(report)
            if report is not None and report.stopped is not None:
                if self.failures == 1 or self.failures % 10 == 0:
                    log.warning("xAPI: %s; %d statement(s) wait in the queue", report.stopped, report.pending)
                self.halt.wait(wait)  # a save does not cut the backoff short
            else:
                self.wake.wait(wait)

    def stop(self, timeout: float = 5.0) -> None:
        self.halt.set()
        self.wake.set()
        self.join(timeout)


_SENDERS: dict[str, Sender] = {}  # by the outbox's ``where``: one sender per process and queue
_LOCK = threading.Lock()


def _wake(outbox: Outbox) -> None:
    sender = _SENDERS.get(outbox.where)
    if sender is not None:
        sender.wake.set()


def start(store: Store) -> bool:
    """Once per process and outbox (data folder or database): listen to saves and start the background
    sender. Nothing (False) without an LRS or for the demo."""
    with _LOCK:
        if queue_saved not in practice.SAVED_LISTENERS:
            practice.SAVED_LISTENERS.append(queue_saved)
        lrs = configured()
        if lrs is None or store.demo:
            return False
        outbox = open_outbox(store)
        sender = _SENDERS.get(outbox.where)
        if sender is None or not sender.is_alive():
            sender = Sender(outbox, lrs, outbox.where)
            _SENDERS[outbox.where] = sender
            sender.start()
        return True


def stop_all() -> None:
    """Stop every background sender of this process (tests)."""
    with _LOCK:
        senders = list(_SENDERS.values())
        _SENDERS.clear()
    for sender in senders:
        sender.stop()
