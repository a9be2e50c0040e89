"""The reflection form, following Korthagen's ALACT cycle, and its validation.

ALACT: Action, Looking back on the action, Awareness of essential aspects,
Creating alternative methods of action, Trial (Korthagen, F.A.J., Kessels,
J., Koster, B., Lagerwerf, B. & Wubbels, T. (2001). *Linking practice and
theory: The pedagogy of realistic teacher education*. Mahwah, NJ: Lawrence
Erlbaum). Phase 2 uses Korthagen's eight questions: what did I want, think,
feel and do — and what did the other (here: the parent) want, think, feel and
do? Phase 1, the action, is the play-through itself.

The loop closes: phase 5, the trial, is the next conversation. ``last_intention`` gives the
intention a teacher set out to try (shown when a scenario starts), the next reflection asks how it
went (``FOLLOW_UP``, stored with that reflection), and ``intention_trails`` pairs every intention
with what was written about it later (Mijn ontwikkeling).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from modules.records import Reflection, limits

SOURCE = (
    "Korthagen, F.A.J., Kessels, J., Koster, B., Lagerwerf, B. & Wubbels, T. (2001). "
    "Linking practice and theory: The pedagogy of realistic teacher education. Mahwah, NJ: Lawrence Erlbaum."
)
PRIVACY_REMINDER = (
    "Schrijf geen namen van kinderen of ouders op. Schrijf 'de moeder', 'de leerling' of 'de collega'. "
    "Zo blijft je logboek veilig om te delen."
)
MAX_LENGTH = limits.REFLECTION_ANSWER
MIN_INTENTION = 10


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class Phase:
    key: str
    title: str
    intro: str
    questions: tuple[Question, ...]


PHASES: tuple[Phase, ...] = (
    Phase(
        "terugblikken",
        "Terugblikken",
        "Kijk terug op het gesprek. Eerst jij, dan de ouder.",
        (
            Question("ik_wilde", "Wat wilde ik?"),
            Question("ik_dacht", "Wat dacht ik?"),
            Question("ik_voelde", "Wat voelde ik?"),
            Question("ik_deed", "Wat deed ik?"),
            Question("ouder_wilde", "Wat wilde de ouder?"),
            Question("ouder_dacht", "Wat dacht de ouder?"),
            Question("ouder_voelde", "Wat voelde de ouder?"),
            Question("ouder_deed", "Wat deed de ouder?"),
        ),
    ),
    Phase(
        "bewustwording",
        "Wat was de kern?",
        "Zet je antwoorden naast elkaar. Waar zat het verschil tussen jou en de ouder?",
        (
            Question(
                "essentie",
                "Wat was voor jou de kern van dit gesprek?",
                "Bijvoorbeeld: een moment waarop het kantelde, of iets wat jij wilde en de ouder niet.",
            ),
        ),
    ),
    Phase(
        "alternatieven",
        "Alternatieven bedenken",
        "Welke andere aanpak had je kunnen kiezen?",
        (
            Question(
                "alternatieven",
                "Welke alternatieven zie je, en wat zijn de voor- en nadelen?",
                "Denk aan de keuzes die je niet hebt gemaakt, en aan de nabespreking.",
            ),
        ),
    ),
)
INTENTION = Question(
    "voornemen",
    "Mijn voornemen voor het volgende gesprek",
    "Eén concreet voornemen. Bijvoorbeeld: 'Ik begin met de vraag hoe het thuis gaat.'",
)
ALL_QUESTIONS: tuple[Question, ...] = tuple(q for phase in PHASES for q in phase.questions)
# The loop closes: the next reflection asks how the last intention went (the trial of ALACT).
PREVIOUS_INTENTION = "Vorige keer nam je je voor:"
FOLLOW_UP = Question(
    "terugblik_voornemen",
    "Hoe ging dat?",
    "Wat probeerde je, wat gebeurde er, en wat neem je mee? Niet aan toegekomen? Schrijf dan wat je tegenhield.",
)


class ReflectionError(ValueError):
    """User input that cannot be saved; the message is Dutch, for the teacher."""


def build(
    user_id: str,
    answers: dict[str, str],
    intention: str,
    *,
    attempt_id: str | None = None,
    scenario_id: str | None = None,
    scenario_title: str = "",
    follow_up: str = "",
    follows_intention_of: str | None = None,
) -> Reflection:
    """Validate the form and return a ``Reflection`` record (not yet saved).

    ``follow_up``: how the intention of the earlier reflection ``follows_intention_of`` went (optional);
    the link is kept only with an answer."""
    cleaned = {q.key: (answers.get(q.key) or "").strip() for q in ALL_QUESTIONS}
    intention = (intention or "").strip()
    follow_up = (follow_up or "").strip()
    too_long = [q.label for q in (*ALL_QUESTIONS, INTENTION) if len(cleaned.get(q.key, intention)) > MAX_LENGTH]
    if len(follow_up) > MAX_LENGTH:
        too_long.insert(0, FOLLOW_UP.label)
    if too_long:
        raise ReflectionError(f"Dit antwoord is te lang (meer dan {MAX_LENGTH} tekens): {too_long[0]}")
    if len(intention) < MIN_INTENTION:
        raise ReflectionError("Schrijf één concreet voornemen voor het volgende gesprek (minstens een korte zin).")
    if not any(cleaned.values()):
        raise ReflectionError("Beantwoord minstens één vraag bij het terugblikken.")
    return Reflection(
        user_id=user_id,
        attempt_id=attempt_id,
        scenario_id=scenario_id,
        scenario_title=scenario_title,
        answers={k: v for k, v in cleaned.items() if v},
        intention=intention,
        follow_up=follow_up,
        follows_intention_of=follows_intention_of if follow_up else None,
    )


def label(key: str) -> str:
    return next((q.label for q in (*ALL_QUESTIONS, INTENTION, FOLLOW_UP) if q.key == key), key)


# --- the loop: an intention, and how it went -------------------------------------------------


def last_intention(
    reflections: Iterable[Reflection], *, attempt_id: str | None = None, team_session_id: str | None = None
) -> Reflection | None:
    """The newest reflection with an intention: what the teacher set out to try next.

    A reflection about the same attempt or team session as ``attempt_id`` / ``team_session_id`` (the
    one being written about now) is skipped: its intention was made after this conversation, not before.
    """

    def same_conversation(item: Reflection) -> bool:
        return bool(
            (attempt_id and item.attempt_id == attempt_id)
            or (team_session_id and item.team_session_id == team_session_id)
        )

    candidates = [r for r in reflections if r.intention.strip() and not same_conversation(r)]
    return max(candidates, key=lambda r: r.created_at, default=None)


@dataclass(frozen=True)
class IntentionTrail:
    """One intention and the later reflections that looked back on it (oldest first)."""

    reflection: Reflection
    follow_ups: tuple[Reflection, ...]

    @property
    def intention(self) -> str:
        return self.reflection.intention


def intention_trails(reflections: Iterable[Reflection]) -> list[IntentionTrail]:
    """Every intention with how it went, newest intention first."""
    items = list(reflections)
    answers: dict[str, list[Reflection]] = {}
    for item in items:
        if item.follows_intention_of and item.follow_up.strip():
            answers.setdefault(item.follows_intention_of, []).append(item)
    trails = [
        IntentionTrail(item, tuple(sorted(answers.get(item.id, []), key=lambda r: r.created_at)))
        for item in items
        if item.intention.strip()
    ]
    return sorted(trails, key=lambda t: t.reflection.created_at, reverse=True)
