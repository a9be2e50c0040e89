"""The quality bar every scenario must pass (``python -m modules lint --strict``) and its figures
(``--report``).

The bar, each with file and location when it fails:

- every decision has a discussion prompt; every ending a debrief of at least 60 words; a
  strong (*sterk*) and a weak (*zwak*) ending exist;
- the principles a scenario declares are exactly those its choices score;
- **nuance**: in at least 70% of decisions two choices are defensible (their weights add up
  to 0 or more) and honour different principles;
- the strong ending is reached along at least 3 distinct paths and by at least 5% of
  uniformly random play-throughs (a random player picks each available choice with equal
  chance; the share is computed exactly over the play states);
- **true to the path**: on every path (or, where there are too many, a large random sample)
  no line shown speaks of a choice not made or a fact not brought in (``modules.play.paths``);
- **Dutch**: spelling, anglicisms, one form of address per speaker, readability of the
  feedback, principle names as in the catalogue (``modules.library.language``).
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean
from typing import Any

from modules.content.principles import Catalogue
from modules.content.scenario import Choice, Node, Outcome, Scenario, Theme
from modules.content.yamlio import load_yaml_file, locate
from modules.library import finder, language
from modules.library.lint import Problem, dotted
from modules.play import engine, paths
from modules.records import PlayState

DEBRIEF_WORDS = 60
TRADE_OFF_SHARE = 0.70
STRONG_PATHS = 3
STRONG_SHARE = 0.05
MAX_PATHS = 50_000  # paths walked one by one for the truth check; beyond this a random sample ...
SAMPLE = 5_000  # ... of this many play-throughs
READING_WORDS_PER_MINUTE = 180  # a calm reader of plain Dutch


@dataclass
class Figures:
    """What the coverage report shows for one scenario."""

    decisions: int = 0
    choices: int = 0
    endings: int = 0
    paths: int = 0  # distinct complete play-throughs
    ending_share: dict[str, float] = field(default_factory=dict[str, float])  # uniform random play
    ending_paths: dict[str, int] = field(default_factory=dict[str, int])
    strong_share: float = 0.0
    strong_paths: int = 0
    trade_offs: int = 0  # decisions with two defensible choices that honour different principles
    one_sided: int = 0  # choices whose weights are all positive or all negative
    honoured: dict[str, int] = field(default_factory=dict[str, int])  # principle -> choices scoring it +
    neglected: dict[str, int] = field(default_factory=dict[str, int])  # principle -> choices scoring it -
    words: int = 0
    path_words: float = 0.0  # words a teacher reads on an average path
    readability: float | None = None  # mean Flesch–Douma of the feedback texts

    @property
    def trade_off_share(self) -> float:
        return self.trade_offs / self.decisions if self.decisions else 0.0

    @property
    def one_sided_share(self) -> float:
        return self.one_sided / self.choices if self.choices else 0.0

    @property
    def reading_minutes(self) -> float:
        return self.path_words / READING_WORDS_PER_MINUTE


# --- choices and decisions -----------------------------------------------------------------------


def defensible(choice: Choice) -> bool:
    return sum(choice.principles.values()) >= 0


def honours(choice: Choice) -> frozenset[str]:
    return frozenset(p for p, w in choice.principles.items() if w > 0)


def is_trade_off(node: Node) -> bool:
    """Two defensible choices that each honour something, and not the same things."""
    good = [honours(c) for c in node.choices if defensible(c) and honours(c)]
    return any(a != b for i, a in enumerate(good) for b in good[i + 1 :])


def one_sided(choice: Choice) -> bool:
    weights = list(choice.principles.values())
    return bool(weights) and (all(w > 0 for w in weights) or all(w < 0 for w in weights))


# --- play ----------------------------------------------------------------------------------------


def _key(state: PlayState) -> tuple[Any, ...]:
    return (state.node, tuple(sorted(state.variables.items())))


class _Cycle(Exception):
    """The play graph has a cycle: exact random-play figures need a sample instead."""


def random_play(scenario: Scenario) -> tuple[dict[str, float], dict[str, int]]:
    """Per ending: the chance that uniform random play ends there, and the number of distinct paths to it."""
    memo: dict[tuple[Any, ...], tuple[dict[str, float], dict[str, int]]] = {}
    on_stack: set[tuple[Any, ...]] = set()

    def walk(state: PlayState) -> tuple[dict[str, float], dict[str, int]]:
        if state.ending is not None:
            return {state.ending: 1.0}, {state.ending: 1}
        key = _key(state)
        if key in memo:
            return memo[key]
        if key in on_stack:
            raise _Cycle
        on_stack.add(key)
        options = engine.available_choices(scenario, state)
        share: dict[str, float] = {}
        count: Counter[str] = Counter()
        for choice in options:
            sub_share, sub_count = walk(engine.choose(scenario, state, choice.id)[0])
            for ending, value in sub_share.items():
                share[ending] = share.get(ending, 0.0) + value / len(options)
            count.update(sub_count)
        on_stack.discard(key)
        memo[key] = share, dict(count)
        return memo[key]

    try:
        return walk(engine.start(scenario))
    except _Cycle:
        ends = Counter(sample_play(scenario, random.Random(0)).ending for _ in range(SAMPLE))
        return {e: n / SAMPLE for e, n in ends.items() if e}, {e: 0 for e in ends if e}


def sample_play(scenario: Scenario, rng: random.Random, max_steps: int = 200) -> PlayState:
    """One uniformly random play-through (cut off after ``max_steps`` decisions in a cycle)."""
    state = engine.start(scenario)
    for _ in range(max_steps):
        if state.finished:
            break
        state, _ = engine.choose(scenario, state, rng.choice(engine.available_choices(scenario, state)).id)
    return state


def all_paths(scenario: Scenario, limit: int = MAX_PATHS) -> Iterator[PlayState]:
    """Every complete play-through, depth first; stops after ``limit`` (StopIteration then tells nothing)."""
    stack = [engine.start(scenario)]
    found = 0
    while stack and found < limit:
        state = stack.pop()
        if state.finished:
            found += 1
            yield state
            continue
        if len(state.steps) > 200:
            continue  # a cycle: the linter reports cycles; the sample covers the rest
        for choice in reversed(engine.available_choices(scenario, state)):
            stack.append(engine.choose(scenario, state, choice.id)[0])


def paths_to_check(scenario: Scenario, total: int) -> Iterator[PlayState]:
    """Every path when there are at most MAX_PATHS, else a seeded random sample of SAMPLE."""
    if total and total <= MAX_PATHS:
        yield from all_paths(scenario)
        return
    rng = random.Random(0)
    for _ in range(SAMPLE):
        state = sample_play(scenario, rng)
        if state.finished:
            yield state


def _path_words(scenario: Scenario, state: PlayState) -> int:
    """Words a teacher reads on this path: the scenes, the choices offered, reactions, feedback, the ending."""
    count = len(language.words(scenario.context)) + len(language.words(scenario.anticipate))
    current = engine.start(scenario)
    for _, choice in engine.path(scenario, state):
        scene = engine.view(scenario, current)  # only the lines this path shows
        count += len(language.words(scene.text)) + sum(len(language.words(line.text)) for line in scene.lines)
        count += sum(len(language.words(c.text)) for c in scene.choices)
        count += len(language.words(choice.reaction)) + len(language.words(choice.feedback))
        current, _ = engine.choose(scenario, current, choice.id)
    if state.ending is not None:
        ending = scenario.endings[state.ending]
        end = engine.view(scenario, state)
        count += len(language.words(end.text)) + sum(len(language.words(line.text)) for line in end.lines)
        count += len(language.words(ending.debrief)) + sum(
            len(language.words(line)) for line in paths.debrief_lines(ending, scenario, state)
        )
    return count


def figures(scenario: Scenario) -> Figures:
    decisions = [n for n in scenario.nodes.values() if n.choices]
    choices = [c for n in decisions for c in n.choices]
    share, counts = random_play(scenario)
    strong = [e for e, ending in scenario.endings.items() if ending.outcome == Outcome.sterk]
    honoured: Counter[str] = Counter(p for c in choices for p, w in c.principles.items() if w > 0)
    neglected: Counter[str] = Counter(p for c in choices for p, w in c.principles.items() if w < 0)
    sample = list(all_paths(scenario, limit=2_000)) if sum(counts.values()) <= 2_000 else []
    if not sample:
        rng = random.Random(1)
        sample = [s for s in (sample_play(scenario, rng) for _ in range(500)) if s.finished]
    scores = [s for t in language.feedback_texts(scenario) if (s := language.flesch_douma(t.text)) is not None]
    return Figures(
        decisions=len(decisions),
        choices=len(choices),
        endings=len(scenario.endings),
        paths=sum(counts.values()),
        ending_share={e: share.get(e, 0.0) for e in scenario.endings},
        ending_paths={e: counts.get(e, 0) for e in scenario.endings},
        strong_share=sum(share.get(e, 0.0) for e in strong),
        strong_paths=sum(counts.get(e, 0) for e in strong),
        trade_offs=sum(1 for n in decisions if is_trade_off(n)),
        one_sided=sum(1 for c in choices if one_sided(c)),
        honoured=dict(honoured),
        neglected=dict(neglected),
        words=sum(len(language.words(t.text)) for t in language.texts(scenario)),
        path_words=mean(_path_words(scenario, s) for s in sample) if sample else 0.0,
        readability=mean(scores) if scores else None,
    )


# --- the bar -------------------------------------------------------------------------------------


def strict_problems(
    scenario: Scenario, raw: Any, name: str, catalogue: Catalogue, found: Figures | None = None
) -> list[Problem]:
    """Every way this scenario misses the quality bar, with file and location."""
    problems: list[Problem] = []
    found = found or figures(scenario)

    def err(loc: tuple[Any, ...], message: str, severity: str = "error") -> None:
        problems.append(Problem(name, locate(raw, loc), dotted(loc), message, severity))

    # theme, prompts, debriefs, outcomes
    if scenario.theme is None:
        themes = ", ".join(repr(t.value) for t in Theme)
        err(("id",), f"no 'theme': the library filters on it; choose one of {themes}")
    for node_id, node in scenario.nodes.items():
        if node.choices and not (node.discussion or "").strip():
            err(("nodes", node_id), f"decision {node_id!r} has no discussion prompt ('discussion') for team sessions")
    for ending_id, ending in scenario.endings.items():
        count = len(language.words(ending.debrief))
        if count < DEBRIEF_WORDS:
            err(("endings", ending_id, "debrief"), f"the debrief has {count} words; at least {DEBRIEF_WORDS}")
    outcomes = {ending.outcome for ending in scenario.endings.values()}
    for outcome in (Outcome.sterk, Outcome.zwak):
        if outcome not in outcomes:
            err(("endings",), f"no ending with outcome {outcome.value!r}: a scenario needs a strong and a weak one")

    # declared principles = scored principles
    scored: dict[str, tuple[Any, ...]] = {}
    for node_id, node in scenario.nodes.items():
        for i, choice in enumerate(node.choices):
            for pid in choice.principles:
                scored.setdefault(pid, ("nodes", node_id, "choices", i, "principles", pid))
    for i, pid in enumerate(scenario.principles):
        if pid not in scored:
            err(("principles", i), f"principle {pid!r} is declared but no choice scores it")
    for pid, loc in scored.items():
        if pid not in scenario.principles:
            err(loc, f"principle {pid!r} is scored here but not declared under 'principles'")

    # nuance
    decisions = {nid: n for nid, n in scenario.nodes.items() if n.choices}
    if found.trade_off_share < TRADE_OFF_SHARE:
        lacking = [nid for nid, n in decisions.items() if not is_trade_off(n)]
        err(
            ("nodes",),
            f"{found.trade_offs} of {found.decisions} decisions ({found.trade_off_share:.0%}) offer two defensible "
            f"choices that honour different principles; at least {TRADE_OFF_SHARE:.0%}",
        )
        for nid in lacking:
            err(
                ("nodes", nid),
                f"decision {nid!r}: no two defensible choices (weights adding up to 0 or more) "
                "that honour different principles",
                "warning",
            )

    # the strong ending
    if found.strong_paths < STRONG_PATHS or found.strong_share < STRONG_SHARE:
        err(
            ("endings",),
            f"the strong ending is reached along {found.strong_paths} distinct path(s) and by "
            f"{found.strong_share:.1%} of random play-throughs; at least {STRONG_PATHS} paths and {STRONG_SHARE:.0%}",
        )

    # true to the path
    seen: set[str] = set()
    for state in paths_to_check(scenario, found.paths):
        for statement in paths.untrue(scenario, state):
            if statement in seen:
                continue
            seen.add(statement)
            example = " > ".join(f"{s.node}.{s.choice}" for s in state.steps)
            err(("endings", state.ending) if state.ending else (), f"{statement} (for example: {example})")

    problems.extend(_dutch(scenario, raw, name, catalogue, found))
    return problems


def _dutch(scenario: Scenario, raw: Any, name: str, catalogue: Catalogue, found: Figures) -> list[Problem]:
    problems: list[Problem] = []

    def err(loc: tuple[Any, ...], message: str, severity: str = "error") -> None:
        problems.append(Problem(name, locate(raw, loc), dotted(loc), message, severity))

    wrong = language.misspelled(scenario)
    if wrong is None:
        err(
            (),
            f"spelling not checked: Debian's Dutch dictionary is missing ({language.DICTIONARY}.dic; "
            "install the package hunspell-nl)",
            "warning",
        )
    else:
        for word, text in wrong:
            err(text.loc, f"unknown word {word!r}: check the spelling, or add it to scenarios/woordenlijst.txt")
    for item, match, text in language.anglicisms_in(scenario):
        err(text.loc, f"anglicism {match!r}: write {item.instead}")
    for speaker, formal, informal in language.address_mixes(scenario):
        err(
            informal.loc,
            f"{speaker!r} says 'u' (at {dotted(formal.loc)}) and 'je/jullie' here: one form of address per speaker",
        )
    for text in language.feedback_texts(scenario):
        if len(language.words(text.text)) < language.READABLE_WORDS:
            continue
        score = language.flesch_douma(text.text)
        if score is not None and score < language.READABILITY_TEXT:
            err(
                text.loc,
                f"hard to read (Flesch–Douma {score:.1f}, at least {language.READABILITY_TEXT}): "
                "shorter sentences, shorter words",
            )
    if found.readability is not None and found.readability < language.READABILITY_MEAN:
        err(
            (),
            f"the feedback reads hard on average (Flesch–Douma {found.readability:.0f}, "
            f"at least {language.READABILITY_MEAN})",
        )
    for written, name_in_catalogue, text in language.misnamed_principles(scenario, catalogue):
        err(text.loc, f"principle name {written!r}: write it as in the catalogue, {name_in_catalogue!r}")
    return problems


# --- the report ----------------------------------------------------------------------------------


def report(scenario: Scenario, found: Figures) -> str:
    """The coverage report of one scenario, as plain text for authors."""

    def names(counts: dict[str, int]) -> str:
        items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return ", ".join(f"{p} {n}" for p, n in items) or "-"

    lines = [
        f"{scenario.id}: {scenario.title}",
        f"  decisions {found.decisions}, choices {found.choices}, endings {found.endings}, paths {found.paths}",
        f"  trade-offs: {found.trade_offs} of {found.decisions} decisions ({found.trade_off_share:.0%}); "
        f"one-sided choices {found.one_sided} of {found.choices} ({found.one_sided_share:.0%})",
        "  endings (share of random play-throughs, distinct paths):",
    ]
    for ending_id, ending in scenario.endings.items():
        lines.append(
            f"    {ending_id} [{ending.outcome.value}]: {found.ending_share.get(ending_id, 0.0):.1%}, "
            f"{found.ending_paths.get(ending_id, 0)} path(s)"
        )
    lines += [
        f"  strong: {found.strong_share:.1%} of random play-throughs, {found.strong_paths} path(s)",
        f"  principles scored +: {names(found.honoured)}",
        f"  principles scored -: {names(found.neglected)}",
        f"  words {found.words}; an average path reads {found.path_words:.0f} words, "
        f"about {found.reading_minutes:.0f} minutes",
        "  feedback readability (Flesch–Douma, mean): "
        + (f"{found.readability:.0f}" if found.readability is not None else "-"),
    ]
    return "\n".join(lines)


# --- the library, for authors in the app -----------------------------------------------------------

_FINDINGS: dict[tuple[str, str], tuple[list[Problem], str]] = {}


def trained_by(scenarios: list[Scenario], catalogue: Catalogue) -> dict[str, int]:
    """Per principle of the catalogue: how many scenarios honour it in some choice (a positive weight)."""
    counts = {p.id: 0 for p in catalogue.principles}
    for scenario in scenarios:
        for pid in finder.honoured(scenario):
            if pid in counts:
                counts[pid] += 1
    return counts


def groups_trained_by(scenarios: list[Scenario], catalogue: Catalogue) -> dict[str, int]:
    """Per principle group: how many scenarios honour at least one of its principles."""
    group_of = {p.id: p.group for p in catalogue.principles}
    found: dict[str, set[str]] = {g.id: set() for g in catalogue.groups}
    for scenario in scenarios:
        for pid in finder.honoured(scenario):
            if pid in group_of:
                found[group_of[pid]].add(scenario.id)
    return {group: len(ids) for group, ids in found.items()}


def library_report(scenarios: list[Scenario], catalogue: Catalogue) -> str:
    """The library as a whole: principles trained (positively) by at least two scenarios, groups by three."""
    counts = trained_by(scenarios, catalogue)
    twice = sum(1 for n in counts.values() if n >= 2)
    once = sorted(pid for pid, n in counts.items() if n == 1)
    never = sorted(pid for pid, n in counts.items() if n == 0)
    groups = groups_trained_by(scenarios, catalogue)
    thin = sorted(f"{g} ({n})" for g, n in groups.items() if n < 3)
    return "\n".join(
        [
            f"library: {len(scenarios)} scenarios; {twice} of {len(counts)} principles trained positively "
            "by at least two scenarios",
            f"  by one only ({len(once)}): {', '.join(once) or '-'}",
            f"  by none ({len(never)}): {', '.join(never) or '-'}",
            f"  principle groups in fewer than three scenarios: {', '.join(thin) or '-'}",
        ]
    )


def library_findings(
    directory: Path, files: dict[str, str], scenarios: dict[str, Scenario], catalogue: Catalogue
) -> dict[str, tuple[list[Problem], str]]:
    """Per file name: the strict problems and the report of each loaded scenario, cached by file content."""
    result: dict[str, tuple[list[Problem], str]] = {}
    for scenario_id, file_name in sorted(files.items(), key=lambda kv: kv[1]):
        path = directory / file_name
        data = path.read_bytes()
        key = (file_name, hashlib.sha256(data).hexdigest())
        if key not in _FINDINGS:
            scenario = scenarios[scenario_id]
            found = figures(scenario)
            problems = strict_problems(scenario, load_yaml_file(path), file_name, catalogue, found)
            _FINDINGS[key] = problems, report(scenario, found)
        result[file_name] = _FINDINGS[key]
    return result
