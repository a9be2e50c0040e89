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


def _yaml() -> Any:  # ruamel.yaml has no type hints for its loader
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def parse_yaml(text: str) -> Any:
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        error: Any = exc  # ruamel.yaml's marks are untyped
        mark = error.problem_mark or error.context_mark
        line: int | None = mark.line + 1 if mark is not None else None
        problem: str = error.problem or error.context or "invalid YAML"
        raise YamlSyntaxError(f"YAML syntax error: {problem}", line) from exc
    except YAMLError as exc:
        raise YamlSyntaxError(f"YAML error: {exc}") from exc


def load_yaml_file(path: Path) -> Any:
    return parse_yaml(Path(path).read_text(encoding="utf-8"))


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
