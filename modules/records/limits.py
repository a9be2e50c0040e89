"""The maximum length of every field a user or a guest can fill, in one place.

Services check these before anything is stored or hashed and answer in Dutch; the
store checks them once more before it writes (``check_record``), so no caller can
store an unbounded text by forgetting a check. Pages pass the same numbers to
``max_chars`` so the limit shows in the form.
"""

from __future__ import annotations

from modules.records.accounts import Account
from modules.records.attempts import Attempt, Comment, Reflection
from modules.records.authoring import Draft, ScenarioVersion

USERNAME = 60  # also the limit of a username typed on the sign-in form
PASSWORD = 256  # a long passphrase fits; Argon2 never sees more
DISPLAY_NAME = 30  # a guest's name in a team session
ANTICIPATION = 1000  # the answer to the question before a scenario starts
OWN_WORDS = 500  # what the teacher would say or do at a decision, before seeing the options (a sentence or two)
REFLECTION_ANSWER = 3000  # each answer of the reflection form, and the intention
REFLECTION_FIELDS = 20  # answers per reflection (the form has 11)
COMMENT = 2000
REASON = 140  # a vote's reason in a team session
JOIN_CODE = 16  # as typed: 8 characters, a dash and some spaces fit
ONE_TIME_CODE = 20  # an admin's reset code as typed (12 characters, dashes, spaces)
INVITE_CODE = 20  # a coach's invite code as typed (8 characters, a dash, spaces)
SEARCH = 60  # search and filter boxes
SCENARIO_YAML = 1_000_000  # a draft's YAML, as the linter's limit on a scenario file (1 MB)


class TooLong(ValueError):
    """A field is over its limit (an English message: the store raises it for programming errors)."""


def too_long(text: str | None, limit: int) -> bool:
    return text is not None and len(text) > limit


def check_record(record: Account | Attempt | Reflection | Comment | Draft | ScenarioVersion) -> None:
    """Refuse a record whose user-written fields exceed their limits (called by the store on every write)."""
    checks: list[tuple[str, str | None, int]] = []
    name = type(record).__name__
    if isinstance(record, Account):
        checks.append(("username", record.username, USERNAME + 10))  # migrated nicknames get a "-n" suffix
    elif isinstance(record, Attempt):
        checks.append(("anticipation", record.anticipation, ANTICIPATION))
        checks += [(f"steps.{i}.own_words", s.own_words, OWN_WORDS) for i, s in enumerate(record.state.steps)]
    elif isinstance(record, Reflection):
        if len(record.answers) > REFLECTION_FIELDS:
            raise TooLong(f"a reflection has more than {REFLECTION_FIELDS} answers")
        checks += [(f"answers.{k}", v, REFLECTION_ANSWER) for k, v in record.answers.items()]
        checks += [(f"answers.{k} (key)", k, 40) for k in record.answers]
        checks.append(("intention", record.intention, REFLECTION_ANSWER))
        checks += [
            ("follow_up", record.follow_up, REFLECTION_ANSWER),
            ("follows_intention_of", record.follows_intention_of, 40),
        ]
        if len(record.own_words) > REFLECTION_FIELDS * 2:
            raise TooLong(f"a reflection holds more than {REFLECTION_FIELDS * 2} own words")
        checks += [(f"own_words.{i}", o.words, OWN_WORDS) for i, o in enumerate(record.own_words)]
        checks += [(f"own_words.{i}.chosen", o.chosen, 2000) for i, o in enumerate(record.own_words)]
    elif isinstance(record, Comment):
        checks += [("text", record.text, COMMENT), ("author_name", record.author_name, USERNAME + 10)]
    elif isinstance(record, Draft | ScenarioVersion):
        checks.append(("yaml", record.yaml, SCENARIO_YAML))
    for field, value, limit in checks:
        if too_long(value, limit):
            raise TooLong(f"{name}.{field} is longer than {limit} characters")
