"""The Dutch of a scenario: spelling, anglicisms, one form of address per speaker, readability.

- **Spelling** against Debian's Dutch Hunspell dictionary (``hunspell-nl``, read with spylls,
  a pure-Python Hunspell), plus the project's word list ``scenarios/woordenlijst.txt`` for
  names of laws, roles and abbreviations, and a scenario's own ``words`` (fictional names).
  Without the dictionary the check is skipped with a warning that says so.
- **Anglicisms** from ``data/anglicisms.yaml`` (the list of the content guide), each with
  the Dutch word to use instead.
- **Address**: a speaker says either *u* or *je* throughout. The teacher's words are the
  ``leraar`` lines and the quoted speech in choices; for the teacher *jullie* to parents
  counts as *je* (the content guide: the teacher says *u* to parents).
- **Readability** with Flesch–Douma (Douma, W.H. (1960). *De leesbaarheid van
  landbouwbladen*), the Dutch adaptation of Flesch's reading ease: 206.84 − 0.77 × syllables
  per 100 words − 0.93 × words per sentence; syllables by Dutch hyphenation (pyphen). Higher
  is easier; 60–70 reads as plain text. It is a proxy for B1, not a test of it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyphen

from modules import settings
from modules.content.principles import Catalogue
from modules.content.scenario import Scenario, Speaker
from modules.content.yamlio import load_yaml_file, to_plain

DICTIONARY = Path(os.environ.get("SAMENSPEL_HUNSPELL", "/usr/share/hunspell/nl_NL"))
WORD_LIST = settings.REPO / "scenarios" / "woordenlijst.txt"
ANGLICISMS = Path(__file__).parent / "data" / "anglicisms.yaml"

READABILITY_TEXT = 50  # Flesch–Douma of every feedback or debrief text of READABLE_WORDS or more ...
READABILITY_MEAN = 65  # ... and their mean over the scenario
READABLE_WORDS = 15  # shorter texts give figures that say little

WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|‘([^’]+)’')
FORMAL = re.compile(r"\b(u|uw)\b", re.IGNORECASE)
INFORMAL = re.compile(r"\b(je|jij|jou|jouw)\b", re.IGNORECASE)
PLURAL_INFORMAL = re.compile(r"\bjullie\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


@dataclass(frozen=True)
class Text:
    """A piece of Dutch in a scenario, with where it stands and who says it."""

    loc: tuple[Any, ...]
    kind: str  # narrative | line | choice | reaction | feedback | debrief | note | prompt | label
    text: str
    speaker: str | None = None


def texts(scenario: Scenario) -> Iterator[Text]:
    """Every text a teacher reads in this scenario."""
    yield Text(("title",), "label", scenario.title)
    yield Text(("summary",), "narrative", scenario.summary)
    for i, goal in enumerate(scenario.learning_goals):
        yield Text(("learning_goals", i), "narrative", goal)
    yield Text(("persona", "description"), "narrative", scenario.persona.description)
    yield Text(("context",), "narrative", scenario.context)
    yield Text(("anticipate",), "prompt", scenario.anticipate)
    for name, variable in scenario.variables.items():
        yield Text(("variables", name, "label"), "label", variable.label)
    for node_id, node in scenario.nodes.items():
        yield Text(("nodes", node_id, "text"), "narrative", node.text)
        for i, line in enumerate(node.lines):
            yield Text(("nodes", node_id, "lines", i, "text"), "line", line.text, line.speaker.value)
        if node.discussion:
            yield Text(("nodes", node_id, "discussion"), "prompt", node.discussion)
        for i, choice in enumerate(node.choices):
            base = ("nodes", node_id, "choices", i)
            yield Text((*base, "text"), "choice", choice.text, Speaker.leraar.value)
            yield Text((*base, "reaction"), "reaction", choice.reaction)
            yield Text((*base, "feedback"), "feedback", choice.feedback)
    for ending_id, ending in scenario.endings.items():
        base = ("endings", ending_id)
        yield Text((*base, "title"), "label", ending.title)
        yield Text((*base, "text"), "narrative", ending.text)
        for i, line in enumerate(ending.lines):
            yield Text((*base, "lines", i, "text"), "line", line.text, line.speaker.value)
        for i, note in enumerate(ending.path_text):
            yield Text((*base, "path_text", i, "text"), "narrative", note.text)
        yield Text((*base, "debrief"), "debrief", ending.debrief)
        for i, note in enumerate(ending.path_debrief):
            yield Text((*base, "path_debrief", i, "text"), "note", note.text)
    for i, note in enumerate(scenario.reflection_prompts):
        yield Text(("reflection_prompts", i, "text"), "prompt", note.text)


def plain(text: str) -> str:
    """Markdown marks and links out, curly apostrophes straight."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`#>]", "", text).replace("’", "'")


def words(text: str) -> list[str]:
    return WORD.findall(plain(text))


# --- spelling ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def dictionary() -> Any | None:
    """Debian's Dutch Hunspell dictionary, or None when it is not installed (loading takes seconds)."""
    if not DICTIONARY.with_suffix(".dic").exists():
        return None
    from spylls.hunspell import Dictionary  # imported here: only strict linting needs it

    return Dictionary.from_files(str(DICTIONARY))


def word_list(path: Path = WORD_LIST) -> set[str]:
    """The project's own words (one per line, '#' starts a comment), compared without case."""
    if not path.exists():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line.casefold() for line in lines if line}


def _without_emphasis(word: str) -> str:
    """'wíj' -> 'wij': an accent written for stress, not spelling ('één' stays, the dictionary has it)."""
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", decomposed.replace("\u0301", ""))


def spelled_right(word: str, hunspell: Any, own: set[str]) -> bool:
    candidates = {word, word.lower(), _without_emphasis(word), _without_emphasis(word.lower())}
    if any(c.casefold() in own for c in candidates):
        return True
    if any(hunspell.lookup(c) for c in candidates):
        return True
    parts = re.split(r"-", word)
    return len(parts) > 1 and all(spelled_right(part, hunspell, own) for part in parts if part)


def misspelled(scenario: Scenario) -> list[tuple[str, Text]] | None:
    """Unknown words with the first text they stand in; None when the dictionary is missing."""
    hunspell = dictionary()
    if hunspell is None:
        return None
    own = word_list() | {word.casefold() for word in scenario.words}
    found: dict[str, Text] = {}
    verdict: dict[str, bool] = {}
    for text in texts(scenario):
        for word in words(text.text):
            if word not in verdict:
                verdict[word] = spelled_right(word, hunspell, own)
            if not verdict[word] and word not in found:
                found[word] = text
    return list(found.items())


# --- anglicisms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anglicism:
    word: str
    pattern: re.Pattern[str]
    instead: str


@lru_cache(maxsize=1)
def anglicisms() -> tuple[Anglicism, ...]:
    data = to_plain(load_yaml_file(ANGLICISMS))
    return tuple(
        Anglicism(item["word"], re.compile(item["pattern"], re.IGNORECASE), item["instead"])
        for item in data["anglicisms"]
    )


def anglicisms_in(scenario: Scenario) -> list[tuple[Anglicism, str, Text]]:
    found: list[tuple[Anglicism, str, Text]] = []
    for text in texts(scenario):
        for item in anglicisms():
            match = item.pattern.search(plain(text.text))
            if match:
                found.append((item, match.group(0), text))
    return found


# --- address -------------------------------------------------------------------------------------


def spoken(text: Text) -> str:
    """What the speaker says: a line whole, a choice only where it quotes the teacher."""
    if text.kind == "choice":
        return " ".join(next(g for g in match.groups() if g) for match in QUOTED.finditer(text.text))
    return text.text


def address_mixes(scenario: Scenario) -> list[tuple[str, Text, Text]]:
    """Speakers who say both 'u' and 'je': (speaker, a text with u, a text with je)."""
    formal: dict[str, Text] = {}
    informal: dict[str, Text] = {}
    for text in texts(scenario):
        if text.speaker is None or text.speaker == Speaker.verteller.value:
            continue
        said = spoken(text)
        if FORMAL.search(said):
            formal.setdefault(text.speaker, text)
        teacher_plural = text.speaker == Speaker.leraar.value and PLURAL_INFORMAL.search(said)
        if INFORMAL.search(said) or teacher_plural:
            informal.setdefault(text.speaker, text)
    return [(speaker, formal[speaker], informal[speaker]) for speaker in formal if speaker in informal]


# --- readability ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="nl_NL")


def syllables(word: str) -> int:
    return len(_hyphenator().positions(word.lower())) + 1


def flesch_douma(text: str) -> float | None:
    """Flesch–Douma reading ease of a text (higher is easier); None for a text without words."""
    found = words(text)
    if not found:
        return None
    sentences = max(1, len([s for s in SENTENCE_END.split(plain(text)) if WORD.search(s)]))
    per_hundred = 100 * sum(syllables(w) for w in found) / len(found)
    return 206.84 - 0.77 * per_hundred - 0.93 * len(found) / sentences


def feedback_texts(scenario: Scenario) -> list[Text]:
    """The texts that explain and judge: choice feedback, debriefs and debrief notes."""
    return [t for t in texts(scenario) if t.kind in ("feedback", "debrief", "note")]


# --- principle names -----------------------------------------------------------------------------

_MARKED = re.compile(r"\(([^)]*)\)|\*([^*]+)\*")


def misnamed_principles(scenario: Scenario, catalogue: Catalogue) -> list[tuple[str, str, Text]]:
    """Principle names, in parentheses or italics, written otherwise than in the catalogue."""
    names = [p.name for p in catalogue.principles]
    found: list[tuple[str, str, Text]] = []
    for text in texts(scenario):
        for match in _MARKED.finditer(text.text):
            span = next(g for g in match.groups() if g is not None)
            for name in names:
                for hit in re.finditer(rf"\b{re.escape(name)}\b", span, re.IGNORECASE):
                    if hit.group(0) != name:
                        found.append((hit.group(0), name, text))
    return found
