"""Checked scenarios kept on disk between server processes, by file content and code version.

Checking a scenario file (parse, validate, walk its play states) costs tens of milliseconds
to a few hundred for a large one; a server that starts again with the same files should not
pay that again. Only files that passed every check are kept: as the scenario's JSON, under
the SHA-256 of the file's bytes, in a folder named after a hash of the code that decides
what a valid scenario is (the models, the engine, the linter, the principle catalogue). Any
change to that code starts a new folder; a file that cannot be read or no longer fits is
ignored and the scenario is checked again. Writing is best effort: a read-only disk only
makes loads slower.

Folder: ``SAMENSPEL_CACHE_DIR`` or ``.cache/`` in the repository (git-ignored).
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from pydantic import ValidationError

from modules import settings
from modules.content.scenario import Scenario

# The code that decides whether a file is a valid scenario: a change to any of it empties the cache.
_DECIDING = ("modules/content", "modules/library", "modules/play")


@functools.cache
def code_version() -> str:
    digest = hashlib.sha256()
    for folder in _DECIDING:
        for path in sorted((settings.REPO / folder).rglob("*")):
            if path.suffix in {".py", ".yaml"} and path.is_file():
                digest.update(path.relative_to(settings.REPO).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def folder() -> Path:
    return Path(os.environ.get("SAMENSPEL_CACHE_DIR") or settings.REPO / ".cache") / "scenarios" / code_version()


def get(content_hash: str) -> Scenario | None:
    try:
        return Scenario.model_validate_json((folder() / f"{content_hash}.json").read_bytes())
    except (OSError, ValueError, ValidationError):
        return None


def put(content_hash: str, scenario: Scenario) -> None:
    target = folder() / f"{content_hash}.json"
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(scenario.model_dump_json(by_alias=True), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)
