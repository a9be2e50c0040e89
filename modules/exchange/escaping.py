"""Making user text literal: for Markdown (pages and the Markdown portfolio) and for HTML (the HTML portfolio).

Every character that means something in Markdown is backslash-escaped, so what a user
wrote stays text: no heading, list, emphasis, link, image or HTML appears.
"""

from __future__ import annotations

import html
import re

WORD_JOINER = "\u2060"  # invisible; splits what Markdown would turn into a link
_ADDRESS = re.compile(r"(?i)\b(https?|ftp|mailto|xmpp|www)([:.])")  # how GitHub's Markdown spots a bare link


def unlink_addresses(text: str) -> str:
    """'https://…' and 'www.…' with an invisible word joiner inside, so no Markdown makes them a link."""
    return _ADDRESS.sub(lambda m: m.group(1) + WORD_JOINER + m.group(2), text)


# CommonMark lets a backslash escape any ASCII punctuation; these are the ones that mean something.
_COMMONMARK_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&$:=])")
# Python-Markdown only honours backslash escapes for these characters (Markdown.ESCAPED_CHARS).
_PYMARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")


def escape_markdown(text: str) -> str:
    """User text made literal for a Markdown file (CommonMark); line breaks kept as hard breaks."""
    lines = [_COMMONMARK_SPECIAL.sub(r"\\\1", line.strip()) for line in str(text).splitlines()]
    return "  \n".join(lines)


def escape_for_html(text: str) -> str:
    """User text made literal for Markdown that is rendered to HTML with the ``markdown`` package.

    First ``html.escape`` (so no tag survives), then Markdown escapes (so no emphasis, link,
    heading or list appears); ``=`` becomes an entity so a line of ``===`` makes no heading.
    Leading spaces are dropped so a line never becomes a code block.
    """
    lines = []
    for line in str(text).splitlines():
        line = html.escape(line.strip(), quote=False)
        line = _PYMARKDOWN_SPECIAL.sub(r"\\\1", line)
        lines.append(line.replace("=", "&#61;"))
    return "  \n".join(lines)
