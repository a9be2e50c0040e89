"""Drafts of scenarios, their checks, and publishing them to the library with a version history.

Who may do what (``modules.people.accounts``): an *auteur* (granted by an admin) or an admin
writes drafts; a draft is private to its author until the author offers it for publication;
an admin, or an auteur with publish rights, publishes a draft of their own or one offered to
them. A draft with linter errors can be saved, never published.

Nothing a draft holds is run: the YAML is read as plain data (``modules.content.yamlio``) and
the file name of a published scenario is its validated id (lower-case letters, digits, - and
_), written inside the library folder only. Messages for users are Dutch.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from modules import dutch
from modules.content.memo import ObjectMemo
from modules.content.principles import load_catalogue
from modules.content.scenario import ID_PATTERN, Outcome, Scenario
from modules.content.yamlio import YamlSyntaxError, parse_plain, parse_yaml
from modules.library import language, quality
from modules.library.lint import MAX_FILE_BYTES, Problem, check_text
from modules.library.scenarios import Library
from modules.people.accounts import can_author, can_publish
from modules.records import Account, Draft, ScenarioVersion, now
from modules.storage import Store

DRAFT_NAME = "concept.yaml"  # how a draft is named in the linter's findings
_ID = re.compile(ID_PATTERN)


class WorkshopError(Exception):
    """A Dutch message for the author."""


@dataclass(frozen=True)
class Checked:
    """A draft's text as the linter and the quality bar see it."""

    scenario: Scenario | None
    problems: list[Problem]  # the linter: errors block publishing
    advice: list[Problem] = field(default_factory=list)  # the strict quality bar: advice, never blocking
    figures: quality.Figures | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"] + self.advice


_CHECKED = ObjectMemo[Checked](32)  # a check takes seconds (the quality bar walks every path, spells every word)


def check(yaml_text: str, name: str = DRAFT_NAME) -> Checked:
    """The linter on a draft's text; for a scenario that passes, the quality bar and its figures too.

    Remembered by the text's digest (and the word list's state), so publishing the text just saved, or
    saving it unchanged, does not check it again."""
    try:
        words = language.WORD_LIST.stat().st_mtime_ns
    except OSError:
        words = 0
    digest = hashlib.sha256(yaml_text.encode("utf-8", "surrogatepass")).hexdigest()
    return _CHECKED.get((load_catalogue(),), (digest, name, words), lambda: _check(yaml_text, name))


def _check(yaml_text: str, name: str) -> Checked:
    scenario, problems = check_text(yaml_text, name)
    if scenario is None:  # check_text gives no scenario when it finds an error
        return Checked(None, problems)
    found = quality.figures(scenario)
    try:
        raw = parse_yaml(yaml_text)
    except YamlSyntaxError:  # pragma: no cover - the linter parsed it a moment ago
        raw = None
    advice = quality.strict_problems(scenario, raw, name, load_catalogue(), found)
    return Checked(scenario, problems, advice, found)


def sketch(yaml_text: str) -> Scenario | None:
    """The scenario's structure for its map while fields are still to be filled in: typed fields that
    do not fit yet (school type, theme, minutes, principle ids, an ending's outcome) get a stand-in
    (an ending without an outcome shows as 'gemengd'). ``None`` when even the structure does not fit."""
    data = parse_plain(yaml_text)
    if not isinstance(data, dict):
        return None
    data = dict(data)
    stand_ins = {"school_type": "po", "theme": None, "minutes": 10}
    for key, value in stand_ins.items():
        try:
            Scenario.model_validate({**data, key: data.get(key)})
        except ValidationError as exc:
            if any(err["loc"][:1] == (key,) for err in exc.errors()):
                data[key] = value
    data["principles"] = [p for p in data.get("principles") or [] if isinstance(p, str) and _ID.match(p)] or ["x"]
    for node in (data.get("nodes") or {}).values():
        for choice in node.get("choices") or [] if isinstance(node, dict) else []:
            if isinstance(choice, dict):
                choice["principles"] = {
                    k: v for k, v in (choice.get("principles") or {}).items() if isinstance(k, str) and _ID.match(k)
                }
    for ending in (data.get("endings") or {}).values():
        if isinstance(ending, dict) and ending.get("outcome") not in {o.value for o in Outcome}:
            ending["outcome"] = Outcome.gemengd.value
    try:
        return Scenario.model_validate(data)
    except ValidationError:
        return None


def _heading(yaml_text: str) -> tuple[str, str]:
    """The id and title a draft's text names, as far as it can be read ('' otherwise)."""
    data = parse_plain(yaml_text)
    if not isinstance(data, dict):
        return "", ""
    return str(data.get("id") or "")[:100], str(data.get("title") or "")[:200]


def _require_author(actor: Account) -> None:
    if not can_author(actor):
        raise WorkshopError("Alleen auteurs kunnen in de Werkplaats werken. Vraag de beheerder om auteursrechten.")


def save_draft(
    store: Store, actor: Account, yaml_text: str, *, draft_id: str | None = None, source: str = ""
) -> tuple[Draft, Checked]:
    """Save the text as the author's draft (new, or over their own draft ``draft_id``) after checking it.

    A draft with errors is saved too: the author fixes it later. Too large a text is refused."""
    _require_author(actor)
    if len(yaml_text.encode("utf-8")) > MAX_FILE_BYTES:
        raise WorkshopError("Dit bestand is te groot: een scenario is hoogstens 1 MB.")
    if not yaml_text.strip():
        raise WorkshopError("Het concept is leeg.")
    checked = check(yaml_text)
    scenario_id, title = _heading(yaml_text)
    fields = {
        "yaml": yaml_text,
        "scenario_id": scenario_id,
        "title": title,
        "errors": len(checked.errors),
        "warnings": len(checked.warnings),
        "updated_at": now(),
    }
    if draft_id is None:
        draft = Draft(owner_id=actor.id, source=source, **fields)
    else:
        old = store.get_draft(actor.id, draft_id)
        if old is None:
            raise WorkshopError("Dit concept bestaat niet meer.")
        draft = old.model_copy(update=fields)
    return store.save_draft(draft), checked


def drafts_for(store: Store, actor: Account) -> list[Draft]:
    """The author's own drafts; for someone who may publish, also the drafts others offered."""
    if not can_author(actor):
        return []
    own = store.list_drafts(actor.id)
    if not can_publish(actor):
        return own
    offered = [d for d in store.list_drafts() if d.offered and d.owner_id != actor.id]
    return own + offered


def open_draft(store: Store, actor: Account, owner_id: str, draft_id: str) -> Draft:
    """A draft the actor may read: their own, or one offered for publication to someone who may publish."""
    _require_author(actor)
    draft = store.get_draft(owner_id, draft_id)
    if draft is None:
        raise WorkshopError("Dit concept bestaat niet meer.")
    if draft.owner_id != actor.id and not (draft.offered and can_publish(actor)):
        raise WorkshopError("Dit concept is van een andere auteur.")
    return draft


def offer(store: Store, actor: Account, draft_id: str, offered: bool = True) -> Draft:
    """Offer one's own draft for publication (publishers may then read it), or take the offer back."""
    draft = open_draft(store, actor, actor.id, draft_id)
    return store.save_draft(draft.model_copy(update={"offered": offered}))


def delete_draft(store: Store, actor: Account, draft_id: str) -> None:
    open_draft(store, actor, actor.id, draft_id)
    store.delete_draft(actor.id, draft_id)


def draft_from_library(store: Store, actor: Account, library_dir: Path, library: Library, scenario_id: str) -> Draft:
    """A new draft with the text of a scenario in the library, to improve it."""
    file_name = library.files.get(scenario_id)
    if file_name is None:
        raise WorkshopError("Dit scenario staat niet in de bibliotheek.")
    text = (library_dir / file_name).read_text(encoding="utf-8")
    draft, _ = save_draft(store, actor, text, source="bibliotheek")
    return draft


_PUBLISHING = threading.Lock()  # one publication at a time in this process (the store numbers versions)


def publish(
    store: Store, actor: Account, owner_id: str, draft_id: str, library_dir: Path, library: Library
) -> ScenarioVersion:
    """Write the draft into the library folder, keeping the previous text as a version; remove the draft.

    The library picks the file up on its next load (it watches the folder), without a restart."""
    if not can_publish(actor):
        raise WorkshopError("Je mag niet zelf publiceren. Bied je concept aan: een beheerder publiceert het.")
    draft = open_draft(store, actor, owner_id, draft_id)
    checked = check(draft.yaml)
    if checked.scenario is None or checked.errors:
        raise WorkshopError(
            f"Dit concept heeft nog {dutch.plural(len(checked.errors), 'fout', 'fouten')}. Los ze eerst op."
        )
    scenario = checked.scenario
    folder = library_dir.resolve()
    file_name = library.files.get(scenario.id, f"{scenario.id}.yaml")
    target = (folder / file_name).resolve()
    if target.parent != folder:  # pragma: no cover - ids and library file names are plain names
        raise WorkshopError("Dit scenario kan niet in de bibliotheek worden gezet.")
    if scenario.id not in library.files and target.exists():
        raise WorkshopError(f"Er staat al een ander bestand {file_name} in de bibliotheek. Kies een ander id.")
    with _PUBLISHING:
        versions = store.list_versions(scenario.id)
        if not versions and target.exists():  # the file as it was before its first publication
            store.add_version(
                ScenarioVersion(
                    scenario_id=scenario.id, number=0, file_name=file_name, yaml=target.read_text(encoding="utf-8")
                )
            )
            versions = store.list_versions(scenario.id)
        number = versions[-1].number + 1 if versions else 1
        _write_atomically(target, draft.yaml)
        version = store.add_version(
            ScenarioVersion(
                scenario_id=scenario.id, number=number, file_name=file_name, yaml=draft.yaml, published_by=actor.id
            )
        )
    store.delete_draft(draft.owner_id, draft.id)
    return version


def _write_atomically(target: Path, text: str) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def history(store: Store, scenario_id: str) -> list[ScenarioVersion]:
    """The published versions of a scenario, newest first."""
    return list(reversed(store.list_versions(scenario_id)))


def diff(old: str, new: str, old_label: str = "vorige versie", new_label: str = "deze versie") -> str:
    """What changed between two texts of a scenario, as a unified diff (for display as plain text)."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=old_label, tofile=new_label
    )
    return "".join(lines)
