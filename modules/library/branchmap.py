"""The branch map of a scenario, for authors: the whole play graph as Graphviz DOT, and as SVG.

``to_dot`` draws every node and ending of a scenario: decisions as boxes, automatic splits
(``routes``) as small ellipses, endings as rounded boxes filled by outcome. An arrow per choice
(dashed when it has a condition) and per route (dotted, with its condition or "anders"). A node
the linter flags gets a red border and a ⚠; ``highlight`` gives one node a thick blue border.
The text is deterministic: nodes in the order of the file, then the targets that are missing.

``to_svg`` renders DOT with the ``graphviz-pure`` command (a self-contained Graphviz port that
pip installs next to the interpreter), bounded in input, time and output; ``None`` when it
cannot, and the page offers the DOT file instead. Pure: no Streamlit here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from modules.content.scenario import Ending, Node, Outcome, Scenario
from modules.library.lint import Problem
from modules.play.debrief import OUTCOME_LABELS

COMMAND = "graphviz-pure"
MAX_DOT_BYTES = 1_000_000  # a bundled scenario's map is about 20 kB
MAX_SVG_BYTES = 20_000_000
WRAP = 28  # characters per label line
FONT = "Arial"  # metric-compatible with the Arimo font graphviz-pure measures with

INK = "#1a1a1a"  # text on every fill below: contrast 12:1 or more
LINE = "#4b5563"
FLAG = "#c62828"  # the linter flags this node (5.6:1 on white)
HERE = "#1d4ed8"  # "you are here"
DECISION_FILL = "#ffffff"
ROUTE_FILL = "#eef1f5"
# outcome -> (fill, border): light fills with dark text, borders in the same hue
OUTCOME_COLOURS: dict[Outcome, tuple[str, str]] = {
    Outcome.sterk: ("#d4efd9", "#2e7d32"),
    Outcome.gemengd: ("#fde7bf", "#a15c00"),
    Outcome.zwak: ("#f8d3d3", "#b3261e"),
}
LEGEND_ID = "__legenda"  # ids of the map's own nodes start with "_", which no scenario id can

_ENTITYLESS = str.maketrans({"&": "&amp;"})  # Graphviz decodes entities in labels and tooltips


# --- text ---------------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """One line of text: whitespace collapsed, control and format characters (which XML cannot hold) gone."""
    text = "".join(" " if ch.isspace() else ch for ch in text)
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    return " ".join(text.split())


def _prose(text: str) -> str:
    """Markdown as plain words: emphasis and code marks off, heading and quote marks at line starts off."""
    lines = (re.sub(r"^\s*(#{1,6}|>+)\s+", "", line) for line in text.splitlines())
    return re.sub(r"\*+|`+", "", " ".join(lines))


def _shorten(text: str, limit: int) -> str:
    text = _plain(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, width: int = WRAP, lines: int = 3) -> list[str]:
    """``text`` in at most ``lines`` lines of about ``width`` characters; a cut is marked with an ellipsis."""
    wrapped = textwrap.wrap(_plain(text), width=width, break_long_words=True, break_on_hyphens=True)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return wrapped


def _escape(text: str) -> str:
    """The inside of a DOT string: backslashes and quotes escaped, so no text can end or bend it."""
    return _plain(text).replace("\\", "\\\\").replace('"', '\\"').translate(_ENTITYLESS)


def quote_id(value: str) -> str:
    """A DOT id as a quoted string, safe for any text."""
    return '"' + _escape(value) + '"'


def _text(value: str) -> str:
    """A one-line DOT string for a tooltip or a title."""
    return '"' + _escape(value) + '"'


def _label(lines: Iterable[str]) -> str:
    """A centred multi-line DOT label; each line escaped on its own, joined by DOT's own line break."""
    return '"' + "\\n".join(_escape(line) for line in lines if _plain(line)) + '"'


def _attrs(**attrs: str | float | None) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:g}"
        parts.append(f"{key}={value}")
    return "[" + ", ".join(parts) + "]"


# --- what the linter flags ----------------------------------------------------------------------------


def place_of(location: str) -> str | None:
    """The node or ending id a linter location points into (``nodes.<id>...``, ``endings.<id>...``)."""
    parts = location.split(".")
    if len(parts) >= 2 and parts[0] in ("nodes", "endings") and parts[1]:
        return parts[1]
    return None


def flagged_places(problems: Iterable[Problem]) -> set[str]:
    """Ids of the nodes and endings that at least one problem points into."""
    return {place for p in problems if (place := place_of(p.location)) is not None}


def _messages(problems: Iterable[Problem]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in problems:
        place = place_of(p.location)
        if place is not None:
            found.setdefault(place, []).append(p.message)
    return {place: sorted(set(messages)) for place, messages in found.items()}  # the same map, whatever the order


def _flagged_arrows(problems: Iterable[Problem]) -> set[tuple[str, str, int]]:
    """(node id, "choices" or "routes", index) of the arrows a problem points into."""
    arrows: set[tuple[str, str, int]] = set()
    for p in problems:
        parts = p.location.split(".")
        if len(parts) >= 4 and parts[0] == "nodes" and parts[2] in ("choices", "routes") and parts[3].isdigit():
            arrows.add((parts[1], parts[2], int(parts[3])))
    return arrows


# --- the map ------------------------------------------------------------------------------------------


def outcome_label(outcome: Outcome) -> str:
    """What the app calls this outcome, e.g. 'Sterk partnerschap'."""
    return OUTCOME_LABELS[outcome.value]


def _opening(scenario: Scenario, node: Node) -> str:
    """The start of what happens in a node: its narrative, or else its first line of dialogue."""
    if _plain(node.text):
        return _prose(node.text)
    for line in node.lines:
        speaker = scenario.speaker_label(line.speaker)
        return f"{speaker}: {_prose(line.text)}" if speaker else _prose(line.text)
    return ""


def _node_statement(
    scenario: Scenario, node_id: str, node: Node, messages: list[str] | None, highlight: str | None
) -> str:
    warn = "⚠ " if messages else ""
    head = [f"▶ start · {node_id}"] if node_id == scenario.start else []
    if node.choices:
        star = " ★" if node.key_moment else ""
        lines = head or [node_id]
        lines = [warn + lines[0] + star, *_wrap(_opening(scenario, node), lines=3)]
        shape, fill, size, margin = "box", DECISION_FILL, 11.0, "0.12,0.06"
    else:
        lines = [warn + (head or [node_id])[0]]
        shape, fill, size, margin = "ellipse", ROUTE_FILL, 10.0, "0.05,0.03"
    colour, width = LINE, 1.0
    if node_id == scenario.start:
        width = 2.5
    if messages:
        colour, width = FLAG, 2.5
    if node_id == highlight:
        colour, width = HERE, 4.0
    tooltip = "; ".join(messages) if messages else _opening(scenario, node)
    attrs = _attrs(
        label=_label(lines),
        shape=shape,
        style='"filled,bold"' if node_id == scenario.start else "filled",
        fillcolor=_text(fill),
        color=_text(colour),
        penwidth=width,
        fontsize=size,
        margin=_text(margin),
        tooltip=_text(_shorten(tooltip, 300)) if tooltip else None,
    )
    return f"  {quote_id(node_id)} {attrs};"


def _ending_statement(ending_id: str, ending: Ending, messages: list[str] | None, highlight: str | None) -> str:
    fill, colour = OUTCOME_COLOURS[ending.outcome]
    width = 1.5
    if messages:
        colour, width = FLAG, 2.5
    if ending_id == highlight:
        colour, width = HERE, 4.0
    warn = "⚠ " if messages else ""
    title = _wrap(ending.title, lines=2)
    lines = [
        warn + (title[0] if title else ending_id),
        *title[1:],
        outcome_label(ending.outcome),
        f"einde · {ending_id}",
    ]
    attrs = _attrs(
        label=_label(lines),
        shape="box",
        style='"rounded,filled"',
        fillcolor=_text(fill),
        color=_text(colour),
        penwidth=width,
        tooltip=_text(_shorten("; ".join(messages) if messages else _prose(ending.text), 300)),
    )
    return f"  {quote_id(ending_id)} {attrs};"


def _condition(condition: str) -> list[str]:
    """A condition as the file has it, in up to four lines: an author needs all of it."""
    return _wrap("als " + condition, width=WRAP + 6, lines=4)


def _edges(scenario: Scenario, node_id: str, node: Node, flagged: set[tuple[str, str, int]]) -> list[str]:
    statements = []
    for i, choice in enumerate(node.choices):
        lines = _wrap(f"{choice.id}: {_prose(choice.text)}", width=WRAP, lines=2)
        if choice.condition:
            lines.extend(_condition(choice.condition))
        bad = (node_id, "choices", i) in flagged
        attrs = _attrs(
            label=_label(lines),
            style="dashed" if choice.condition else None,
            color=_text(FLAG) if bad else None,
            fontcolor=_text(FLAG) if bad else None,
            penwidth=2.0 if bad else None,
            tooltip=_text(_shorten(_prose(choice.text), 300)),
        )
        statements.append(f"  {quote_id(node_id)} -> {quote_id(choice.target)} {attrs};")
    for i, route in enumerate(node.routes):
        default = "anders" if len(node.routes) > 1 else "verder"  # a single route is no choice between ways
        text = _condition(route.condition) if route.condition else [default]
        bad = (node_id, "routes", i) in flagged
        attrs = _attrs(
            label=_label(text),
            style="dotted",
            penwidth=2.0 if bad else 1.5,
            color=_text(FLAG) if bad else None,
            fontcolor=_text(FLAG) if bad else None,
        )
        statements.append(f"  {quote_id(node_id)} -> {quote_id(route.target)} {attrs};")
    return statements


def _legend() -> list[str]:
    """A small legend in Dutch, as one table node (fixed text, no scenario text in it)."""
    rows = [
        ("#ffffff", LINE, "beslissing (★ sleutelmoment)"),
        (ROUTE_FILL, LINE, "gaat automatisch verder"),
        *((fill, border, f"einde: {outcome_label(outcome)}") for outcome, (fill, border) in OUTCOME_COLOURS.items()),
        ("#ffffff", FLAG, "⚠ de linter meldt hier iets"),
        ("#ffffff", HERE, "jij bent hier"),
    ]
    cells = "".join(
        f'<tr><td bgcolor="{fill}" color="{border}" border="2" width="22"> </td>'
        f'<td align="left" border="0">{text}</td></tr>'
        for fill, border, text in rows
    )
    arrows = "".join(
        f'<tr><td border="0">{mark}</td><td align="left" border="0">{text}</td></tr>'
        for mark, text in (
            ("──", "keuze"),
            ("- -", "keuze met voorwaarde (als …)"),
            ("···", "automatisch: als … / anders"),
        )
    )
    table = (
        '<<table border="1" color="#9ca3af" cellborder="0" cellspacing="3" cellpadding="2">'
        f'<tr><td colspan="2" align="left"><b>Legenda</b></td></tr>{cells}{arrows}</table>>'
    )
    return [f"  {quote_id(LEGEND_ID)} [shape=plain, fontsize=10, label={table}];"]


def to_dot(scenario: Scenario, problems: Sequence[Problem] = (), *, highlight: str | None = None) -> str:
    """The scenario as a Graphviz digraph, top to bottom, for ``st.graphviz_chart`` or ``to_svg``."""
    messages = _messages(problems)
    arrows = _flagged_arrows(problems)
    known = set(scenario.nodes) | set(scenario.endings)
    out = [
        f"digraph {quote_id(scenario.id)} {{",
        f"  graph [rankdir=TB, label={_text(scenario.title)}, labelloc=t, fontname={_text(FONT)}, fontsize=16,"
        ' nodesep=0.35, ranksep=0.5, bgcolor="white", pad=0.2];',
        f'  node [fontname={_text(FONT)}, fontsize=11, fontcolor="{INK}", color="{LINE}"];',
        f'  edge [fontname={_text(FONT)}, fontsize=9, fontcolor="{INK}", color="{LINE}", arrowsize=0.7];',
    ]
    for node_id, node in scenario.nodes.items():
        out.append(_node_statement(scenario, node_id, node, messages.get(node_id), highlight))
    for ending_id, ending in scenario.endings.items():
        out.append(_ending_statement(ending_id, ending, messages.get(ending_id), highlight))
    targets = [c.target for n in scenario.nodes.values() for c in n.choices]
    targets += [r.target for n in scenario.nodes.values() for r in n.routes]
    for missing in sorted(set(targets) - known):
        attrs = _attrs(
            label=_label([f"⚠ ontbreekt: {missing}"]),
            shape="box",
            style="dashed",
            color=_text(FLAG),
            fontcolor=_text(FLAG),
            penwidth=2.0,
        )
        out.append(f"  {quote_id(missing)} {attrs};")
    for node_id, node in scenario.nodes.items():
        out.extend(_edges(scenario, node_id, node, arrows))
    out.extend(_legend())
    out.append("}")
    return "\n".join(out) + "\n"


# --- rendering ----------------------------------------------------------------------------------------


def renderer() -> str | None:
    """The ``graphviz-pure`` command: next to this Python first (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / COMMAND
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(COMMAND)


def to_svg(dot: str, *, timeout: float = 10.0) -> bytes | None:
    """The DOT drawn as SVG by ``graphviz-pure``, or ``None`` when it is too big, the command is
    missing, fails, takes longer than ``timeout`` seconds or writes more than ``MAX_SVG_BYTES``."""
    data = dot.encode("utf-8", errors="replace")
    if len(data) > MAX_DOT_BYTES:
        return None
    command = renderer()
    if command is None:
        return None
    try:
        proc = subprocess.Popen(  # a list of arguments, never a shell
            [command, "-Tsvg"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    stdin, stdout = proc.stdin, proc.stdout
    assert stdin is not None and stdout is not None
    killed = threading.Event()

    def stop() -> None:
        killed.set()
        proc.kill()

    def feed() -> None:
        try:
            stdin.write(data)
            stdin.close()
        except OSError:
            pass  # the renderer stopped reading: its exit code tells

    timer = threading.Timer(timeout, stop)
    timer.start()
    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := stdout.read(1 << 16):
            size += len(chunk)
            if size > MAX_SVG_BYTES:
                stop()
                break
            chunks.append(chunk)
        stdout.close()
        code = proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        writer.join(timeout=1.0)
    svg = b"".join(chunks)
    if killed.is_set() or code != 0 or b"<svg" not in svg or b"<script" in svg.lower():
        return None
    return svg
