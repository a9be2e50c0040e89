"""Twine in and out: a scenario exported as Twee 3 and imported again is the same scenario; Twee files
that Samenspel did not write become drafts whose placeholders the linter points at (each holds the word
TODO), their story-format code kept as text, never run, under a TODO line."""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from modules import cli
from modules.content.scenario import Scenario
from modules.content.yamlio import parse_plain
from modules.exchange import twee
from modules.library.lint import check_file
from tests.conftest import FIXTURES, ROOT

TWEE = FIXTURES / "twee"
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
HEADER = re.compile(
    r"^:: (?P<name>[a-z0-9_-]+|StoryTitle|StoryData|SamenspelData)(?: \[(?P<tags>[^\]]*)\])?(?: (?P<meta>\{.*\}))?$"
)
UPPER_UUID4 = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$")
TODO_LINE = "TODO: Twine-code hierboven (macro's) herschrijven of weghalen: Samenspel voert geen code uit."
TODO_WORD = re.compile(r"\bTODO\b")  # what the linter flags as still to fill in


def load(path: Path) -> Scenario:
    return Scenario.model_validate(parse_plain(path.read_text(encoding="utf-8")))


def from_yaml(text: str) -> Scenario:
    return Scenario.model_validate(parse_plain(text))


def passages(text: str) -> dict[str, dict[str, Any]]:
    """The passages of an exported file, read with a small reader of its own (not the module's)."""
    found: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for line in text.split("\n"):
        if line.startswith("::"):
            match = HEADER.match(line)
            assert match, f"not a Twee 3 header: {line!r}"
            meta = json.loads(match["meta"]) if match["meta"] else {}
            current = {"tags": (match["tags"] or "").split(), "meta": meta, "lines": []}
            assert match["name"] not in found
            found[match["name"]] = current
        elif current is not None:
            current["lines"].append(line)
    for passage in found.values():
        passage["text"] = "\n".join(passage["lines"]).strip()
    return found


def todo_places(value: Any, where: str = "") -> set[str]:
    """Where a draft holds the word TODO, as the linter looks for it: every string value, and the keys
    of ``principles`` maps."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if where.endswith("principles") and TODO_WORD.search(str(key)):
                found.add(f"{path}.[key]")
            found |= todo_places(item, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found |= todo_places(item, f"{where}.{index}")
    elif isinstance(value, str) and TODO_WORD.search(value):
        found.add(where)
    return found


def as_twine_exports(text: str) -> str:
    """What Twine 2 writes after importing ``text`` (twinejs ``src/util/twee.ts``): StoryData with only its
    specified keys, passages sorted by name with only position and size, text trimmed, ``::`` escaped."""
    parsed = {p.name: p for p in twee.parse_twee(text)}
    data = json.loads(parsed["StoryData"].text)
    keys = ("ifid", "format", "format-version", "start", "tag-colors", "zoom")
    out = f":: StoryTitle\n{parsed['StoryTitle'].text}\n\n\n:: StoryData\n"
    out += json.dumps({k: data[k] for k in keys if k in data}, indent=2) + "\n\n\n"
    chunks = []
    for name in sorted(n for n in parsed if n not in ("StoryTitle", "StoryData")):
        passage = parsed[name]
        meta = json.dumps({k: passage.metadata[k] for k in ("position", "size")}, separators=(",", ":"))
        tags = f" [{' '.join(passage.tags)}]" if passage.tags else ""
        body = re.sub(r"^::", r"\\::", passage.text, flags=re.MULTILINE)
        chunks.append(f":: {twee.escape_header(name)}{tags} {meta}\n{body}\n")
    return out + "\n\n".join(chunks)


# --- export, then import: the same scenario ------------------------------------------------------


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_scenario_comes_back_the_same_and_passes_the_linter(path, tmp_path, catalogue):
    scenario = load(path)
    result = twee.import_twee(twee.export_twee(scenario), source=f"{scenario.id}.twee")
    assert result.from_samenspel and result.notes == []
    assert result.scenario_id == scenario.id and result.file_name == f"{scenario.id}.yaml"
    assert from_yaml(result.yaml).model_dump() == scenario.model_dump()
    assert result.scenario is not None and result.scenario.model_dump() == scenario.model_dump()
    written = tmp_path / result.file_name
    written.write_text(result.yaml, encoding="utf-8")
    checked, problems = check_file(written, catalogue)
    assert checked is not None and [p for p in problems if p.severity == "error"] == []


@pytest.mark.parametrize("path", BUNDLED[:3], ids=lambda p: p.stem)
def test_a_file_that_went_through_twine_comes_back_the_same(path):
    scenario = load(path)
    result = twee.import_twee(as_twine_exports(twee.export_twee(scenario)))
    assert result.notes == []
    assert from_yaml(result.yaml).model_dump() == scenario.model_dump()


def test_texts_with_link_and_header_characters_come_back_the_same():
    scenario = load(FIXTURES / "mini" / "het-schoolplein.yaml")
    plein = scenario.nodes["plein"]
    odd = [
        plein.choices[0].model_copy(update={"text": "Ik zeg: [[kom]] -> hier | of <- daar ][ nu\nen loop door."}),
        plein.choices[1].model_copy(update={"text": "  ", "condition": "vertrouwen >= 40"}),
    ]
    node = plein.model_copy(update={"text": ":: geen kop\nZie [[dit]] niet als link.\n", "choices": odd})
    scenario = scenario.model_copy(update={"title": "Een vraag\nop het plein", "nodes": {"plein": node}})
    text = twee.export_twee(scenario)
    assert "\\:: geen kop" in text and "[ [dit]] niet" in text
    for twine in (False, True):
        result = twee.import_twee(as_twine_exports(text) if twine else text)
        assert result.notes == []
        assert from_yaml(result.yaml).model_dump() == scenario.model_dump()


def test_the_yaml_reads_like_a_bundled_file():
    text = twee.import_twee(twee.export_twee(load(ROOT / "scenarios" / "de-hulpouder.yaml"))).yaml
    assert text.startswith(
        "# yaml-language-server: $schema=./scenario.schema.json\nformat_version: 1\nid: de-hulpouder\n"
    )
    assert "summary: >-\n" in text and "context: |\n" in text  # folded and literal text blocks
    assert "effects: {" in text and "principles: {" in text  # short mappings on one line
    assert "\n\n  collega:\n" in text  # a blank line between nodes


# --- the exported file, per the Twee 3 specification ---------------------------------------------


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_the_export_is_twee_3_that_twine_reads(path):
    scenario = load(path)
    text = twee.export_twee(scenario)
    found = passages(text)
    assert found["StoryTitle"]["text"] == scenario.title
    data = json.loads(found["StoryData"]["text"])
    assert UPPER_UUID4.match(data["ifid"]) and data["ifid"] == twee.ifid_for(scenario.id)
    assert data["format"] == "Harlowe" and data["format-version"].startswith("3.")
    assert data["start"] == scenario.start and data["start"] in found
    assert set(data["tag-colors"]) >= {"decision", "ending", "sterk", "gemengd", "zwak"}
    assert set(found) == {"StoryTitle", "StoryData", "SamenspelData", *scenario.nodes, *scenario.endings}
    for name, passage in found.items():
        if name not in ("StoryTitle", "StoryData"):
            x, y = (int(v) for v in passage["meta"]["position"].split(","))
            assert x >= 0 and y >= 0 and passage["meta"]["size"] == "100,100"
        for target in re.findall(r"\[\[.*?->(.*?)\]\]", passage["text"]):
            assert target in found, f"{name} links to {target}, which is no passage"
    for node_id, node in scenario.nodes.items():
        tags = found[node_id]["tags"]
        assert ("decision" if node.choices else "route") in tags
        assert ("key-moment" in tags) == node.key_moment
        links = re.findall(r"\[\[(.*?)->(.*?)\]\]", found[node_id]["text"])
        assert [target for _, target in links] == [c.target for c in node.choices] + [r.target for r in node.routes]
    for ending_id, ending in scenario.endings.items():
        assert found[ending_id]["tags"] == ["ending", ending.outcome.value]
        assert "[[" not in found[ending_id]["text"]


def test_the_passages_read_well_for_a_twine_author():
    scenario = load(ROOT / "scenarios" / "de-hulpouder.yaml")
    found = passages(twee.export_twee(scenario))
    start = found[scenario.start]["text"]
    assert start.startswith(scenario.nodes[scenario.start].text.strip()[:40])
    line = scenario.nodes[scenario.start].lines[0]
    assert f"{scenario.speaker_label(line.speaker)}: {line.text.strip()[:30]}" in start
    choice = scenario.nodes[scenario.start].choices[0]
    assert f"[[{' '.join(choice.text.split())}->{choice.target}]]" in start
    ending_id, ending = next(iter(scenario.endings.items()))
    assert found[ending_id]["text"].startswith(f"**{ending.title}** (uitkomst: {ending.outcome.value})")
    assert "Nabespreking: " in found[ending_id]["text"]
    rows = [int(p["meta"]["position"].split(",")[1]) for p in found.values() if p["meta"]]
    assert len(set(rows)) > 3  # laid out in rows by distance from the start


def test_the_export_is_the_same_every_time_and_each_scenario_has_its_own_ifid():
    first, second = load(BUNDLED[0]), load(BUNDLED[1])
    assert twee.export_twee(first) == twee.export_twee(first)
    assert twee.ifid_for(first.id) != twee.ifid_for(second.id)
    assert uuid.UUID(twee.ifid_for(first.id)).version == 4


# --- a file edited in Twine ----------------------------------------------------------------------


def test_links_changed_in_twine_change_the_choices_and_the_notes_say_so():
    scenario = load(ROOT / "scenarios" / "de-hulpouder.yaml")
    text = twee.export_twee(scenario)
    vader = scenario.nodes["vader"].choices
    first = f"[[{' '.join(vader[0].text.split())}->collega]]"
    third = f"[[{' '.join(vader[2].text.split())}->collega]]"
    assert first in text and third in text
    text = text.replace(first, "[[Ik neem hem even apart.->collega]]")
    text = text.replace(third, "[[Ik bel de directeur->Directeur]]")
    text = text.replace("StoryTitle\nDe hulpouder", "StoryTitle\nDe hulpouder (nieuw)")
    text = text.replace(":: verloren [ending zwak]", ":: verloren [ending gemengd]")
    text = text.replace("Dinsdag, tien over half negen.", "Dinsdag, kwart voor negen.", 1)  # the passage, not the data
    text = text.replace("\n\n\n:: SamenspelData", "\n\n\n:: Directeur\nDe directeur neemt op.\n\n\n:: SamenspelData")

    result = twee.import_twee(text)
    draft = parse_plain(result.yaml)
    choices = draft["nodes"]["vader"]["choices"]
    assert [c["id"] for c in choices] == ["apart", "verdedigen", "a"]
    assert choices[0]["text"] == "Ik neem hem even apart." and choices[0]["reaction"] == vader[0].reaction
    assert choices[2] == {
        "id": "a",
        "text": "Ik bel de directeur",
        "target": "directeur",
        "principles": {"TODO": 1},
        "reaction": "TODO",
        "feedback": "TODO",
    }
    assert draft["endings"]["directeur"] == {
        "title": "Directeur",
        "outcome": "TODO",
        "text": "De directeur neemt op.",
        "debrief": "TODO",
    }
    assert draft["title"] == "De hulpouder (nieuw)" and draft["endings"]["verloren"]["outcome"] == "gemengd"
    assert draft["nodes"]["vader"]["text"] == scenario.nodes["vader"].text  # edited narrative is not taken over
    notes = "\n".join(result.notes)
    for expected in (
        "the text of choice 'apart' was edited in Twine",
        f"the link of choice '{vader[2].id}' (to 'collega') was removed in Twine",
        "new link to 'directeur' in Twine: new choice 'a'",
        "new passage 'Directeur' in Twine: new ending 'directeur'",
        "the title was changed in Twine",
        "ending 'verloren': the outcome tag was changed in Twine to 'gemengd'",
        "the text of passage 'vader' was edited in Twine; Samenspel keeps its own text",
    ):
        assert expected in notes
    assert result.scenario is None  # the new choice's principles are a placeholder


def test_a_passage_removed_in_twine_drops_its_ending():
    scenario = load(FIXTURES / "mini" / "het-schoolplein.yaml")
    text = twee.export_twee(scenario)
    text = re.sub(r":: gehaast \[.*?(?=\n\n\n::)", "", text, flags=re.DOTALL)
    text = text.replace("[[Ik ga er meteen op in, hier op het plein.->gehaast]]", "")
    result = twee.import_twee(text)
    draft = parse_plain(result.yaml)
    assert "gehaast" not in draft["endings"] and [c["id"] for c in draft["nodes"]["plein"]["choices"]] == ["afspraak"]
    assert "passage 'gehaast' was removed in Twine: ending 'gehaast' is left out" in result.notes


# --- Twee files Samenspel did not write ----------------------------------------------------------


def test_a_harlowe_story_from_the_twine_cookbook_becomes_a_draft(tmp_path, catalogue):
    result = twee.import_twee((TWEE / "harlowe-storylets.twee").read_text(encoding="utf-8"), source="x.twee")
    draft = parse_plain(result.yaml)
    assert not result.from_samenspel and result.scenario is None
    assert result.scenario_id == "harlowe-storylets" and draft["title"] == "Harlowe: Storylets"
    assert draft["start"] == "start"  # StoryData names start passage "1", which is no passage
    assert any("start passage '1', which does not exist" in note for note in result.notes)
    assert set(draft["nodes"]) == {"start", "rhys-johns", "joy-ewers"}
    assert set(draft["endings"]) == {"matches", "send-message"}
    assert draft["nodes"]["start"]["routes"] == [{"target": "matches"}]  # one link: it goes on by itself
    assert draft["nodes"]["rhys-johns"]["text"] == (
        f'(storylet: when $type is "Casual Dating")\n\n**Name:** Rhys Johns\n\n**Pronouns:** He/Him\n\n{TODO_LINE}'
    )
    assert draft["nodes"]["start"]["text"].endswith(
        '*What are you looking for? (Click to change)*\n(cycling-link: bind $type, "Hookup", "Casual Dating")\n\n'
        + TODO_LINE
    )
    assert draft["endings"]["matches"]["text"] == f"(link-storylet: 1)\n\n{TODO_LINE}"
    assert draft["endings"]["send-message"]["text"] == "You send a message and close the app for now."
    assert [(c["id"], c["text"], c["target"]) for c in draft["nodes"]["joy-ewers"]["choices"]] == [
        ("a", "Send message?", "send-message"),
        ("b", "Change search?", "start"),
    ]
    for passage, macros in (
        ("Start", "(cycling-link:)"),
        ("Matches", "(link-storylet:)"),
        ("Rhys Johns", "(storylet:)"),
        ("Joy Ewers", "(storylet:)"),
    ):
        assert f"passage {passage!r} holds Twine code, kept as text and never run: {macros}" in result.notes
    assert not any("'Send message?' holds" in note for note in result.notes)
    assert any(TODO_LINE in note and "Samenspel runs no Twine code" in note for note in result.notes)
    assert any(
        "python -m modules lint FILE" in note and "every place still to fill in" in note for note in result.notes
    )
    written = tmp_path / result.file_name
    written.write_text(result.yaml, encoding="utf-8")
    _, problems = check_file(written, catalogue)
    where = {p.location for p in problems if p.severity == "error"}
    assert {"school_type", "theme", "minutes", "principles.0", "endings.matches.outcome"} <= where
    assert "nodes.rhys-johns.choices.0.principles.TODO.[key]" in where
    assert {"nodes.start.text", "nodes.rhys-johns.text", "endings.matches.text"} <= todo_places(draft)
    assert "endings.send-message.text" not in todo_places(draft)


def test_a_sugarcube_story_from_the_twine_cookbook_becomes_a_draft():
    result = twee.import_twee((TWEE / "sugarcube-lock-and-key.twee").read_text(encoding="utf-8"))
    draft = parse_plain(result.yaml)
    assert draft["title"] == "Lock and Key: Variable in SugarCube" and draft["start"] == "start"
    assert [c["target"] for c in draft["nodes"]["start"]["choices"]] == ["back-room", "front-room"]
    assert draft["nodes"]["back-room"]["routes"] == [{"target": "front-room"}]
    assert draft["endings"]["exit"]["text"] == "You found the key and went through the door!"
    assert draft["nodes"]["start"]["text"] == f"<<set $key to false>>\n\nRooms:\n\n{TODO_LINE}"
    assert draft["nodes"]["back-room"]["text"] == (
        "<<if $key is false>>\nItems:\n"
        '<<linkreplace "Pick up the key">><<set $key to true>>You have a key.<</linkreplace>>\n'
        f"<<else>>\nThere is nothing here.\n<</if>>\n\nRooms:\n\n{TODO_LINE}"
    )
    assert draft["nodes"]["front-room"]["text"] == (
        f"<<if $key is true>>\n\n<<else>>\nLocked Door\n<</if>>\n\nRooms:\n\n{TODO_LINE}"
    )
    assert result.notes[2:5] == [
        "passage 'Start' holds Twine code, kept as text and never run: <<set>>",
        "passage 'Back Room' holds Twine code, kept as text and never run: <<if>>, <<linkreplace>>, <<set>>, <<else>>",
        "passage 'Front Room' holds Twine code, kept as text and never run: <<if>>, <<else>>",
    ]
    assert any(TODO_LINE in note for note in result.notes)
    assert any("python -m modules lint FILE" in note for note in result.notes)
    assert {"nodes.start.text", "nodes.back-room.text", "nodes.front-room.text"} <= todo_places(draft)


def test_all_link_forms_escaped_names_tags_and_metadata():
    result = twee.import_twee((TWEE / "all-link-forms.twee").read_text(encoding="utf-8"), source="hek.twee")
    draft = parse_plain(result.yaml)
    assert draft["id"] == "het-gesprek-bij-het-hek" and draft["start"] == "bij-het-hek"
    start = draft["nodes"]["bij-het-hek"]
    assert [(c["id"], c["text"], c["target"]) for c in start["choices"]] == [
        ("a", "Ik loop naar hem toe", "vraag-1"),  # [[text->target]] to "Vraag {1}"
        ("b", "Ik nodig hem uit", "kamer-open"),  # [[target<-text]] to "Kamer [open"
        ("c", "Ik zwaai en loop door", "weg-terug"),  # [[text|target]] to "Weg\terug"
        ("d", "Afscheid", "afscheid"),  # [[target]]
    ]
    assert all(c["reaction"] == "TODO" and c["feedback"] == "TODO" for c in start["choices"])
    assert draft["nodes"]["vraag-1"] == {
        "text": f"(set: $vertrouwen to it + 1)Hij vertelt over de toets.\n\n{TODO_LINE}",
        "routes": [{"target": "afscheid"}],
    }
    assert "passage 'Vraag {1}' holds Twine code, kept as text and never run: (set:)" in result.notes
    room = draft["nodes"]["kamer-open"]
    assert room["text"] == "Jullie gaan zitten.\nHij zegt: **Fijn dat het kan.**"
    assert [c["target"] for c in room["choices"]] == ["afscheid", "weg-terug"]  # setter dropped, web link left out
    assert draft["endings"]["weg-terug"]["title"] == "Weg\\terug"
    assert draft["endings"]["afscheid"]["text"] == (
        "Jullie nemen afscheid.\n:: deze regel begint met twee dubbele punten."
    )
    assert "UserScript" not in result.yaml
    assert any("'UserScript'" in note for note in result.notes)
    assert any("https://example.org" in note for note in result.notes)
    assert "removed HTML from 2 passage(s): 'Kamer [open', 'Weg\\\\terug'; check these texts" in result.notes
    assert TODO_LINE not in room["text"] and TODO_LINE not in draft["endings"]["weg-terug"]["text"]

    parsed = {p.name: p for p in twee.parse_twee((TWEE / "all-link-forms.twee").read_text(encoding="utf-8"))}
    assert parsed["Bij het hek"].tags == ("begin", "gesprek")
    assert parsed["Bij het hek"].metadata == {"position": "100,100", "size": "100,100"}
    assert parsed["Vraag {1}"].metadata == {"position": "100,250"} and parsed["Kamer [open"].tags == ("gesprek",)


@pytest.mark.parametrize(
    ("story_format", "text", "expected", "code"),
    [
        (  # a Harlowe hook stays whole (bold, HTML and indentation in it too); prose around it is cleaned
            "Harlowe",
            "  (if: $x is 'a')[''Ja'' <b>zeker</b>\n    //toch//] en ''daarna'' <i>dit</i>, $naam.\n"
            '|fin>[einde] kost $5\n(print: "(")',
            "(if: $x is 'a')[''Ja'' <b>zeker</b>\n    //toch//] en **daarna** dit, $naam.\n"
            '|fin>[einde] kost $5\n(print: "(")',
            ["(if:)", "$naam", "|fin>", "(print:)"],
        ),
        (  # a hook's nested macros are named; an unclosed hook leaves its macro alone as code
            "Harlowe",
            "(link: 'Open')[(set: $open to true)(goto: 'Gang')] en (either: 1, 2)[niet gesloten",
            "(link: 'Open')[(set: $open to true)(goto: 'Gang')] en (either: 1, 2)[niet gesloten",
            ["(link:)", "(set:)", "(goto:)", "(either:)"],
        ),
        (  # SugarCube: a <<script>> block stays whole, closing tags are named by their macro
            "SugarCube",
            "<<script>>\n  // niet cursief\n  var a = '<b>';\n<</script>>\nHoi $naam, ''vet''.\n<<= $x>>",
            "<<script>>\n  // niet cursief\n  var a = '<b>';\n<</script>>\nHoi $naam, **vet**.\n<<= $x>>",
            ["<<script>>", "$naam", "<<=>>"],
        ),
        (  # Snowman: its JavaScript stays, HTML between is removed; a $ is no variable here
            "Snowman",
            "<% if (s.x) { %>Ja <b>goed</b><% } %>\n<%= s.naam %> $geen",
            "<% if (s.x) { %>Ja goed<% } %>\n<%= s.naam %> $geen",
            ["<% %>", "<%= %>"],
        ),
        (  # Chapbook: the vars section, modifiers and inserts stay; its text is Markdown already
            "Chapbook",
            "sleutel: true\n--\nHallo {naam}.\n[if sleutel]\nJe hebt hem. ''niet vet''\n[continue]\n"
            "{back link, label: 'Terug'}",
            "sleutel: true\n--\nHallo {naam}.\n[if sleutel]\nJe hebt hem. ''niet vet''\n[continue]\n"
            "{back link, label: 'Terug'}",
            ["the vars section (up to --)", "{naam}", "[if]", "[continue]", "{back link}"],
        ),
    ],
    ids=["harlowe-hooks", "harlowe-nested", "sugarcube-script", "snowman", "chapbook"],
)
def test_story_format_code_is_kept_verbatim_with_the_todo_line_under_it(story_format, text, expected, code):
    cleaned = twee.clean_text(text, story_format)
    assert cleaned.text == f"{expected}\n\n{TODO_LINE}"
    assert cleaned.code == code
    assert twee.TODO_CODE_LINE == TODO_LINE and TODO_WORD.search(TODO_LINE)


def test_text_without_code_gets_no_todo_line():
    for story_format in (None, "Harlowe", "SugarCube", "Snowman", "Chapbook"):
        cleaned = twee.clean_text("Een vader (boos: heel) wacht. <b>Nu</b> <!-- weg --> [[Verder]]", story_format)
        if story_format in (None, "Harlowe"):  # "(boos:" reads as a Harlowe macro
            assert cleaned.code == ["(boos:)"] and cleaned.text.endswith(TODO_LINE)
        else:
            assert cleaned.text == "Een vader (boos: heel) wacht. Nu" and cleaned.code == []
            assert cleaned.removed == ["comments", "HTML"]


def test_every_placeholder_of_a_foreign_draft_holds_the_word_todo():
    result = twee.import_twee((TWEE / "sugarcube-lock-and-key.twee").read_text(encoding="utf-8"))
    draft = parse_plain(result.yaml)
    choices = [
        f"nodes.{node}.choices.{i}.{field}"
        for node in ("start", "front-room")
        for i in range(2)
        for field in ("principles.TODO.[key]", "reaction", "feedback")
    ]
    assert todo_places(draft) == {
        "summary",
        "school_type",
        "theme",
        "minutes",
        "learning_goals.0",
        "principles.0",
        "persona.role",
        "persona.description",
        "persona.label",
        "context",
        "anticipate",
        "variables.vertrouwen.label",
        "nodes.start.text",
        "nodes.back-room.text",
        "nodes.front-room.text",
        "endings.exit.outcome",
        "endings.exit.debrief",
        *choices,
    }


def test_a_new_passage_with_code_in_a_samenspel_file_keeps_its_code_under_a_todo_line():
    scenario = load(FIXTURES / "mini" / "het-schoolplein.yaml")
    text = twee.export_twee(scenario)
    new = ":: Gang\n(set: $boos to true)De vader loopt weg. <<goto 'Plein'>>\n\n\n"
    result = twee.import_twee(text.replace("\n\n\n:: SamenspelData", f"\n\n\n{new}:: SamenspelData"))
    draft = parse_plain(result.yaml)
    assert draft["endings"]["gang"]["text"] == (
        f"(set: $boos to true)De vader loopt weg. <<goto 'Plein'>>\n\n{TODO_LINE}"
    )
    assert "passage 'Gang' holds Twine code, kept as text and never run: (set:), <<goto>>" in result.notes
    assert any(TODO_LINE in note for note in result.notes)
    assert result.notes[-1].startswith("python -m modules lint FILE")
    assert todo_places(draft) == {"endings.gang.outcome", "endings.gang.text", "endings.gang.debrief"}


def test_names_that_make_the_same_id_get_their_own():
    text = ":: Start\n[[Back Room]] [[back-room]] [[Back room!]]\n:: Back Room\nA\n:: back-room\nB\n:: Back room!\nC\n"
    draft = parse_plain(twee.import_twee(text).yaml)
    assert list(draft["endings"]) == ["back-room", "back-room-2", "back-room-3"]
    assert [c["target"] for c in draft["nodes"]["start"]["choices"]] == ["back-room", "back-room-2", "back-room-3"]


def test_a_passage_with_more_than_four_links_is_kept_and_noted():
    links = "".join(f"[[{n}]]" for n in "ABCDE")
    text = f":: Start\n{links}\n" + "".join(f":: {n}\nEinde {n}.\n" for n in "ABCDE")
    result = twee.import_twee(text)
    assert len(parse_plain(result.yaml)["nodes"]["start"]["choices"]) == 5
    assert any("2 to 4 choices" in note for note in result.notes)


# --- input that cannot be used -------------------------------------------------------------------


def test_a_link_to_a_missing_passage_names_its_line():
    with pytest.raises(twee.TweeError) as caught:
        twee.import_twee((TWEE / "missing-target.twee").read_text(encoding="utf-8"), source="missing-target.twee")
    assert caught.value.line == 8
    assert str(caught.value) == (
        "missing-target.twee, line 8: passage 'Start' links to passage 'Later', which does not exist"
    )


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Just some text.\nNo passages here.\n", None, "not a Twee file"),
        ("", None, "not a Twee file"),
        (":: StoryTitle\nTitel\n:: StoryData\n{}\n", None, "no story passages"),
        (":: Start\nA [[B]]\n:: B\nx\n:: B\ny\n", 5, "a second passage named 'B' (the first is on line 3)"),
        (':: Start {"position": "1,1"\n[[B]]\n:: B\nx\n', 1, "metadata of passage 'Start' is not valid JSON"),
        (":: Start [a b\nx\n", 1, "tag block of passage 'Start' is not closed"),
        (":: Start] x\n", 1, "unescaped ']'"),
        (":: [tag]\nx\n", 1, "without a passage name"),
        (':: StoryData\n{\n  "ifid": "X",\n  "start": \n}\n:: Start\nx\n', 5, "StoryData passage is not valid JSON"),
        ("<html><tw-storydata name='x'></tw-storydata></html>", None, "Twine HTML file"),
        (":: Start\n[[Go->StoryInit]]\n:: StoryInit\n<<set $x to 1>>\n", 2, "which holds story code"),
    ],
)
def test_input_that_is_not_usable_twee_is_refused_with_a_clear_message(text, line, words):
    with pytest.raises(twee.TweeError) as caught:
        twee.import_twee(text, source="story.twee")
    assert caught.value.line == line and words in str(caught.value)
    assert str(caught.value).startswith(f"story.twee, line {line}: " if line else "story.twee: ")


def test_input_size_is_bounded():
    with pytest.raises(twee.TweeError, match="at most 2,000,000"):
        twee.import_twee(":: Start\n" + "x" * twee.MAX_CHARS)
    many = "".join(f":: P{i}\nx\n" for i in range(twee.MAX_PASSAGES + 1))
    with pytest.raises(twee.TweeError, match=f"more than {twee.MAX_PASSAGES} passages"):
        twee.import_twee(many)


def test_a_hostile_file_is_read_in_reasonable_time():
    started = time.monotonic()
    for prefix, chunk in (("", "<<x "), ("]]", "[[a "), ("", "(a: "), ("", "''a "), ("", "/*a "), ("", "<a ")):
        twee.import_twee(":: Start\n" + prefix + chunk * (300_000 // len(chunk)))  # quadratic: minutes
    for chunk in ("(a:)[", "<<script>>", "<%a%>", "|a>", "$a ", "(if:)[(a: "):
        result = twee.import_twee(":: Start\n" + chunk * (300_000 // len(chunk)))
        assert result.yaml.count("TODO: Twine-code") == 1
    for story_format in ("Snowman", "Chapbook"):
        data = f':: StoryData\n{{"format": "{story_format}"}}\n'
        twee.import_twee(data + ":: Start\n" + "{a <%a [a\n" * 30_000)
    assert time.monotonic() - started < 30


def test_samenspel_data_that_is_not_json_names_its_line():
    text = twee.export_twee(load(FIXTURES / "mini" / "het-schoolplein.yaml"))
    header = text.index(":: SamenspelData")
    line = text[:header].count("\n") + 1
    broken = text[:header] + text[header:].replace('"samenspel_twee": 1,', '"samenspel_twee": 1', 1)
    with pytest.raises(twee.TweeError, match="SamenspelData passage is not valid JSON") as caught:
        twee.import_twee(broken)
    assert caught.value.line is not None and caught.value.line > line


def test_an_id_in_samenspel_data_never_leaves_the_output_folder():
    text = twee.export_twee(load(FIXTURES / "mini" / "het-schoolplein.yaml"))
    result = twee.import_twee(text.replace('"id": "het-schoolplein"', '"id": "../../evil"'))
    assert result.file_name == "evil.yaml" and result.scenario is None
    assert any("does not pass the schema" in note for note in result.notes)


# --- the command line ----------------------------------------------------------------------------


def test_cli_import_writes_the_draft_prints_notes_and_the_linters_findings(tmp_path, capsys):
    out = tmp_path / "drafts"
    assert cli.main(["twee", "import", str(TWEE / "sugarcube-lock-and-key.twee"), "--out", str(out)]) == 0
    written = out / "lock-and-key-variable-in-sugarcube.yaml"
    printed = capsys.readouterr().out
    assert written.exists() and f"wrote {written}" in printed
    assert "note: read a Twine story of 4 passage(s)" in printed
    assert f"{written}:6: [school_type] error:" in printed
    errors = sum(p.severity == "error" for p in check_file(written)[1])
    assert f"the linter found {errors} error(s)" in printed and "TODO placeholder(s) to fill in" in printed
    assert "note: passage 'Back Room' holds Twine code, kept as text and never run: <<if>>" in printed
    assert "note: python -m modules lint FILE" in printed

    assert cli.main(["twee", "import", str(TWEE / "sugarcube-lock-and-key.twee"), "--out", str(out)]) == 1
    assert f"error: {written} exists; add --force to overwrite it" in capsys.readouterr().err
    written.write_text("changed", encoding="utf-8")
    assert cli.main(["twee", "import", str(TWEE / "sugarcube-lock-and-key.twee"), "--out", str(out), "--force"]) == 0
    assert written.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_cli_export_by_id_gives_a_file_that_imports_back(tmp_path, capsys):
    target = tmp_path / "hulpouder.twee"
    assert cli.main(["twee", "export", "de-hulpouder", "--out", str(target)]) == 0
    assert f"wrote {target}" in capsys.readouterr().out
    assert cli.main(["twee", "import", str(target), "--out", str(tmp_path)]) == 0
    assert "the linter finds no errors" in capsys.readouterr().out
    again = load(tmp_path / "de-hulpouder.yaml")
    assert again.model_dump() == load(ROOT / "scenarios" / "de-hulpouder.yaml").model_dump()
    assert cli.main(["twee", "export", "de-hulpouder", "--out", str(target)]) == 1  # no overwrite without --force
    assert cli.main(["twee", "export", str(FIXTURES / "mini" / "het-schoolplein.yaml")]) == 0  # a path, to stdout
    assert capsys.readouterr().out.startswith(":: StoryTitle\nEen vraag op het schoolplein\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["twee", "import", "{twee}/missing-target.twee", "--out", "{tmp}"], "line 8: passage 'Start' links to"),
        (["twee", "import", "{tmp}/nothing.twee", "--out", "{tmp}"], "No such file or directory"),
        (["twee", "import", "{bad}", "--out", "{tmp}"], "not a Twee file"),
        (["twee", "import", "{twee}/all-link-forms.twee"], "needs --out DIR"),
        (["twee", "export", "no-such-scenario"], "is neither a file nor the id of a scenario"),
        (["twee", "export", "{broken}"], "does not pass the schema"),
    ],
)
def test_cli_refuses_bad_input_with_a_message_and_no_traceback(tmp_path, capsys, argv, message):
    bad = tmp_path / "bad.twee"
    bad.write_text("hello\nworld\n", encoding="utf-8")
    paths = {
        "twee": str(TWEE),
        "tmp": str(tmp_path),
        "bad": str(bad),
        "broken": str(FIXTURES / "broken" / "schema.yaml"),
    }
    assert cli.main([part.format(**paths) for part in argv]) != 0
    err = capsys.readouterr().err
    assert message in err and "error:" in err and "Traceback" not in err
