"""The Werkplaats without Streamlit: drafts are private, checked on save, published with a history."""

from __future__ import annotations

import shutil

import pytest

from modules.authoring import workshop
from modules.exchange import mydata
from modules.library.scenarios import load_library
from modules.people import accounts
from tests.conftest import FIXTURES, ROOT

PASSWORD = "een-lange-zin-als-wachtwoord"
MINI = (FIXTURES / "mini" / "het-schoolplein.yaml").read_text(encoding="utf-8")


@pytest.fixture
def people(store):
    admin = accounts.ensure_account(store, "beheerder", PASSWORD, "admin")
    made = {}
    for name, role in (("auteur-a", "coach"), ("auteur-b", "teacher"), ("uitgever", "facilitator")):
        account = accounts.ensure_account(store, name, PASSWORD, role)
        made[name] = accounts.admin_set_authoring(store, admin, account.id, True, name == "uitgever")
    made["leraar"] = accounts.ensure_account(store, "leraar", PASSWORD, "teacher")
    made["beheerder"] = admin
    return made


@pytest.fixture
def library_dir(tmp_path):
    folder = tmp_path / "bibliotheek"
    folder.mkdir()
    shutil.copy(ROOT / "scenarios" / "de-taalbarriere.yaml", folder)
    shutil.copy(ROOT / "scenarios" / "woordenlijst.txt", folder)
    return folder


def test_only_authors_and_admins_work_in_the_werkplaats(store, people):
    assert accounts.can_author(people["auteur-b"]) and accounts.can_author(people["beheerder"])
    assert not accounts.can_author(people["leraar"])
    assert accounts.can_publish(people["uitgever"]) and not accounts.can_publish(people["auteur-a"])
    with pytest.raises(workshop.WorkshopError, match="auteurs"):
        workshop.save_draft(store, people["leraar"], MINI)


def test_a_draft_with_errors_is_saved_but_not_published(store, people, library_dir):
    reaction = next(line for line in MINI.splitlines() if line.strip().startswith("reaction:"))
    broken = MINI.replace(reaction, reaction.split("reaction:")[0] + "reaction: TODO", 1)
    draft, checked = workshop.save_draft(store, people["auteur-a"], broken, source="geplakt")
    assert checked.errors and draft.errors == len(checked.errors) and draft.scenario_id == "het-schoolplein"
    assert store.get_draft(people["auteur-a"].id, draft.id).yaml == broken
    offered = workshop.offer(store, people["auteur-a"], draft.id)
    with pytest.raises(workshop.WorkshopError, match="fout"):
        workshop.publish(store, people["uitgever"], offered.owner_id, draft.id, library_dir, load_library(library_dir))
    assert not (library_dir / "het-schoolplein.yaml").exists()


def test_a_draft_is_private_until_its_author_offers_it(store, people):
    draft, _ = workshop.save_draft(store, people["auteur-a"], MINI)
    for other in ("auteur-b", "uitgever"):
        assert draft.id not in {d.id for d in workshop.drafts_for(store, people[other])}
        with pytest.raises(workshop.WorkshopError, match="andere auteur"):
            workshop.open_draft(store, people[other], draft.owner_id, draft.id)
    workshop.offer(store, people["auteur-a"], draft.id)
    assert draft.id in {d.id for d in workshop.drafts_for(store, people["uitgever"])}
    assert draft.id not in {d.id for d in workshop.drafts_for(store, people["auteur-b"])}, "no publish rights"
    with pytest.raises(workshop.WorkshopError):
        workshop.save_draft(store, people["auteur-b"], MINI, draft_id=draft.id)  # not their draft


def test_publishing_writes_the_library_keeps_versions_and_shows_the_diff(store, people, library_dir):
    author = people["auteur-a"]
    library = load_library(library_dir)
    assert library.get("het-schoolplein") is None
    with pytest.raises(workshop.WorkshopError, match="niet zelf publiceren"):
        draft, _ = workshop.save_draft(store, author, MINI)
        workshop.publish(store, author, author.id, draft.id, library_dir, library)
    workshop.offer(store, author, draft.id)
    first = workshop.publish(store, people["beheerder"], author.id, draft.id, library_dir, library)
    assert first.number == 1 and first.published_by == people["beheerder"].id
    assert store.get_draft(author.id, draft.id) is None, "the published draft lives on as a version"
    library = load_library(library_dir)
    assert library.get("het-schoolplein") is not None, "in the library without a restart"

    changed = MINI.replace("title: Een vraag op het schoolplein", "title: Het schoolplein (nieuw)")
    assert changed != MINI
    draft2, _ = workshop.save_draft(store, people["uitgever"], changed)
    second = workshop.publish(store, people["uitgever"], people["uitgever"].id, draft2.id, library_dir, library)
    assert [v.number for v in workshop.history(store, "het-schoolplein")] == [2, 1]
    assert "+title: Het schoolplein (nieuw)" in workshop.diff(first.yaml, second.yaml)
    assert load_library(library_dir).get("het-schoolplein").title == "Het schoolplein (nieuw)"


def test_improving_a_library_scenario_keeps_the_file_before_as_version_zero(store, people, library_dir):
    library = load_library(library_dir)
    before = (library_dir / "de-taalbarriere.yaml").read_text(encoding="utf-8")
    draft = workshop.draft_from_library(store, people["uitgever"], library_dir, library, "de-taalbarriere")
    assert draft.yaml == before and draft.source == "bibliotheek"
    edited = before.replace("minutes:", "# bewerkt in de Werkplaats\nminutes:", 1)
    draft, checked = workshop.save_draft(store, people["uitgever"], edited, draft_id=draft.id)
    assert not checked.errors and checked.figures is not None and checked.figures.paths > 1
    workshop.publish(store, people["uitgever"], people["uitgever"].id, draft.id, library_dir, library)
    versions = store.list_versions("de-taalbarriere")
    assert [(v.number, v.published_by) for v in versions] == [(0, None), (1, people["uitgever"].id)]
    assert versions[0].yaml == before and (library_dir / "de-taalbarriere.yaml").read_text(encoding="utf-8") == edited
    assert sorted(p.name for p in library_dir.iterdir()) == ["de-taalbarriere.yaml", "woordenlijst.txt"]


def test_drafts_are_in_the_export_and_leave_with_the_account(store, people, library_dir):
    author = people["uitgever"]
    draft, _ = workshop.save_draft(store, author, MINI)
    exported = mydata.export(store, author)
    assert [d["id"] for d in exported["scenario_drafts"]] == [draft.id]
    workshop.publish(store, author, author.id, draft.id, library_dir, load_library(library_dir))
    assert mydata.export(store, author)["scenario_versions_published"][0]["scenario_id"] == "het-schoolplein"
    workshop.save_draft(store, author, MINI)
    store.delete_account(author.id)
    assert store.list_drafts(author.id) == []
    assert [v.published_by for v in store.list_versions("het-schoolplein")] == [None]


def test_an_oversized_or_empty_draft_is_refused_with_a_dutch_message(store, people):
    with pytest.raises(workshop.WorkshopError, match="te groot"):
        workshop.save_draft(store, people["auteur-a"], "x" * 1_000_001)
    with pytest.raises(workshop.WorkshopError, match="leeg"):
        workshop.save_draft(store, people["auteur-a"], "   ")


def test_a_text_checked_once_is_not_checked_again_until_it_changes(monkeypatch):
    calls = []
    real = workshop._check
    monkeypatch.setattr(workshop, "_check", lambda text, name: calls.append(text) or real(text, name))
    text = MINI.replace("title:", "# nooit eerder gecontroleerd\ntitle:", 1)  # not remembered by another test
    first = workshop.check(text)
    assert workshop.check(text) is first and calls == [text]
    changed = text.replace("title:", "# een opmerking\ntitle:", 1)
    workshop.check(changed)
    assert calls == [text, changed]
