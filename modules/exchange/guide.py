"""A facilitator's guide for a study session on one scenario, generated from the scenario itself.

Nothing is written twice: goals, context, the decisions that matter most with their discussion
prompts, the principles with their sources and the reflection questions all come from the scenario,
the catalogue and the ALACT form. Two formats: Markdown, and a self-contained HTML page that
prints on A4 (two sides at most).
"""

from __future__ import annotations

import html

import markdown
import nh3

from modules.content.memo import ObjectMemo
from modules.content.principles import Catalogue
from modules.content.scenario import Node, Scenario
from modules.play import reflection as alact

SCHOOL_TYPES = {"po": "basisonderwijs", "vo": "voortgezet onderwijs", "so": "speciaal onderwijs"}


def _decisions(scenario: Scenario) -> list[tuple[str, Node]]:
    """The decisions in the order a play-through meets them (breadth first from the start)."""
    order: list[str] = []
    queue = [scenario.start]
    while queue:
        node_id = queue.pop(0)
        node = scenario.nodes.get(node_id)
        if node is None or node_id in order:
            continue
        order.append(node_id)
        queue += [c.target for c in node.choices] + [r.target for r in node.routes]
    return [(node_id, scenario.nodes[node_id]) for node_id in order if scenario.nodes[node_id].choices]


MAIN_PRINCIPLES = 6  # with summary and source; the rest by name, so the page prints on two sides


def _by_weight(scenario: Scenario) -> list[str]:
    """The scenario's principles, the ones its choices honour most first (then in the declared order)."""
    honour = {pid: 0 for pid in scenario.principles}
    for node in scenario.nodes.values():
        for choice in node.choices:
            for pid, weight in choice.principles.items():
                if weight > 0 and pid in honour:
                    honour[pid] += weight
    return sorted(scenario.principles, key=lambda pid: -honour[pid])


def _timing(scenario: Scenario) -> list[str]:
    key = sum(1 for _, node in _decisions(scenario) if node.key_moment)
    return [
        "**45 minuten**",
        "",
        "- 5 min: lees samen de situatie en de leerdoelen; ieder schrijft kort op wat hij of zij wil bereiken.",
        f"- 25 min: speel het gesprek samen (stemmen per keuze). Bespreek alleen de {key} sleutelmomenten; "
        "kies bij de andere keuzes snel.",
        "- 10 min: het einde en de nabespreking met de groep: wat gebeurde er, welke principes kwamen terug?",
        "- 5 min: ieder schrijft één voornemen op.",
        "",
        "**90 minuten**",
        "",
        "- 10 min: de situatie, de leerdoelen en ieders vraag vooraf.",
        "- 40 min: speel het gesprek samen en bespreek bij elke keuze de gespreksvraag.",
        "- 15 min: de nabespreking; speel daarna één sleutelmoment opnieuw met een andere keuze.",
        "- 15 min: de reflectievragen hieronder, in tweetallen.",
        "- 10 min: voornemens delen, en afspreken wanneer je erop terugkijkt.",
    ]


# Built once per scenario object: the library page offers every scenario's guide on each of its reruns.
_GUIDES: ObjectMemo[str] = ObjectMemo(256)


def as_markdown(scenario: Scenario, catalogue: Catalogue) -> str:
    """The guide as Markdown (a file a facilitator can edit or print)."""
    return _GUIDES.get((scenario, catalogue), "md", lambda: _markdown(scenario, catalogue))


def _markdown(scenario: Scenario, catalogue: Catalogue) -> str:
    school = SCHOOL_TYPES.get(scenario.school_type.value, scenario.school_type.value)
    theme = f" · {scenario.theme.value}" if scenario.theme is not None else ""
    out = [
        f"# Handleiding studiebijeenkomst: {scenario.title}",
        "",
        f"*{school.capitalize()}{theme} · het gesprek duurt ongeveer {scenario.minutes} minuten*",
        "",
        scenario.summary.strip(),
        "",
        "## Leerdoelen",
        "",
        *(f"- {goal}" for goal in scenario.learning_goals),
        "",
        "## Vraag vooraf",
        "",
        scenario.anticipate.strip(),
        "",
        "## Tijdsplan",
        "",
        *_timing(scenario),
        "",
        "## De keuzes en de gespreksvragen",
        "",
        "Een ster (★) staat bij de sleutelmomenten: daar loont het gesprek het meest.",
        "",
    ]
    for number, (_, node) in enumerate(_decisions(scenario), start=1):
        star = "★ " if node.key_moment else ""
        prompt = (node.discussion or "").strip() or "Wat zou jij doen, en waarom?"
        out.append(f"{number}. {star}{prompt}")
    out += ["", "## Principes en bronnen", ""]
    ranked = [p for pid in _by_weight(scenario) if (p := catalogue.get(pid)) is not None]
    for principle in ranked[:MAIN_PRINCIPLES]:
        out.append(f"- **{principle.name}**: {principle.summary.strip()} *Bron: {principle.source.label()}*")
    if ranked[MAIN_PRINCIPLES:]:
        out += ["", f"Ook aan bod: {', '.join(p.name for p in ranked[MAIN_PRINCIPLES:])}."]
    out += ["", "## Reflectie met de groep (ALACT, Korthagen)", ""]
    for phase in alact.PHASES:
        questions = " ".join(q.label for q in phase.questions)
        out.append(f"- **{phase.title}.** {questions}")
    out += [
        f"- **Uitproberen.** {alact.INTENTION.label}",
        "",
        "*Schrijf geen namen van kinderen of ouders op, ook niet op flappen of in gedeelde documenten.*",
        "",
        f"Bron reflectie: {alact.SOURCE}",
        "",
    ]
    return "\n".join(out)


PRINT_CSS = """
@page { size: A4; margin: 14mm 16mm; }
body { font-family: system-ui, sans-serif; font-size: 10pt; line-height: 1.35; color: #111; max-width: 48em;
       margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 15pt; margin: 0 0 .3em; } h2 { font-size: 11.5pt; margin: 1em 0 .3em; }
ul, ol { margin: .2em 0 .4em; padding-left: 1.4em; } li { margin: .1em 0; } p { margin: .3em 0; }
@media print { body { margin: 0; padding: 0; max-width: none; } }
"""


def as_html(scenario: Scenario, catalogue: Catalogue) -> str:
    """The guide as one self-contained HTML page that prints on A4, two sides at most."""
    return _GUIDES.get((scenario, catalogue), "html", lambda: _html(scenario, catalogue))


# What the guide's Markdown makes; anything else an author wrote as HTML (in a summary, a goal, a
# discussion prompt: scenario texts come from teachers in the Werkplaats) is removed by Ammonia (nh3),
# as are links to anything but web and mail addresses.
GUIDE_TAGS = {"h1", "h2", "h3", "p", "ul", "ol", "li", "strong", "em", "a", "code", "blockquote", "br", "hr"}


def _html(scenario: Scenario, catalogue: Catalogue) -> str:
    made = markdown.markdown(as_markdown(scenario, catalogue), extensions=["sane_lists"])
    body = nh3.clean(made, tags=GUIDE_TAGS, attributes={"a": {"href"}}, url_schemes={"https", "http", "mailto"})
    title = html.escape(f"Handleiding: {scenario.title}")
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{PRINT_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def file_name(scenario: Scenario, extension: str) -> str:
    return f"handleiding-{scenario.id}.{extension}"
