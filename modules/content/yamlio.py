"""YAML loading that keeps line numbers, so errors can point into the file.

ruamel.yaml's round-trip loader records, for every mapping key and sequence
item, the line and column it came from. ``locate`` turns a pydantic error
location such as ``("nodes", "begin", "choices", 1, "target")`` into a
1-based line number of that place in the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError


class YamlSyntaxError(ValueError):
    """A file that is not valid YAML; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def parse_yaml(text: str) -> Any:
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(f"YAML syntax error: {problem}", line) from exc
    except YAMLError as exc:
        raise YamlSyntaxError(f"YAML error: {exc}") from exc


def load_yaml_file(path: Path) -> Any:
    return parse_yaml(Path(path).read_text(encoding="utf-8"))


def to_plain(data: Any) -> Any:
    """Convert ruamel's commented containers into plain dicts and lists."""
    if isinstance(data, dict):
        return {str(k): to_plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [to_plain(v) for v in data]
    return data


def locate(data: Any, loc: tuple[Any, ...]) -> int | None:
    """Best 1-based line for a path into ``data``: the deepest part that exists."""
    line: int | None = None
    node = data
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            pos = node.lc.key(part)
            line = pos[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            pos = node.lc.item(part)
            line = pos[0] + 1
            node = node[part]
        else:
            break
    return line
