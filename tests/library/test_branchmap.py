"""The branch map an author sees: every node, ending, choice and route drawn; flagged nodes marked; safe SVG."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from modules.content.scenario import Outcome, Scenario
from modules.content.yamlio import parse_plain, read_text
from modules.library import branchmap
from modules.library.lint import Problem, check_file
from tests.conftest import FIXTURES, ROOT

BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
SVG = "{http://www.w3.org/2000/svg}"


@cache
def checked(path: Path) -> tuple[Scenario, tuple[Problem, ...]]:
    """A scenario file as the author's page has it: validated, with the linter's problems (errors too)."""
    _, problems = check_file(path)
    return Scenario.model_validate(parse_plain(read_text(path))), tuple(problems)


def graph(dot: str) -> dict[str, Any]:
    """The DOT as Graphviz itself reads it (its JSON output), so the test does not parse DOT by hand."""
    command = branchmap.renderer()
    assert command, "graphviz-pure is in requirements.txt"
    done = subprocess.run([command, "-Tjson0"], input=dot.encode(), capture_output=True, timeout=30, check=True)
    return json.loads(done.stdout)


def scenario_nodes(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in data["objects"] if "nodes" not in o and not o["name"].startswith("_")}


def edges(data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    names = {o["_gvid"]: o["name"] for o in data["objects"]}
    return [(names[e["tail"]], names[e["head"]], e) for e in data.get("edges", [])]


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def nasty_scenario() -> Scenario:
    """A scenario whose texts try every way to break out of a DOT string or an SVG text."""
    evil = (
        'Zeg "hallo" \\ en \\"; } digraph x { a -> b <script>alert(1)</script> & &nbsp; &#0; \\n\\l\n\t\x00\x1b\u200b'
    )
    choice = {"text": evil, "reaction": evil, "feedback": evil}
    plain = {
        "id": "nare-tekst",
        "title": evil,
        "summary": evil,
        "school_type": "po",
        "minutes": 5,
        "learning_goals": [evil],
        "principles": ["informeel-contact"],
        "persona": {"role": evil, "description": evil, "label": evil},
        "context": evil,
        "anticipate": evil,
        "variables": {"vertrouwen": {"label": evil, "initial": 50}},
        "start": "begin",
        "nodes": {
            "begin": {
                "text": evil * 5,
                "choices": [
                    {"id": "a", "target": "splits", **choice},
                    {"id": "b", "target": "eind-zwak", "condition": "vertrouwen >= 50", **choice},
                ],
            },
            "splits": {
                "lines": [{"speaker": "ouder", "text": evil}],
                "routes": [{"target": "eind-sterk", "condition": "vertrouwen > 40"}, {"target": "eind-gemengd"}],
            },
        },
        "endings": {
            f"eind-{outcome.value}": {"title": evil, "outcome": outcome.value, "text": evil, "debrief": evil}
            for outcome in Outcome
        },
    }
    return Scenario.model_validate(plain)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_node_ending_choice_and_route_of_a_bundled_scenario_is_drawn(path):
    scenario, problems = checked(path)
    data = graph(branchmap.to_dot(scenario, problems))
    drawn = scenario_nodes(data)
    assert sorted(drawn) == sorted([*scenario.nodes, *scenario.endings])

    arrows = edges(data)
    expected = sorted(
        [(node_id, c.target) for node_id, node in scenario.nodes.items() for c in node.choices]
        + [(node_id, r.target) for node_id, node in scenario.nodes.items() for r in node.routes]
    )
    assert sorted((tail, head) for tail, head, _ in arrows) == expected

    for ending_id, ending in scenario.endings.items():
        fill, _border = branchmap.OUTCOME_COLOURS[ending.outcome]
        assert drawn[ending_id]["fillcolor"] == fill
        assert branchmap.outcome_label(ending.outcome) in drawn[ending_id]["label"]
        assert ending.title.split()[0] in drawn[ending_id]["label"]
    start = drawn[scenario.start]
    assert "start" in start["label"] and "bold" in start["style"]

    for node_id, node in scenario.nodes.items():
        out = [e for tail, _, e in arrows if tail == node_id]
        for choice, edge in zip(node.choices, out, strict=False):
            assert edge["label"].startswith(f"{choice.id}:")
            if choice.condition:
                assert f"als {choice.condition}" in edge["label"].replace("\\n", " ")
                assert edge["style"] == "dashed"
            else:
                assert "style" not in edge
        for route, edge in zip(node.routes, out, strict=False):
            assert edge["style"] == "dotted"
            if route.condition:
                assert edge["label"].replace("\\n", " ") == f"als {route.condition}"
            else:
                assert edge["label"] in ("anders", "verder")


def test_outcome_colours_keep_the_text_readable():
    for outcome in Outcome:
        fill, border = branchmap.OUTCOME_COLOURS[outcome]
        assert contrast(fill, branchmap.INK) >= 4.5, outcome
        assert contrast(border, "#ffffff") >= 3, outcome  # the border tells the outcome apart without the fill
    assert len({fill for fill, _ in branchmap.OUTCOME_COLOURS.values()}) == len(Outcome)
    assert contrast(branchmap.FLAG, "#ffffff") >= 4.5


@pytest.mark.parametrize(("name", "flagged"), [("dead-end.yaml", "plein"), ("unreachable-ending.yaml", "gehaast")])
def test_a_node_the_linter_flags_is_marked_red_with_a_warning_sign(name, flagged):
    scenario, problems = checked(FIXTURES / "broken" / name)
    assert flagged in branchmap.flagged_places(problems)
    drawn = scenario_nodes(graph(branchmap.to_dot(scenario, problems)))
    assert drawn[flagged]["color"] == branchmap.FLAG
    assert drawn[flagged]["label"].startswith("⚠")
    assert any(p.message in drawn[flagged]["tooltip"] for p in problems if branchmap.place_of(p.location) == flagged)
    for other in set(drawn) - branchmap.flagged_places(problems):
        assert "⚠" not in drawn[other]["label"] and drawn[other]["color"] != branchmap.FLAG
    assert branchmap.to_dot(scenario, problems) == branchmap.to_dot(scenario, problems[::-1])
    clean = scenario_nodes(graph(branchmap.to_dot(scenario)))
    assert "⚠" not in clean[flagged]["label"]


def test_flagged_places_reads_the_location_of_each_problem():
    problems = [
        Problem("f.yaml", 3, "nodes.kind-vertaalt.choices.1.target", "target 'x' is neither a node nor an ending"),
        Problem("f.yaml", 9, "endings.goed.facts.0", "fact 'y' is brought in by no scene or choice", "warning"),
        Problem("f.yaml", 1, "principles.0", "unknown principle id 'z'"),
        Problem("f.yaml", None, "", "the play states are too many to walk"),
    ]
    assert branchmap.flagged_places(problems) == {"kind-vertaalt", "goed"}


def test_a_missing_target_is_drawn_as_missing_and_its_arrow_red():
    scenario, _ = checked(BUNDLED[0])
    node_id, node = next((k, n) for k, n in scenario.nodes.items() if n.choices)
    broken_choice = node.choices[0].model_copy(update={"target": "bestaat-niet"})
    broken = scenario.model_copy(
        update={
            "nodes": {
                **scenario.nodes,
                node_id: node.model_copy(update={"choices": [broken_choice, *node.choices[1:]]}),
            }
        }
    )
    problem = Problem("f.yaml", 1, f"nodes.{node_id}.choices.0.target", "target 'bestaat-niet' is neither a node nor …")
    data = graph(branchmap.to_dot(broken, [problem]))
    assert "ontbreekt" in scenario_nodes(data)["bestaat-niet"]["label"]
    [edge] = [e for tail, head, e in edges(data) if (tail, head) == (node_id, "bestaat-niet")]
    assert edge["color"] == branchmap.FLAG


def test_highlight_gives_the_node_a_thick_blue_border():
    scenario, problems = checked(BUNDLED[0])
    here = next(iter(scenario.nodes))
    drawn = scenario_nodes(graph(branchmap.to_dot(scenario, problems, highlight=here)))
    assert drawn[here]["color"] == branchmap.HERE
    assert float(drawn[here]["penwidth"]) >= 3
    assert sum(1 for n in drawn.values() if n.get("color") == branchmap.HERE) == 1


def test_the_map_is_deterministic_and_has_a_dutch_legend():
    scenario, problems = checked(BUNDLED[-1])
    dot = branchmap.to_dot(scenario, problems)
    assert dot == branchmap.to_dot(scenario, list(reversed(problems)))
    assert "rankdir=TB" in dot and "Legenda" in dot
    for words in ("beslissing", "keuze met voorwaarde", "anders", "jij bent hier", "de linter meldt hier iets"):
        assert words in dot


def test_long_texts_are_wrapped_and_cut():
    scenario = nasty_scenario()
    drawn = scenario_nodes(graph(branchmap.to_dot(scenario)))
    for name, node in drawn.items():
        lines = node["label"].split("\\n")
        assert len(lines) <= 5, name
        assert all(len(line) <= branchmap.WRAP + 30 for line in lines), (name, lines)


def test_no_text_can_break_the_dot_or_the_svg():
    scenario = nasty_scenario()
    dot = branchmap.to_dot(scenario)
    data = graph(dot)  # Graphviz reads it: nothing escaped from a string
    assert sorted(scenario_nodes(data)) == sorted([*scenario.nodes, *scenario.endings])
    assert len(edges(data)) == 4
    svg = branchmap.to_svg(dot)
    assert svg is not None
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == f"{SVG}svg"
    assert not list(root.iter(f"{SVG}script"))
    assert b"<script" not in svg.lower()
    text = "".join(root.itertext())
    assert '"hallo"' in text and "<script>" in text  # shown as text, not as markup
    assert "als vertrouwen > 40" in text and "als vertrouwen >= 50" in text


def test_markdown_marks_are_left_out_but_conditions_stay_whole():
    scenario, problems = checked(FIXTURES / "broken" / "dead-end.yaml")
    node = scenario.nodes["plein"]
    marked = node.model_copy(update={"text": "> **Let op:** het is *druk* op het `plein`.\n# Kop", "lines": []})
    scenario = scenario.model_copy(update={"nodes": {"plein": marked}})
    label = scenario_nodes(graph(branchmap.to_dot(scenario, problems)))["plein"]["label"].replace("\\n", " ")
    assert "Let op: het is druk op het plein. Kop" in label
    labels = [e["label"].replace("\\n", " ") for _, _, e in edges(graph(branchmap.to_dot(scenario)))]
    assert any(label.endswith("als vertrouwen > 90") for label in labels), labels


@pytest.mark.parametrize("path", BUNDLED[:3], ids=lambda p: p.stem)
def test_the_svg_of_a_bundled_scenario_shows_every_ending_title(path):
    scenario, problems = checked(path)
    svg = branchmap.to_svg(branchmap.to_dot(scenario, problems))
    assert svg is not None
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{SVG}script")) and b"<script" not in svg.lower()
    text = " ".join(" ".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    words = " ".join(text.split())
    for ending in scenario.endings.values():
        for word in ending.title.split():
            assert word in words, ending.title
    assert scenario.title in words


def test_to_svg_gives_none_when_the_renderer_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(branchmap.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert branchmap.renderer() is None
    assert branchmap.to_svg("digraph { a -> b }") is None


def test_to_svg_gives_none_when_the_renderer_fails_or_the_dot_is_too_big(monkeypatch):
    assert branchmap.to_svg("digraph { a -> ") is None  # a syntax error: Graphviz exits non-zero
    assert branchmap.to_svg("digraph { " + "a;" * branchmap.MAX_DOT_BYTES + " }") is None
    monkeypatch.setattr(branchmap, "MAX_SVG_BYTES", 100)
    assert branchmap.to_svg("digraph { a -> b }") is None


def test_to_svg_stops_a_renderer_that_hangs(monkeypatch, tmp_path):
    slow = tmp_path / branchmap.COMMAND
    slow.write_text("#!/bin/sh\nexec sleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setattr(branchmap, "renderer", lambda: str(slow))
    assert branchmap.to_svg("digraph { a -> b }", timeout=0.5) is None
