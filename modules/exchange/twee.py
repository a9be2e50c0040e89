"""Twine in and out: a scenario as a Twee 3 file that Twine 2 opens, and a Twee file as a scenario draft.

Twee 3 is the text form of a Twine 2 story (https://github.com/iftechfoundation/twine-specs,
``twee-3-specification.md``): passages that start with ``:: Name [tags] {"position":"x,y"}``,
the special passages ``StoryTitle`` and ``StoryData`` (JSON), links ``[[target]]``,
``[[text->target]]``, ``[[target<-text]]`` and ``[[text|target]]`` in the passage text.

**Export** (``export_twee``). One passage per node and per ending, named by its id (ids are
unique across nodes and endings, so links stay stable): the narrative, the dialogue as
``Speaker: text`` and a link ``[[choice text->target]]`` per choice (a route is a link
``[[Verder->target]]``). Nodes are tagged ``decision`` (``route`` for one that goes on by itself,
``key-moment`` for a key moment), endings ``ending`` plus their outcome (``sterk``, ``gemengd``,
``zwak``). Passages are laid out in a grid by their distance from the start. ``StoryData`` holds
an IFID derived from the scenario id (the same file every time), the format Harlowe 3 (Twine 2's
default format, so the author installs nothing; its links are the ``->`` links written here and
its ``*``/``**`` emphasis is Markdown's) and the start passage.

Where Samenspel's own data lives: in one passage, ``SamenspelData`` (tagged ``samenspel``),
whose text is JSON holding the whole scenario as its YAML file has it. Not in the passages'
header metadata or in ``StoryData``: Twine 2 keeps only ``position`` and ``size`` of a passage's
metadata and only the specified keys of ``StoryData`` when it imports and exports Twee
(twinejs ``src/util/twee.ts``), while a passage's text survives. So a file that went through
Twine still comes back whole.

**Import** (``import_twee``) gives an ``ImportResult``: the scenario draft as YAML text (in the
style of the bundled files) and notes in English. Input that is not Twee, has no passages, has
two passages of one name, a link to a passage that does not exist, or metadata that is not JSON
raises ``TweeError`` naming the line. At most ``MAX_CHARS`` characters, ``MAX_PASSAGES``
passages and ``MAX_LINKS`` links a passage; reading is linear in the file's length.

- A file with a ``SamenspelData`` passage is read from that data; unedited, the scenario comes
  back exactly. What an author changed in Twine is taken into account where it can be, each
  change named in the notes: a new link in a decision becomes a new choice (its reaction,
  feedback and principles ``TODO``); a removed link drops its choice; a link whose text or target
  changed changes its choice; a new passage becomes a node (or, without links, an ending) with
  ``TODO`` fields; a removed passage drops its node or ending; an ending's outcome tag, the story
  title and the start passage are taken over. Edited narrative or dialogue, and changed links of
  a node with routes, are *not* taken over (a note says which passage): edit those in the YAML.
  Rename ids in the YAML, not in Twine (a renamed passage reads as a removed one and a new one).
- A foreign file (no ``SamenspelData``): every story passage becomes a node, its links its
  choices (ids ``a``, ``b``, ...; text the link text; target the linked passage's id, a slug of
  its name), a passage with one link a node with one route, a passage without links an ending
  titled by the passage's name. ``StoryTitle`` gives the title, ``StoryData.start`` the start
  (else a passage named ``Start``, else the first). Passages with story code (tags ``script``,
  ``stylesheet``, ``widget``, ...; SugarCube's and Harlowe's special passages) are left out.
  Story-format code is kept in the text as it is and never run: Harlowe macro calls with their
  hooks (``(if: $x)[...]``) and hook names, SugarCube macros (``<<if ...>>``, a ``<<script>>``
  block), ``$variables``, Snowman's ``<% ... %>``, Chapbook's vars section, modifiers and inserts.
  A passage with code gets the line ``TODO_CODE_LINE`` under its text and a note naming the passage
  and the code. HTML tags and comments are removed from the text, with a note naming the passages.
- Everything Samenspel needs that Twine lacks (principle tags, reactions, feedback, ...) is a
  placeholder holding the word ``TODO``, and so is the line under code. The linter reports every
  string with the word ``TODO`` as still to fill in, so ``python -m modules lint FILE`` lists every
  place; the notes say so.
"""

from __future__ import annotations

import copy
import html
import io
import json
import re
import unicodedata
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from modules.content.scenario import Ending, Line, Node, Outcome, Scenario
from modules.content.yamlio import parse_plain

MAX_CHARS = 2_000_000  # a Twee file is text: the largest bundled scenario exports to about 0.3 MB
MAX_PASSAGES = 500  # the largest bundled scenario has about 60
MAX_LINKS = 100  # links in one passage (a decision has 2 to 4)
MAX_HEADER = 10_000  # characters in a passage header (name, tags and position are short)

TODO = "TODO"  # what an author must fill in; the same word everywhere so a search finds every one
DATA_PASSAGE = "SamenspelData"
DATA_TAG = "samenspel"
DATA_VERSION = 1  # the layout of the SamenspelData passage
STORY_FORMAT = "Harlowe"
STORY_FORMAT_VERSION = "3.3.0"  # Twine 2 moves a story to the newest Harlowe 3 it has
ENDING_TAG = "ending"
DECISION_TAG = "decision"
ROUTE_TAG = "route"
KEY_MOMENT_TAG = "key-moment"
TAG_COLORS = {
    DECISION_TAG: "blue",
    ROUTE_TAG: "purple",
    ENDING_TAG: "orange",
    Outcome.sterk.value: "green",
    Outcome.gemengd.value: "yellow",
    Outcome.zwak.value: "red",
}
ROUTE_TEXT = "Verder"  # the text of a route's link

_GRID_X = 150  # passage tiles are 100 x 100: a 50-pixel gap
_GRID_Y = 150
_IFID_NAME = "urn:samenspel:scenario:"

# Passages that hold story code or settings for a story format or a compiler, not story text.
SPECIAL_PASSAGES = frozenset(
    {
        "StoryTitle",
        "StoryData",
        "StorySettings",
        "StoryIncludes",
        "StoryAuthor",
        "StorySubtitle",
        "StoryInit",
        "StoryCaption",
        "StoryMenu",
        "StoryBanner",
        "StoryShare",
        "StoryInterface",
        "PassageReady",
        "PassageDone",
        "PassageHeader",
        "PassageFooter",
        DATA_PASSAGE,
    }
)
CODE_TAGS = frozenset(
    {
        "script",
        "stylesheet",
        "widget",
        "init",
        "header",
        "footer",
        "startup",
        "debug-header",
        "debug-footer",
        "debug-startup",
        "Twine.private",
        "Twine.image",
        "Twine.audio",
        "Twine.video",
        "Twine.vtt",
    }
)

_ID_PATTERN = re.compile(r"^[a-z0-9]+([-_][a-z0-9]+)*$")
_LINK = re.compile(r"\[\[(.*?)\]\]")  # within one line, as Twine's map draws them
_EXTERNAL = re.compile(r"^\w+:///?\w", re.IGNORECASE)
_TWEE2_POSITION = re.compile(r"\s*<\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*>\s*$")


class TweeError(ValueError):
    """Input that is not a usable Twee file; the message names the source and the line."""

    def __init__(self, message: str, line: int | None = None, source: str = "<twee>"):
        self.line = line
        self.source = source
        self.reason = message
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Passage:
    name: str
    tags: tuple[str, ...]
    metadata: dict[str, Any]
    text: str  # trimmed, ``\\::`` at a line's start read as ``::``
    line: int  # the header's line (1-based)
    body: tuple[str, ...] = ()  # the content's lines (``\\:`` read as ``:``), the first on line + 1


@dataclass(frozen=True)
class Link:
    text: str
    target: str
    line: int


@dataclass
class ImportResult:
    """What ``import_twee`` gives: the draft, what the author should know, and the draft checked."""

    scenario_id: str
    yaml: str  # the scenario file's text
    notes: list[str] = field(default_factory=list[str])  # English, one finding each
    scenario: Scenario | None = None  # the draft, when it passes the schema (placeholders do not)
    from_samenspel: bool = False  # read from a SamenspelData passage (a file Samenspel exported)

    @property
    def file_name(self) -> str:
        return f"{self.scenario_id}.yaml"


# --- Twee notation ------------------------------------------------------------------------------


def escape_header(value: str) -> str:
    """A passage or tag name for a header: ``\\ [ ] { }`` backslash-escaped, outer spaces kept."""
    escaped = re.sub(r"([\\\[\]{}])", r"\\\1", value)
    stripped = escaped.strip(" ")
    if stripped != escaped:
        lead = len(escaped) - len(escaped.lstrip(" "))
        trail = len(escaped) - len(escaped.rstrip(" "))
        escaped = "\\ " * lead + stripped + "\\ " * trail
    return escaped


def _escape_text(text: str) -> str:
    """Passage text: a line that starts with ``::`` would start a passage (Twine writes ``\\::``)."""
    return re.sub(r"^::", r"\\::", text, flags=re.MULTILINE)


def _unescape(chars: list[tuple[str, bool]]) -> str:
    """Characters read from a header, each with whether it was escaped: outer unescaped spaces dropped."""
    start, end = 0, len(chars)
    while start < end and not chars[start][1] and chars[start][0].isspace():
        start += 1
    while end > start and not chars[end - 1][1] and chars[end - 1][0].isspace():
        end -= 1
    return "".join(c for c, _ in chars[start:end])


def _parse_header(line: str, number: int, source: str) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    rest = line[2:]
    n = len(rest)
    i = 0
    name: list[tuple[str, bool]] = []
    while i < n:
        c = rest[i]
        if c == "\\":
            if i + 1 < n:
                name.append((rest[i + 1], True))
            i += 2
            continue
        if c in "[]{}":
            break
        name.append((c, False))
        i += 1
    if i < n and rest[i] in "]}":
        raise TweeError(
            f"a passage header has an unescaped {rest[i]!r} in its name (write \\{rest[i]})", number, source
        )
    raw_name = "".join(c for c, _ in name)
    twee2 = _TWEE2_POSITION.search(raw_name, max(0, len(raw_name) - 80))  # Twee 2: ":: Name <x,y>"
    if twee2 and not any(escaped for _, escaped in name):
        name = name[: twee2.start()]
    passage_name = _unescape(name)
    if not passage_name:
        raise TweeError("a passage header ('::') without a passage name", number, source)
    tags: list[str] = []
    if i < n and rest[i] == "[":
        i += 1
        current: list[tuple[str, bool]] = []
        closed = False
        while i < n:
            c = rest[i]
            if c == "\\":
                if i + 1 < n:
                    current.append((rest[i + 1], True))
                i += 2
                continue
            if c == "]":
                closed = True
                i += 1
                break
            if c in "[{}":
                raise TweeError(f"unexpected {c!r} in the tag block of passage {passage_name!r}", number, source)
            if c.isspace():
                if current:
                    tags.append(_unescape(current))
                current = []
            else:
                current.append((c, False))
            i += 1
        if not closed:
            raise TweeError(f"the tag block of passage {passage_name!r} is not closed with ']'", number, source)
        if current:
            tags.append(_unescape(current))
    while i < n and rest[i] in " \t":
        i += 1
    metadata: dict[str, Any] = {}
    if i < n and rest[i] == "{":
        try:
            value, end = json.JSONDecoder().raw_decode(rest, i)
        except json.JSONDecodeError as exc:
            raise TweeError(
                f"the metadata of passage {passage_name!r} is not valid JSON ({exc.msg} at column {exc.pos + 3})",
                number,
                source,
            ) from exc
        if not isinstance(value, dict):
            raise TweeError(f"the metadata of passage {passage_name!r} is not a JSON object", number, source)
        metadata = value
        i = end
    tail = rest[i:]
    if tail.strip() and not _TWEE2_POSITION.fullmatch(tail):
        raise TweeError(
            f"unexpected text {tail.strip()[:40]!r} after the header of passage {passage_name!r} "
            "(a header is ':: Name [tags] {metadata}')",
            number,
            source,
        )
    return passage_name, tuple(tags), metadata


def parse_twee(text: str, *, source: str = "<twee>") -> list[Passage]:
    """The passages of a Twee file, in order; ``TweeError`` for what cannot be read."""
    if len(text) > MAX_CHARS:
        raise TweeError(
            f"the file has {len(text):,} characters; a Twee file may have at most {MAX_CHARS:,}", None, source
        )
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "<tw-storydata" in text[:5000].lower() and not text.lstrip().startswith("::"):
        raise TweeError("this is a Twine HTML file, not Twee: in Twine choose Build > Export as Twee", None, source)
    passages: list[Passage] = []
    header: tuple[str, tuple[str, ...], dict[str, Any], int] | None = None
    body: list[str] = []

    def flush() -> None:
        if header is None:
            return
        name, tags, metadata, number = header
        lines = tuple(re.sub(r"^\\:", ":", line) for line in body)
        passages.append(Passage(name, tags, metadata, "\n".join(lines).strip(), number, lines))
        if len(passages) > MAX_PASSAGES:
            raise TweeError(f"more than {MAX_PASSAGES} passages; a scenario has far fewer", number, source)

    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("::"):
            flush()
            if len(line) > MAX_HEADER:
                raise TweeError(f"a passage header of {len(line):,} characters; at most {MAX_HEADER:,}", number, source)
            name, tags, metadata = _parse_header(line, number, source)
            header = (name, tags, metadata, number)
            body = []
        elif header is not None:
            body.append(line)
    flush()
    if not passages:
        raise TweeError("not a Twee file: no line starts with '::' (a passage header)", None, source)
    return passages


def _split_link(inner: str) -> tuple[str, str]:
    """(text, target) of a link's inside, as Twine reads it: the rightmost ``->``, else the leftmost
    ``<-``, else the last ``|``, else the whole is both."""
    if "->" in inner:
        text, target = inner.rsplit("->", 1)
    elif "<-" in inner:
        target, text = inner.split("<-", 1)
    elif "|" in inner:
        text, target = inner.rsplit("|", 1)
    else:
        text = target = inner
    text, target = text.strip(), target.strip()
    return (text or target), target


def links_of(passage: Passage) -> tuple[list[Link], list[str]]:
    """The links in a passage's text, in order (a SugarCube setter ``][...`` dropped), and the
    external links (``https://...``) that are left out."""
    links: list[Link] = []
    external: list[str] = []
    for offset, line in enumerate(passage.body, start=1):
        for match in _LINK.finditer(line, 0, line.rfind("]]") + 2):
            inner = match.group(1).split("][", 1)[0]
            text, target = _split_link(inner)
            if not target:
                continue
            if _EXTERNAL.match(target):
                external.append(target)
                continue
            links.append(Link(text, target, passage.line + offset))
    return links, external


# --- export -------------------------------------------------------------------------------------


def ifid_for(scenario_id: str) -> str:
    """The IFID of a scenario's story: derived from its id (uuid5), so every export gives the same;
    marked as a version-4 UUID in upper case, as the Twee 3 specification asks of IFIDs."""
    derived = uuid.uuid5(uuid.NAMESPACE_URL, _IFID_NAME + scenario_id)
    return str(uuid.UUID(bytes=derived.bytes, version=4)).upper()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _link_text(text: str, fallback: str) -> str:
    """A choice's text as a link's text: one line, no ``[[``, ``]]`` or ``][`` that would end the link."""
    text = _one_line(text)
    while "[[" in text or "]]" in text or "][" in text:
        text = text.replace("[[", "[ [").replace("]]", "] ]").replace("][", "] [")
    return text or fallback


def _no_links(text: str) -> str:
    """Story text that must not read as a link in Twine."""
    while "[[" in text:
        text = text.replace("[[", "[ [")
    return text


def _route_text(condition: str | None) -> str:
    return _link_text(f"{ROUTE_TEXT} als {condition}" if condition else ROUTE_TEXT, ROUTE_TEXT)


def _dialogue(scenario: Scenario, lines: Iterable[Line]) -> str:
    out: list[str] = []
    for line in lines:
        label = scenario.speaker_label(line.speaker)
        some = line.chosen or line.chosen_any or line.not_chosen or line.condition
        label = f"{label} (op sommige paden)" if some and label else ("(op sommige paden)" if some else label)
        out.append(f"{label}: {line.text.strip()}" if label else line.text.strip())
    return "\n\n".join(out)


def _node_text(scenario: Scenario, node: Node) -> str:
    parts = [part for part in (node.text.strip(), _dialogue(scenario, node.lines)) if part]
    body = _no_links("\n\n".join(parts))
    links = [
        f"[[{_link_text(c.text, c.id)}->{c.target}]]"
        + (f" (alleen als {_one_line(c.condition)})" if c.condition else "")
        for c in node.choices
    ]
    links += [f"[[{_route_text(r.condition)}->{r.target}]]" for r in node.routes]
    return "\n\n".join(part for part in (body, "\n".join(links)) if part)


def _ending_text(scenario: Scenario, ending: Ending) -> str:
    parts = [
        f"**{_one_line(ending.title)}** (uitkomst: {ending.outcome.value})",
        ending.text.strip(),
        _dialogue(scenario, ending.lines),
        f"Nabespreking: {ending.debrief.strip()}",
    ]
    return _no_links("\n\n".join(part for part in parts if part))


def _node_tags(node: Node) -> list[str]:
    return [DECISION_TAG if node.choices else ROUTE_TAG] + ([KEY_MOMENT_TAG] if node.key_moment else [])


def _layout(scenario: Scenario) -> tuple[dict[str, tuple[int, int]], int]:
    """A grid position per node and ending: one row per distance from the start (breadth first),
    unreachable ones in a last row; and the number of columns used."""
    depth = {scenario.start: 0}
    order = [scenario.start]
    queue = deque([scenario.start])
    while queue:
        place = queue.popleft()
        node = scenario.nodes.get(place)
        if node is None:
            continue
        for target in [c.target for c in node.choices] + [r.target for r in node.routes]:
            if target not in depth:
                depth[target] = depth[place] + 1
                order.append(target)
                queue.append(target)
    last = max(depth.values(), default=0) + 1
    for place in [*scenario.nodes, *scenario.endings]:
        if place not in depth:
            depth[place] = last
            order.append(place)
    rows: dict[int, int] = {}
    positions: dict[str, tuple[int, int]] = {}
    for place in order:
        column = rows.get(depth[place], 0)
        rows[depth[place]] = column + 1
        positions[place] = (100 + column * _GRID_X, 100 + depth[place] * _GRID_Y)
    return positions, max(rows.values(), default=1)


def _header(name: str, tags: list[str], position: tuple[int, int] | None) -> str:
    header = f":: {escape_header(name)}"
    if tags:
        header += " [" + " ".join(escape_header(tag) for tag in tags) + "]"
    if position is not None:
        meta = {"position": f"{position[0]},{position[1]}", "size": "100,100"}
        header += " " + json.dumps(meta, separators=(",", ":"))
    return header


def _json(data: Any, indent: int | None) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")  # no line breaks but "\n"


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as its YAML file holds it (the fields it sets), ``format_version`` first."""
    dump = scenario.model_dump(mode="json", exclude_unset=True)
    return {"format_version": scenario.format_version, **{k: v for k, v in dump.items() if k != "format_version"}}


def export_twee(scenario: Scenario) -> str:
    """The scenario as a Twee 3 file that Twine 2 opens (Library > Import); see the module's docstring."""
    positions, columns = _layout(scenario)
    story_data = {
        "ifid": ifid_for(scenario.id),
        "format": STORY_FORMAT,
        "format-version": STORY_FORMAT_VERSION,
        "start": scenario.start,
        "tag-colors": TAG_COLORS,
        "zoom": 1,
    }
    chunks = [
        f":: StoryTitle\n{_escape_text(_one_line(scenario.title))}",
        f":: StoryData\n{_json(story_data, 2)}",
    ]
    for node_id, node in scenario.nodes.items():
        text = _escape_text(_node_text(scenario, node))
        chunks.append(f"{_header(node_id, _node_tags(node), positions[node_id])}\n{text}")
    for ending_id, ending in scenario.endings.items():
        text = _escape_text(_ending_text(scenario, ending))
        chunks.append(f"{_header(ending_id, [ENDING_TAG, ending.outcome.value], positions[ending_id])}\n{text}")
    data = {
        "about": "Samenspel's data of this scenario: the nodes and endings in full and the scenario's own fields. "
        "Leave this passage as it is; edit texts in the scenario's YAML file.",
        "samenspel_twee": DATA_VERSION,
        "scenario": scenario_data(scenario),
    }
    data_position = (100 + columns * _GRID_X, 100)
    chunks.append(f"{_header(DATA_PASSAGE, [DATA_TAG], data_position)}\n{_json(data, 1)}")
    return "\n\n\n".join(chunks) + "\n"


# --- YAML ---------------------------------------------------------------------------------------

_FLOW_LISTS = frozenset({"chosen", "chosen_any", "not_chosen", "about", "facts", "introduces", "was"})
_FLOW_MAPS = frozenset({"effects", "principles"})
_FOLD_AT = 90


def _styled(value: Any, key: str | None = None, depth: int = 0) -> Any:
    if isinstance(value, dict):
        mapping = CommentedMap()
        for k, v in value.items():  # pyright: ignore[reportUnknownVariableType]
            mapping[k] = _styled(v, str(k), depth + 1)
        if key in _FLOW_MAPS and value and all(isinstance(v, int) for v in value.values()):  # pyright: ignore[reportUnknownVariableType]
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        seq = CommentedSeq(_styled(v, None, depth + 1) for v in value)  # pyright: ignore[reportUnknownVariableType]
        flow = key in _FLOW_LISTS or (key == "principles" and depth > 1)
        if flow and all(isinstance(v, str) and " " not in v for v in value):  # pyright: ignore[reportUnknownVariableType]
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str):
        if "\n" in value.rstrip("\n") and not re.search(r"[ \t]\n|^\s|\t", value):
            return LiteralScalarString(value)
        if len(value) > _FOLD_AT and "\n" not in value and "  " not in value and value == value.strip():
            return FoldedScalarString(value)
    return value


def _dump(data: Any, styled: bool) -> str:
    yaml: Any = YAML()  # ruamel.yaml has no type hints for its dumper
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 92
    out = io.StringIO()
    yaml.dump(_styled(data) if styled else data, out)
    return out.getvalue()


def _blank_lines_between_places(text: str) -> str:
    """A blank line before every node and ending but the first, as in the bundled files."""
    out: list[str] = []
    section = None
    first = True
    for line in text.split("\n"):
        if re.match(r"^\S", line):
            section = line.split(":", 1)[0]
            first = True
        elif section in ("nodes", "endings") and re.match(r"^  [^\s#-][^:]*:\s*$", line):
            if not first:
                out.append("")
            first = False
        out.append(line)
    return "\n".join(out)


def to_yaml(data: dict[str, Any]) -> str:
    """A scenario's data as YAML in the style of the bundled files (folded and literal text blocks,
    short mappings and id lists in flow style); read back, it gives the same data."""
    text = "# yaml-language-server: $schema=./scenario.schema.json\n"
    styled = _blank_lines_between_places(_dump(data, styled=True))
    if parse_plain(styled) == data:
        return text + styled
    return text + _dump(data, styled=False)  # a text the block styles would change: plain YAML, exact


# --- import -------------------------------------------------------------------------------------


def slug(name: str) -> str:
    """An id (lower case, digits, ``-``) from a passage's name: ``"Back Room"`` -> ``"back-room"``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return text[:60].strip("-")


class _Ids:
    """Unique ids for names: the name itself when it is a valid id, else its slug, ``-2``... on a clash."""

    def __init__(self, taken: Iterable[str] = ()):
        self.taken = set(taken)
        self.of: dict[str, str] = {}

    def add(self, name: str, fallback: str = "passage") -> str:
        base = name if _ID_PATTERN.match(name) else (slug(name) or fallback)
        candidate, n = base, 2
        while candidate in self.taken:
            candidate, n = f"{base}-{n}", n + 1
        self.taken.add(candidate)
        self.of[name] = candidate
        return candidate


def _choice_ids(taken: Iterable[str]) -> Iterator[str]:
    used = set(taken)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for candidate in [*letters, *(a + b for a in letters for b in letters)]:
        if candidate not in used:
            yield candidate


@dataclass
class _Story:
    source: str
    passages: list[Passage]  # story passages, in order
    by_name: dict[str, Passage]  # every passage
    title: str | None
    data: dict[str, Any]  # StoryData
    links: dict[str, list[Link]]
    notes: list[str]


def _story_format(data: dict[str, Any]) -> str | None:
    value = data.get("format")
    return value if isinstance(value, str) else None


def _read_story(text: str, source: str) -> _Story:
    passages = parse_twee(text, source=source)
    by_name: dict[str, Passage] = {}
    for passage in passages:
        if passage.name in by_name:
            first = by_name[passage.name].line
            raise TweeError(
                f"a second passage named {passage.name!r} (the first is on line {first})", passage.line, source
            )
        by_name[passage.name] = passage
    notes: list[str] = []
    data: dict[str, Any] = {}
    if "StoryData" in by_name:
        story_data = by_name["StoryData"]
        data = _json_object(story_data, source, "StoryData")
    title_passage = by_name.get("StoryTitle")
    title = _one_line(title_passage.text) if title_passage and title_passage.text.strip() else None
    code = {p.name for p in passages if p.name in SPECIAL_PASSAGES or CODE_TAGS & set(p.tags)}
    left_out = [p.name for p in passages if p.name in code and p.name not in ("StoryTitle", "StoryData", DATA_PASSAGE)]
    if left_out:
        notes.append(
            f"left out {len(left_out)} passage(s) with story code or settings, which a scenario has no place for: "
            + ", ".join(repr(name) for name in left_out)
        )
    story = [p for p in passages if p.name not in code]
    if not story:
        raise TweeError("the file has no story passages (only StoryTitle, StoryData or story code)", None, source)
    names = {p.name for p in story}
    links: dict[str, list[Link]] = {}
    external: list[str] = []
    for passage in story:
        found, outside = links_of(passage)
        external += outside
        if len(found) > MAX_LINKS:
            raise TweeError(
                f"passage {passage.name!r} has {len(found)} links; at most {MAX_LINKS}", passage.line, source
            )
        for link in found:
            if link.target not in names:
                why = "which holds story code" if link.target in by_name else "which does not exist"
                raise TweeError(f"passage {passage.name!r} links to passage {link.target!r}, {why}", link.line, source)
        links[passage.name] = found
    if external:
        notes.append(f"left out {len(external)} link(s) to web pages: {', '.join(sorted(set(external)))}")
    return _Story(source, story, by_name, title, data, links, notes)


def _json_object(passage: Passage, source: str, what: str) -> dict[str, Any]:
    leading = 0
    for line in passage.body:
        if line.strip():
            break
        leading += 1
    try:
        value = json.loads(passage.text)
    except json.JSONDecodeError as exc:
        line = passage.line + leading + exc.lineno
        raise TweeError(f"the {what} passage is not valid JSON ({exc.msg})", line, source) from exc
    if not isinstance(value, dict):
        raise TweeError(f"the {what} passage is not a JSON object", passage.line, source)
    return value  # pyright: ignore[reportUnknownVariableType]


def _distinct(links: list[Link]) -> list[Link]:
    seen: set[tuple[str, str]] = set()
    out: list[Link] = []
    for link in links:
        if (link.text, link.target) not in seen:
            seen.add((link.text, link.target))
            out.append(link)
    return out


# Story-format code in passage text: kept as text, never run, named in a note, with ``TODO_CODE_LINE``
# under the passage's text so that the linter (which flags every ``TODO``) points at it. HTML tags and
# comments outside the code are removed (also named in a note). Every step is linear in the text's
# length (no lazy ``.*?`` that a hostile file could make quadratic).
TODO_CODE_LINE = f"{TODO}: Twine-code hierboven (macro's) herschrijven of weghalen: Samenspel voert geen code uit."
_TODO_WORD = re.compile(rf"\b{TODO}\b")  # what the linter flags as still to fill in
_COMMENTS = (("/*", "*/"), ("<!--", "-->"), ("/%", "%/"))
_HARLOWE = re.compile(r"\(([A-Za-z][\w-]*):|\[|\]|\|[A-Za-z_]\w*>|<[A-Za-z_]\w*\|")  # macro, hook, hook name
_SUGARCUBE_NAME = re.compile(r"<</?([A-Za-z=-][\w-]*)")
_SCRIPT_END = "<</script>>"
_VARIABLE = re.compile(r"\$[A-Za-z_]\w*")  # Harlowe and SugarCube print a $variable in the text
_CHAPBOOK_VARS_END = re.compile(r"^[ \t]*--[ \t]*$", re.MULTILINE)
_CHAPBOOK_MODIFIER = re.compile(r"^[ \t]*(\[[^\[\]\n]+\])[ \t]*$", re.MULTILINE)
_CHAPBOOK_INSERT = re.compile(r"\{[^{}\n]*\}")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_BOLD = re.compile("''")  # Harlowe's and SugarCube's ''bold'' and //italic//
_ITALIC = re.compile(r"(?<![:/])//")
_PROSE_WORK = re.compile(r"['/<&\n]")  # a character that _prose may change
_MACRO_CHARS = re.compile(r"[()\"'\\]")
_MAX_OPEN_MACROS = 5  # Harlowe macros never closed before a passage gives up on the rest
_MAX_NAMED = 12  # code names listed in a note; the rest are counted

_Code = tuple[int, int, str | None]  # start, end and name (None: part of code named elsewhere)


@dataclass
class CleanText:
    """A passage's text as Samenspel narrative, and what happened to the story-format code in it."""

    text: str  # with ``TODO_CODE_LINE`` under it when ``code`` is not empty
    removed: list[str] = field(default_factory=list[str])  # "comments", "HTML"
    code: list[str] = field(default_factory=list[str])  # code kept as text, by name, in order: "<<if>>", "(set:)"


def remove_links(text: str) -> str:
    """The text without its ``[[...]]`` links (each line searched only up to its last ``]]``)."""
    out: list[str] = []
    for line in text.split("\n"):
        last = line.rfind("]]")
        out.append(_LINK.sub("", line[: last + 2]) + line[last + 2 :] if last != -1 else line)
    return "\n".join(out)


def _cut(text: str, opening: str, closing: str) -> tuple[str, bool]:
    """The text without every ``opening ... closing`` (the nearest closing), and whether one was cut."""
    out: list[str] = []
    i, cut = 0, False
    while (start := text.find(opening, i)) != -1:
        end = text.find(closing, start + len(opening))
        if end == -1:
            break
        out.append(text[i:start])
        i, cut = end + len(closing), True
    out.append(text[i:])
    return "".join(out), cut


def _close_of(text: str, start: int) -> int:
    """Index of the ``)`` that closes the ``(`` at ``start`` (quoted strings skipped), or -1."""
    depth, quote, skip = 0, "", -1
    for match in _MACRO_CHARS.finditer(text, start):
        c = match.group()
        if match.start() == skip:
            continue
        if quote:
            if c == "\\":
                skip = match.start() + 1  # an escaped character in a string
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return match.start()
    return -1


def _harlowe_code(text: str) -> list[_Code]:
    """Harlowe macro calls, each with the hook right after it (``(if: $x)[text]``), and hook names."""
    found: list[_Code] = []
    hooks: list[int | None] = []  # each open '[': the start of the macro whose hook it opens, else None
    pos, unclosed = 0, 0
    while match := _HARLOWE.search(text, pos):
        start, token, pos = match.start(), match.group(), match.end()
        if match.group(1) is not None:
            if unclosed >= _MAX_OPEN_MACROS:
                continue
            end = _close_of(text, start)
            if end == -1:
                unclosed += 1
                continue
            found.append((start, end + 1, f"({match.group(1)}:)"))
            pos = end + 1
            if text.startswith("[", pos) and not text.startswith("[[", pos):
                hooks.append(start)
                pos += 1
        elif token == "[":
            hooks.append(None)
        elif token == "]":
            if hooks and (opened := hooks.pop()) is not None:
                found.append((opened, start + 1, None))  # the macro and its hook
        else:
            found.append((start, pos, token))
    return found


def _sugarcube_code(text: str) -> list[_Code]:
    """SugarCube macros ``<<...>>``; a ``<<script>>`` up to its ``<</script>>``."""
    found: list[_Code] = []
    i, scripts_close = 0, True
    while (start := text.find("<<", i)) != -1:
        end = text.find(">>", start + 2)
        if end == -1:
            break
        i = end + 2
        match = _SUGARCUBE_NAME.match(text, start)
        name = match.group(1) if match else "..."
        if scripts_close and name.lower() == "script" and not text.startswith("<</", start):
            close = text.find(_SCRIPT_END, i)
            scripts_close = close != -1  # else no later <<script>> is closed either
            i = close + len(_SCRIPT_END) if scripts_close else i
        found.append((start, i, f"<<{name}>>"))
    return found


def _snowman_code(text: str) -> list[_Code]:
    """Snowman's JavaScript ``<% ... %>`` (and ``<%= ... %>``)."""
    found: list[_Code] = []
    i = 0
    while (start := text.find("<%", i)) != -1:
        end = text.find("%>", start + 2)
        if end == -1:
            break
        i = end + 2
        found.append((start, i, "<%= %>" if text.startswith("<%=", start) else "<% %>"))
    return found


def _chapbook_code(text: str) -> list[_Code]:
    """Chapbook's vars section (up to a line ``--``), modifiers (a line ``[...]``) and inserts ``{...}``."""
    found: list[_Code] = []
    after = 0
    if end := _CHAPBOOK_VARS_END.search(text):
        found.append((len(text) - len(text.lstrip()), end.end(), "the vars section (up to --)"))
        after = end.end()
    for match in _CHAPBOOK_MODIFIER.finditer(text, after):
        found.append((*match.span(1), f"[{match.group(1)[1:-1].split()[0]}]"))
    for match in _CHAPBOOK_INSERT.finditer(text, after):
        name = re.split(r"[:,]", match.group()[1:-1])[0].strip()[:40]
        found.append((*match.span(), f"{{{name}}}"))
    return found


def _merged(found: list[_Code]) -> list[tuple[int, int]]:
    """The spans of code, overlapping ones joined, in order."""
    spans: list[tuple[int, int]] = []
    for start, end, _name in sorted(found, key=lambda code: (code[0], -code[1])):
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def _pair_markers(line: str, marker: re.Pattern[str], replacement: str) -> str:
    """Each pair of markers around text (``''bold''``) as ``replacement`` around it; a lone one stays."""
    spots = [m.span() for m in marker.finditer(line)]
    out: list[str] = []
    i = 0
    for (a, b), (c, d) in zip(spots[::2], spots[1::2], strict=False):
        inner = line[b:c]
        if inner.strip() and inner == inner.strip():
            out += [line[i:a], replacement, inner, replacement]
            i = d
    out.append(line[i:])
    return "".join(out)


def _prose(text: str, markdown: bool) -> tuple[str, bool]:
    """Text between code: ``''bold''`` and ``//italic//`` as Markdown (unless it is Markdown already),
    HTML tags removed, lines unindented (an indented line would be a Markdown code block) except where
    the text goes on after code on the same line. Also whether there was HTML."""
    if not _PROSE_WORK.search(text):
        return text, False  # nothing to change (between two pieces of code on one line, say)
    if not markdown:
        text = "\n".join(_pair_markers(_pair_markers(line, _BOLD, "**"), _ITALIC, "*") for line in text.split("\n"))
    had_html = bool(_TAG.search(text) or _BREAK.search(text))
    if had_html:
        text = _TAG.sub("", _BREAK.sub("\n", text))
    lines = html.unescape(text).split("\n")
    last = len(lines) - 1
    for k, line in enumerate(lines):
        line = line.lstrip() if k else line  # the first line may go on after code
        lines[k] = line.rstrip() if k < last else line  # and the last may go on with code
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)), had_html


def clean_text(text: str, story_format: str | None = None) -> CleanText:
    """A passage's text as Samenspel narrative: links, HTML tags and comments removed; story-format code
    (macros, hooks, ``$variables``, Snowman's ``<% %>``, Chapbook's inserts and modifiers) kept as it is
    and never run, with ``TODO_CODE_LINE`` under the text; outside the code ``''bold''`` and
    ``//italic//`` made Markdown and lines unindented."""
    fmt = (story_format or "").lower()
    text = remove_links(text)
    removed: list[str] = []
    comments = False
    for opening, closing in _COMMENTS:
        text, cut = _cut(text, opening, closing)
        comments = comments or cut
    if comments:
        removed.append("comments")
    found = _sugarcube_code(text)
    if fmt in ("", "harlowe"):
        found += _harlowe_code(text)
    if fmt in ("", "snowman"):
        found += _snowman_code(text)
    if fmt == "chapbook":
        found += _chapbook_code(text)
    if fmt in ("", "harlowe", "sugarcube"):  # a $variable outside the code found so far
        i = 0
        for start, end in [*_merged(found), (len(text), len(text))]:
            found += [(*m.span(), m.group()) for m in _VARIABLE.finditer(text, i, start)]
            i = end
    found.sort(key=lambda code: (code[0], -code[1]))
    pieces: list[str] = []
    i, had_html = 0, False
    for start, end in [*_merged(found), (len(text), len(text))]:
        prose, html_here = _prose(text[i:start], markdown=fmt == "chapbook")
        pieces += [prose, text[start:end]]
        i, had_html = end, had_html or html_here
    if had_html:
        removed.append("HTML")
    code = list(dict.fromkeys(name for _start, _end, name in found if name))
    cleaned = "".join(pieces).strip()
    if code:
        cleaned = f"{cleaned}\n\n{TODO_CODE_LINE}"
    return CleanText(cleaned, removed, code)


def _todo_choice(choice_id: str, text: str, target: str) -> dict[str, Any]:
    return {
        "id": choice_id,
        "text": text,
        "target": target,
        "principles": {TODO: 1},
        "reaction": TODO,
        "feedback": TODO,
    }


def _new_place(
    passage: Passage, links: list[Link], ids: _Ids, story_format: str | None
) -> tuple[str, dict[str, Any], CleanText]:
    """A passage as a node (``"node"``) or an ending (``"ending"``) with ``TODO`` fields; and its text
    as cleaned (what was removed, what code is kept)."""
    cleaned = clean_text(passage.text, story_format)
    text = cleaned.text
    distinct = _distinct(links)
    if not distinct:
        ending = {"title": passage.name, "outcome": TODO, "text": text or TODO, "debrief": TODO}
        return "ending", ending, cleaned
    node: dict[str, Any] = {"text": text} if text else {}
    if len(distinct) == 1:
        node["routes"] = [{"target": ids.of[distinct[0].target]}]
    else:
        letters = _choice_ids(())
        node["choices"] = [_todo_choice(next(letters), link.text, ids.of[link.target]) for link in distinct]
    return "node", node, cleaned


def _placeholders(title: str | None, scenario_id: str, start: str) -> dict[str, Any]:
    return {
        "format_version": 1,
        "id": scenario_id,
        "title": title or TODO,
        "summary": TODO,
        "school_type": TODO,
        "theme": TODO,
        "minutes": TODO,
        "learning_goals": [TODO],
        "principles": [TODO],
        "persona": {"role": TODO, "description": TODO, "label": TODO},
        "context": TODO,
        "anticipate": TODO,
        "variables": {"vertrouwen": {"label": TODO, "initial": 50}},
        "start": start,
        "nodes": {},
        "endings": {},
    }


def _start_passage(story: _Story) -> Passage:
    names = {p.name: p for p in story.passages}
    start = story.data.get("start")
    if isinstance(start, str) and start in names:
        return names[start]
    fallback = names.get("Start") or story.passages[0]
    if isinstance(start, str):
        story.notes.append(
            f"StoryData names start passage {start!r}, which does not exist; starting at {fallback.name!r}"
        )
    return fallback


def _text_notes(cleaned: dict[str, CleanText]) -> list[str]:
    """A note per passage whose code is kept as text, one on what to do with it, one on the passages
    that lost HTML or comments."""
    notes: list[str] = []
    for name, clean in cleaned.items():
        if clean.code:
            more = f" and {len(clean.code) - _MAX_NAMED} more" if len(clean.code) > _MAX_NAMED else ""
            notes.append(
                f"passage {name!r} holds Twine code, kept as text and never run: {', '.join(clean.code[:_MAX_NAMED])}"
                f"{more}"
            )
    if any(clean.code for clean in cleaned.values()):
        notes.append(
            f'Samenspel runs no Twine code: under each text with code is the line "{TODO_CODE_LINE}"; rewrite the '
            "text without the code (a variable or a condition is a choice's effects or a route's condition in the "
            "YAML) or remove the code, then that line"
        )
    lost = {name: clean.removed for name, clean in cleaned.items() if clean.removed}
    if lost:
        kinds = " and ".join(sorted({kind for kinds in lost.values() for kind in kinds}))
        names = ", ".join(repr(name) for name in lost)
        notes.append(f"removed {kinds} from {len(lost)} passage(s): {names}; check these texts")
    return notes


def _lint_note(data: dict[str, Any]) -> list[str]:
    """The note that the linter lists every ``TODO``, when the draft has one."""
    if not _TODO_WORD.search(json.dumps(data, ensure_ascii=False)):
        return []
    return [
        "python -m modules lint FILE (FILE: the scenario file written) lists every place still to fill in: "
        f"each {TODO} is an error until it is filled in"
    ]


def _validated(data: dict[str, Any]) -> Scenario | None:
    try:
        return Scenario.model_validate(data)
    except ValidationError:
        return None


def _import_foreign(story: _Story) -> ImportResult:
    ids = _Ids()
    for passage in story.passages:
        ids.add(passage.name)
    story_format = _story_format(story.data)
    start = _start_passage(story)
    scenario_id = slug(story.title or "") or slug(PurePath(story.source).stem) or "twine-verhaal"
    data = _placeholders(story.title, scenario_id, ids.of[start.name])
    cleaned: dict[str, CleanText] = {}
    counts = {"node": 0, "ending": 0}
    for passage in story.passages:
        kind, place, cleaned[passage.name] = _new_place(passage, story.links[passage.name], ids, story_format)
        data["nodes" if kind == "node" else "endings"][ids.of[passage.name]] = place
        counts[kind] += 1
    notes = list(story.notes)
    if story.title is None:
        notes.append("the file has no StoryTitle: the title is TODO")
    notes.append(
        f"read a Twine story of {len(story.passages)} passage(s) as {counts['node']} node(s) and "
        f"{counts['ending']} ending(s) (a passage without links is an ending)"
    )
    single = [p.name for p in story.passages if len(_distinct(story.links[p.name])) == 1]
    if single:
        notes.append(
            f"{len(single)} passage(s) with one link go on by themselves (a route, no choice): "
            + ", ".join(repr(name) for name in single)
        )
    many = [p.name for p in story.passages if len(_distinct(story.links[p.name])) > 4]
    if many:
        notes.append(
            "a decision has 2 to 4 choices; these passages have more links: " + ", ".join(repr(n) for n in many)
        )
    notes += _text_notes(cleaned)
    notes.append(
        f"{TODO} marks what Twine does not have and a scenario needs (summary, school type, theme, minutes, "
        "learning goals, principles, persona, context, the anticipate question, the trust variable's label, each "
        "choice's reaction, feedback and principles, each ending's outcome and debrief, and Twine code to rewrite)"
    )
    notes += _lint_note(data)
    return ImportResult(scenario_id, to_yaml(data), notes, _validated(data), from_samenspel=False)


# --- import of a file Samenspel exported --------------------------------------------------------


def _comparable(text: str) -> str:
    """Passage text without its links and with its spacing normalised, to see whether it was edited."""
    return " ".join(remove_links(text).split())


def _merge_choices(
    node_id: str, node: dict[str, Any], links: list[Link], ids: _Ids, notes: list[str]
) -> list[dict[str, Any]]:
    """The node's choices after the author's edits of its links in Twine (see the module's docstring)."""
    choices: list[dict[str, Any]] = node.get("choices", [])
    shown = [(_link_text(c["text"], c["id"]), c["target"]) for c in choices]
    wanted = [(link.text, ids.of[link.target]) for link in _distinct(links)]
    if shown == wanted:
        return choices
    matched: dict[int, int] = {}  # link index -> choice index
    free = set(range(len(choices)))
    rules = (
        lambda li, ci: wanted[li] == shown[ci],
        lambda li, ci: wanted[li][1] == shown[ci][1],  # same target: the text was edited
        lambda li, ci: wanted[li][0] == shown[ci][0],  # same text: the target was changed
    )
    for rule in rules:
        for li in range(len(wanted)):
            if li in matched:
                continue
            for ci in sorted(free):
                if rule(li, ci):
                    matched[li] = ci
                    free.discard(ci)
                    break
    taken = [c["id"] for c in choices] + [old for c in choices for old in c.get("was", [])]
    letters = _choice_ids(taken)
    result: list[dict[str, Any]] = []
    for li, (text, target) in enumerate(wanted):
        if li in matched:
            choice = dict(choices[matched[li]])
            old_text, old_target = shown[matched[li]]
            if text != old_text:
                choice["text"] = text
                notes.append(f"node {node_id!r}: the text of choice {choice['id']!r} was edited in Twine: taken over")
            if target != old_target:
                choice["target"] = target
                notes.append(f"node {node_id!r}: choice {choice['id']!r} now leads to {target!r} (was {old_target!r})")
            result.append(choice)
        else:
            new = _todo_choice(next(letters), text, target)
            notes.append(
                f"node {node_id!r}: new link to {target!r} in Twine: new choice {new['id']!r}; "
                f"fill in its reaction, feedback and principles ({TODO})"
            )
            result.append(new)
    for ci in sorted(free):
        notes.append(
            f"node {node_id!r}: the link of choice {choices[ci]['id']!r} (to {choices[ci]['target']!r}) "
            "was removed in Twine: the choice is dropped"
        )
    if not result:
        notes.append(f"node {node_id!r} has no links left: make it an ending or give it choices")
    return result


def _merge(original: Scenario, data: dict[str, Any], story: _Story, notes: list[str]) -> dict[str, Any]:
    """The scenario's data with the author's edits in Twine taken over where they can be."""
    merged = copy.deepcopy(data)
    places = [*original.nodes, *original.endings]
    ids = _Ids(places)
    ids.of.update({place: place for place in places})
    for passage in story.passages:
        if passage.name not in ids.of:
            ids.add(passage.name)
    present = {p.name for p in story.passages}
    by_name = {p.name: p for p in story.passages}

    if story.title and story.title != _one_line(original.title):
        merged["title"] = story.title
        notes.append(f"the title was changed in Twine to {story.title!r}: taken over")
    start = story.data.get("start")
    if isinstance(start, str) and start != original.start:
        if start in present and ids.of[start] in original.nodes:
            merged["start"] = ids.of[start]
            notes.append(f"the start was changed in Twine to {start!r}: taken over")
        else:
            notes.append(f"StoryData's start {start!r} is not a node: the start stays {original.start!r}")

    for node_id, node in original.nodes.items():
        passage = by_name.get(node_id)
        if passage is None:
            del merged["nodes"][node_id]
            notes.append(f"passage {node_id!r} was removed in Twine: node {node_id!r} is left out")
            continue
        links = story.links[node_id]
        if node.routes:
            shown = [(_route_text(r.condition), r.target) for r in node.routes]
            if [(link.text, ids.of[link.target]) for link in _distinct(links)] != shown:
                notes.append(
                    f"node {node_id!r} goes on by routes; its links were changed in Twine, which is not taken "
                    "over: edit routes in the YAML"
                )
        else:
            merged["nodes"][node_id]["choices"] = _merge_choices(node_id, merged["nodes"][node_id], links, ids, notes)
        if _comparable(passage.text) != _comparable(_node_text(original, node)):
            notes.append(
                f"the text of passage {node_id!r} was edited in Twine; Samenspel keeps its own text: "
                "copy the change into the YAML"
            )
    outcomes = {o.value for o in Outcome}
    for ending_id, ending in original.endings.items():
        passage = by_name.get(ending_id)
        if passage is None:
            del merged["endings"][ending_id]
            notes.append(f"passage {ending_id!r} was removed in Twine: ending {ending_id!r} is left out")
            continue
        tagged = [tag for tag in passage.tags if tag in outcomes]
        if len(tagged) == 1 and tagged[0] != ending.outcome.value:
            merged["endings"][ending_id]["outcome"] = tagged[0]
            notes.append(f"ending {ending_id!r}: the outcome tag was changed in Twine to {tagged[0]!r}: taken over")
        if story.links[ending_id]:
            notes.append(f"ending {ending_id!r} has links in Twine; an ending has no choices: they are left out")
        if _comparable(passage.text) != _comparable(_ending_text(original, ending)):
            notes.append(
                f"the text of passage {ending_id!r} was edited in Twine; Samenspel keeps its own text: "
                "copy the change into the YAML"
            )
    cleaned: dict[str, CleanText] = {}
    story_format = _story_format(story.data)
    for passage in story.passages:
        if passage.name in places:
            continue
        kind, place, cleaned[passage.name] = _new_place(passage, story.links[passage.name], ids, story_format)
        place_id = ids.of[passage.name]
        merged.setdefault("nodes" if kind == "node" else "endings", {})[place_id] = place
        notes.append(f"new passage {passage.name!r} in Twine: new {kind} {place_id!r}; fill in its {TODO} fields")
    notes += _text_notes(cleaned)
    notes += _lint_note(merged)
    return merged


def _import_samenspel(story: _Story, data_passage: Passage) -> ImportResult:
    payload = _json_object(data_passage, story.source, DATA_PASSAGE)
    version = payload.get("samenspel_twee")
    if not isinstance(version, int) or version < 1:
        raise TweeError(f"the {DATA_PASSAGE} passage has no 'samenspel_twee' version", data_passage.line, story.source)
    if version > DATA_VERSION:
        raise TweeError(
            f"the {DATA_PASSAGE} passage was written by a newer Samenspel (layout {version}; this one reads "
            f"{DATA_VERSION}): update Samenspel",
            data_passage.line,
            story.source,
        )
    data = payload.get("scenario")
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):  # pyright: ignore[reportUnknownMemberType]
        raise TweeError(f"the {DATA_PASSAGE} passage holds no scenario", data_passage.line, story.source)
    data = dict(data)  # pyright: ignore[reportUnknownArgumentType]
    notes = list(story.notes)
    try:
        original = Scenario.model_validate(data)
    except ValidationError as exc:
        notes.append(
            f"the scenario in {DATA_PASSAGE} does not pass the schema ({exc.error_count()} problem(s)); "
            "Twine's edits were not compared: run the linter on the YAML"
        )
        given = str(data["id"])  # becomes a file name: only a valid id as it is
        scenario_id = given if _ID_PATTERN.match(given) else slug(given) or "twine-verhaal"
        return ImportResult(scenario_id, to_yaml(data), notes, None, from_samenspel=True)
    merged = _merge(original, data, story, notes)
    return ImportResult(original.id, to_yaml(merged), notes, _validated(merged), from_samenspel=True)


def read_twee(path: Path) -> str:
    """A Twee file's text: ``TweeError`` when it is too large or not UTF-8 (``OSError`` when unreadable)."""
    if path.stat().st_size > MAX_CHARS * 4:  # UTF-8 has at most 4 bytes a character
        raise TweeError(f"the file is larger than a Twee file may be ({MAX_CHARS:,} characters)", None, path.name)
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise TweeError("the file is not UTF-8 text: save it as UTF-8", line, path.name) from exc


def import_twee(text: str, *, source: str = "<twee>") -> ImportResult:
    """A Twee file as a scenario draft and notes; ``TweeError`` for input that cannot be used.
    ``source`` names the file in messages (and gives the id when the story has no title)."""
    story = _read_story(text, source)
    data_passage = story.by_name.get(DATA_PASSAGE)
    if data_passage is not None:
        return _import_samenspel(story, data_passage)
    return _import_foreign(story)
