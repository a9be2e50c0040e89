"""YAML loading that keeps line numbers, so errors can point into the file.

Two loaders, one YAML (1.2, duplicate keys refused): ``parse_plain`` is the fast one (the
C parser, plain data) for files that turn out clean; ``parse_yaml`` is the round-trip
loader with line records, used to point at a problem.

ruamel.yaml's round-trip loader records, for every mapping key and sequence
item, the line and column it came from. ``locate`` turns a pydantic error
location such as ``("nodes", "begin", "choices", 1, "target")`` into a
1-based line number of that place in the file.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError


class YamlSyntaxError(ValueError):
    """A file that is not valid YAML, in plain English; ``line`` and ``column`` are 1-based when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


class NotUtf8Error(ValueError):
    """A file that is not UTF-8 text; ``line`` is where the first bad byte stands."""

    def __init__(self, line: int, column: int):
        super().__init__("the file is not UTF-8 text: save it as UTF-8 (in most editors: Save as, encoding UTF-8)")
        self.line = line
        self.column = column


# ruamel.yaml's wording -> what an author can do about it (checked in order, first match wins)
_HINTS: tuple[tuple[str, str], ...] = (
    ("found character '\\t'", "a tab is used for indentation: use spaces"),
    (
        "mapping values are not allowed",
        "a colon inside a value needs quotes around the whole value "
        '(text: "Let op: ..."), or the line above misses its colon',
    ),
    ("found duplicate key", "this key appears twice in the same block: keep one"),
    ("found unexpected end of stream", "a quote is opened but never closed"),
    ("could not find expected ':'", "a line misses the colon after its key"),
    ("expected ',' or ']'", "a list in square brackets [ ] is not closed"),
    ("expected ',' or '}'", "a mapping in braces { } is not closed"),
    ("expected <block end>", "the indentation does not line up: the lines of one block start in the same column"),
    ("did not find expected '-' indicator", "the indentation of a list does not line up: each item starts with '-'"),
    (
        "did not find expected key",
        "the indentation does not line up, or a value that starts with a quote has text after the closing quote",
    ),
)


def _explain(problem: str) -> str:
    for needle, hint in _HINTS:
        if needle in problem:
            return hint
    return f"not valid YAML here ({problem})"


def _yaml() -> Any:  # ruamel.yaml has no type hints for its loader
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def _fast_yaml() -> Any:  # a new loader per call: ruamel.yaml's loaders are not thread-safe
    yaml = YAML(typ="safe", pure=not _C_LOADER)
    yaml.allow_duplicate_keys = False
    return yaml


# ruamel.yaml.clib: libyaml's C parser, about ten times faster than the pure-Python one (which gives the
# same data, slower, where the C extension is missing)
_C_LOADER = importlib.util.find_spec("_ruamel_yaml") is not None


def parse_plain(text: str) -> Any:
    """Plain data (dicts, lists, scalars; YAML 1.2 like ``parse_yaml``) without line records, with the C
    parser: for a file that turns out clean. ``None`` when the text is not valid YAML: ``parse_yaml``
    then says where and why."""
    try:
        return _fast_yaml().load(text)
    except YAMLError:
        return None


def parse_yaml(text: str) -> Any:
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        error: Any = exc  # ruamel.yaml's marks are untyped
        problem: str = str(error.problem or error.context or "")
        # Something opened and never closed (a quote, [ or {) is reported where the parser gave up:
        # point at where it was opened instead.
        unclosed = "end of stream" in problem or "expected ',' or" in problem
        mark = error.context_mark if unclosed and error.context_mark else error.problem_mark
        mark = mark or error.context_mark
        line: int | None = mark.line + 1 if mark is not None else None
        column: int | None = mark.column + 1 if mark is not None else None
        raise YamlSyntaxError(f"YAML: {_explain(problem)}", line, column) from exc
    except YAMLError as exc:
        raise YamlSyntaxError(f"YAML: not valid YAML ({exc})") from exc


def read_text(path: Path) -> str:
    """A file's text; ``NotUtf8Error`` with the line and column of the first byte that is not UTF-8."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise NotUtf8Error(line, column) from exc


def load_yaml_file(path: Path) -> Any:
    return parse_yaml(read_text(path))


def to_plain(data: Any) -> Any:
    """Convert ruamel's commented containers into plain dicts and lists."""
    if isinstance(data, dict):
        mapping: dict[Any, Any] = data  # pyright: ignore[reportUnknownVariableType]
        return {str(k): to_plain(v) for k, v in mapping.items()}
    if isinstance(data, list):
        items: list[Any] = data  # pyright: ignore[reportUnknownVariableType]
        return [to_plain(v) for v in items]
    return data


def locate(data: Any, loc: tuple[Any, ...]) -> int | None:
    """Best 1-based line for a path into ``data``: the deepest part that exists."""
    line: int | None = None
    node: Any = data  # ruamel.yaml's containers and their line records are untyped
    for part in loc:
        container: Any = node
        if isinstance(node, CommentedMap) and part in node:
            line = int(container.lc.key(part)[0]) + 1
            node = container[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = int(container.lc.item(part)[0]) + 1
            node = container[part]
        else:
            break
    return line
