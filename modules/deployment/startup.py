"""What happens once per process before the first visitor: tidy up, migrate, seed or remove the demo.

Every step is guarded: a step that fails is logged with a short reference code (the
detail, with its traceback, only in the server log) and the next steps still run. The
pages show the reference codes in a short Dutch message, never a traceback. Nothing a
step cannot read is changed: corrupt files are kept byte for byte (see ``modules.storage``).

Steps, in order:
1. without the demo: delete the demo folder (``<data>/demo/``), if there is one;
2. remove temporary files of writes that a killed process never finished;
3. drop the unbounded sign-in throttle that older versions kept in accounts.json;
4. turn nickname profiles from before accounts into accounts;
5. with the demo: create the demo accounts and their log; without it: remove demo
   accounts that older versions made in the real data folder;
6. close idle team sessions, and apply the retention period to closed ones;
7. with a Learning Record Store configured: queue the xAPI statements of every save and start sending
   them (``modules.exchange.lrs``).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from modules import settings
from modules.deployment import demo
from modules.exchange import lrs
from modules.people import accounts
from modules.storage import Store, open_store, remove_orphan_temp_files
from modules.team import sessions as team

T = TypeVar("T")

log = logging.getLogger("samenspel")
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def reference() -> str:
    """A short code a user can read out to an admin, who finds it in the server log."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def log_failure(what: str, exc: BaseException) -> str:
    """Log an unexpected error with its traceback under a new reference code; returns the code."""
    code = reference()
    log.error("reference %s: %s failed: %s", code, what, exc.__class__.__name__, exc_info=exc)
    return code


@dataclass
class Report:
    root: Path
    demo: bool
    problems: list[tuple[str, str]] = field(default_factory=list)  # (step, reference code)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


_DONE: dict[tuple[str, bool], Report] = {}
_LOCK = threading.Lock()


def prepare(force: bool = False) -> Report:
    """Run the start-up steps once per process and data folder; returns what happened."""
    demo_on, root = settings.demo_enabled(), settings.data_root()
    key = (str(root.resolve()), demo_on)
    with _LOCK:
        if key in _DONE and not force:
            return _DONE[key]
        report = _run(root, demo_on)
        _DONE[key] = report
    for note in report.notes:
        log.info("start-up: %s", note)
    return report


def _step(report: Report, what: str, action: Callable[[], T]) -> T | None:
    try:
        return action()
    except Exception as exc:  # noqa: BLE001 - every failure is logged with a reference and shown in Dutch
        report.problems.append((what, log_failure(f"start-up step '{what}'", exc)))
        return None


def _run(root: Path, demo_on: bool) -> Report:
    report = Report(root=root, demo=demo_on)
    if not demo_on and _step(report, "remove the demo folder", lambda: demo.remove(root)):
        report.notes.append(f"the demo is off: removed the demo folder {settings.demo_dir(root)}")
    store: Store | None = _step(report, "open the data folder", open_store)
    if store is None:
        return report
    removed = _step(report, "remove unfinished temporary files", lambda: remove_orphan_temp_files(store.root))
    if removed:
        report.notes.append(f"removed {removed} temporary file(s) of unfinished writes")
    if _step(report, "drop the old sign-in throttle", store.drop_legacy_throttle):
        report.notes.append("dropped the old sign-in throttle from accounts.json")
    _step(report, "migrate nickname profiles", lambda: accounts.migrate_profiles(store))
    report.notes.append(f"data folder {store.root}" + (" (DEMO: public passwords)" if demo_on else ""))
    if demo_on:
        _step(report, "create the demo accounts", lambda: demo.seed(store))
    else:
        purged = _step(report, "remove old demo accounts", lambda: demo.purge_legacy(store))
        if purged:
            report.notes.append(f"removed old demo accounts with public passwords: {', '.join(purged)}")
    swept = _step(report, "close idle team sessions", lambda: team.sweep(store))
    if swept and any(swept.values()):
        report.notes.append(f"team sessions: {swept['closed']} closed (idle), {swept['purged']} past retention")
    if _step(report, "start sending learning records (xAPI)", lambda: lrs.start(store)):
        report.notes.append("learning records (xAPI) are queued and sent to the Learning Record Store")
    return report


def forget() -> None:
    """Forget what ran (tests start the app again with other settings)."""
    with _LOCK:
        _DONE.clear()
