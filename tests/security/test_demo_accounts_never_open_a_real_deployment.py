"""Demo accounts can never open a real deployment (issue 8, part 1).

Today's attack: the demo was on unless SAMENSPEL_DEMO=0, and ``demo-beheer`` (an admin with a
public password) could reset any real account's password and create admins.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from modules.deployment import demo, startup
from modules.exchange import mydata
from modules.library.scenarios import load_library
from modules.people import accounts, sharing
from modules.people.accounts import AuthError, PermissionDenied
from modules.records import Account
from modules.storage import DEMO_MARKER, DataFolderError, TinyDBStore
from modules.team import sessions as team
from modules.ui import context, shell
from tests.conftest import ROOT
from tests.pages import PASSWORD, goto, open_app, sign_in, texts

PUBLIC = {"demo-leraar": "oefenen-met-ouders", "demo-coach": "coachen-met-zorg", "demo-beheer": "beheren-met-zorg"}


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A data folder for the app under test; every test starts the app afresh."""
    root = tmp_path / "progress"
    monkeypatch.setenv("SAMENSPEL_DATA_DIR", str(root))
    monkeypatch.delenv("SAMENSPEL_DEMO", raising=False)
    startup.forget()
    yield root
    startup.forget()


def test_a_plain_start_creates_no_account_with_a_public_password(data):
    at = open_app()  # as `streamlit run app.py` without any setting
    assert "Welkom bij Samenspel" in texts(at)
    assert "Demo" not in texts(at)
    assert TinyDBStore(data).list_accounts() == []
    assert not (data / "demo").exists()
    for username, password in PUBLIC.items():
        with pytest.raises(AuthError):
            accounts.sign_in(TinyDBStore(data), username, password)


def test_the_demo_has_no_admin_and_lives_in_its_own_marked_folder(data, monkeypatch):
    real = TinyDBStore(data)
    owner = accounts.sign_up(real, "echte-leraar", PASSWORD)
    monkeypatch.setenv("SAMENSPEL_DEMO", "1")
    at = sign_in(open_app(), "demo-leraar", PUBLIC["demo-leraar"])
    assert "Demo: wachtwoorden zijn openbaar" in texts(at)

    folder = data / "demo"
    assert (folder / DEMO_MARKER).is_file()
    in_demo = TinyDBStore(folder, demo=True).list_accounts()
    assert sorted(a.username for a in in_demo) == ["demo-coach", "demo-leraar"]
    assert all(a.demo for a in in_demo) and not [a for a in in_demo if a.role == "admin"]
    assert [a.username for a in real.list_accounts()] == [owner.username], "the real folder is untouched"
    refused = sign_in(open_app(), "echte-leraar", PASSWORD)  # the real account does not exist for the demo
    assert accounts.WRONG in [e.value for e in refused.error]


def test_a_store_refuses_a_folder_of_the_other_kind(data):
    accounts.sign_up(TinyDBStore(data), "echte-leraar", PASSWORD)
    with pytest.raises(DataFolderError):
        TinyDBStore(data, demo=True)  # real data is never used for the demo
    demo_folder = data / "demo"
    TinyDBStore(demo_folder, demo=True)
    with pytest.raises(DataFolderError):
        TinyDBStore(demo_folder)  # demo data is never used for real
    with pytest.raises(DataFolderError):
        demo.seed(TinyDBStore(data))  # the public passwords never reach a real folder


def test_switching_the_demo_off_removes_the_demo_and_old_demo_accounts(data, monkeypatch):
    # An install of the old version: the demo accounts, demo-beheer included, in the real folder.
    real = TinyDBStore(data)
    for username, password in PUBLIC.items():
        role = {"demo-leraar": "teacher", "demo-coach": "coach", "demo-beheer": "admin"}[username]
        accounts.ensure_account(real, username, password, role)
    teacher = accounts.sign_up(real, "echte-leraar", PASSWORD)
    sharing.connect_with_code(real, teacher, real.find_account(username="demo-coach").invite_code)
    kept = real.find_account(username="demo-leraar")  # its owner changed the password: no longer public
    real.save_account(kept.model_copy(update={"password_hash": accounts._hasher().hash("een-eigen-wachtwoord")}))

    monkeypatch.setenv("SAMENSPEL_DEMO", "1")
    open_app()
    assert (data / "demo" / DEMO_MARKER).exists()

    monkeypatch.delenv("SAMENSPEL_DEMO")
    startup.forget()  # a new start, without the demo
    open_app()
    assert not (data / "demo").exists(), "the demo folder is removed"
    names = sorted(a.username for a in TinyDBStore(data).list_accounts())
    assert names == ["demo-leraar", "echte-leraar"], "public demo accounts are removed, the rest stays"
    assert TinyDBStore(data).connections(teacher_id=teacher.id) == []
    assert "demo-beheer" not in (data / "accounts.json").read_text()


def test_the_demo_can_be_removed_by_hand(data, monkeypatch):
    monkeypatch.setenv("SAMENSPEL_DEMO", "1")
    open_app()
    result = subprocess.run(
        [sys.executable, "-m", "modules", "demo", "remove"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**__import__("os").environ},
    )
    assert result.returncode == 0 and "removed" in result.stdout
    assert not (data / "demo").exists()
    (data / "elsewhere").mkdir()  # a folder without the marker is never deleted
    assert demo.remove(data / "elsewhere") is False


def test_a_demo_account_never_acts_on_a_real_account(store):
    real_coach = accounts.ensure_account(store, "echte-coach", PASSWORD, "coach")
    real_admin = accounts.ensure_account(store, "echte-beheerder", PASSWORD, "admin")
    real_teacher = accounts.sign_up(store, "echte-leraar", PASSWORD)
    # A demo account that somehow sits next to real ones (the folders keep them apart; this is the second line).
    demo_admin, demo_teacher = (
        store.save_account(store.create_account(Account(username=name, role=role)).model_copy(update={"demo": True}))
        for name, role in (("demo-beheer", "admin"), ("demo-leraar", "teacher"))
    )

    with pytest.raises(PermissionDenied):
        accounts.admin_reset_code(store, demo_admin, real_teacher.id)
    with pytest.raises(PermissionDenied):
        accounts.admin_set_active(store, demo_admin, real_teacher.id, False)
    with pytest.raises(PermissionDenied):
        accounts.admin_set_role(store, demo_admin, real_teacher.id, "coach")
    with pytest.raises(PermissionDenied):
        accounts.admin_reset_code(store, real_admin, demo_teacher.id)
    with pytest.raises(sharing.SharingError):
        sharing.connect_with_code(store, demo_teacher, real_coach.invite_code)
    scenario = load_library().get("de-taalbarriere")
    session = team.create(store, real_coach, scenario)
    with pytest.raises(PermissionDenied):
        team.join(store, session.code, account=demo_teacher)


def test_every_admin_is_made_with_the_command(store, tmp_path):
    admin = accounts.ensure_account(store, "beheerder", PASSWORD, "admin")
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    with pytest.raises(AuthError, match="opdracht op de server"):
        accounts.admin_create_account(store, admin, "nog-een-beheerder", "admin")
    with pytest.raises(AuthError, match="opdracht op de server"):
        accounts.admin_set_role(store, admin, teacher.id, "admin")
    assert [a.username for a in store.list_accounts() if a.role == "admin"] == ["beheerder"]

    env = {**__import__("os").environ, "SAMENSPEL_DATA_DIR": str(tmp_path / "cli"), "SAMENSPEL_DEMO": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "modules", "create-admin", "eerste-beheerder", "--code"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    code = result.stdout.split("shown only now): ")[1].split()[0]
    made = TinyDBStore(tmp_path / "cli")  # the real folder, also with SAMENSPEL_DEMO set
    assert made.find_account(username="eerste-beheerder").role == "admin"
    assert code not in (tmp_path / "cli" / "accounts.json").read_text(), "only a hash of the code is stored"
    assert accounts.reset_password(made, "eerste-beheerder", code, "een-eigen-zin-als-wachtwoord").role == "admin"


def test_the_admin_page_offers_no_admin_role(app_env):
    store = TinyDBStore(app_env)
    accounts.ensure_account(store, "beheerder", PASSWORD, "admin")
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    at = sign_in(open_app(), "beheerder")
    assert "admin" not in at.selectbox(key="create-role").options
    at.selectbox(key="chosen").set_value(teacher.id).run()
    assert "Beheerder" not in at.selectbox(key=f"role-{teacher.id}").options
    assert "opdracht op de server" in texts(at)


@pytest.mark.parametrize("page", sorted({key for keys in shell.NAVIGATION["teacher"].values() for key in keys}))
def test_the_demo_banner_is_on_every_page(data, monkeypatch, page):
    monkeypatch.setenv("SAMENSPEL_DEMO", "1")
    at = sign_in(open_app(), "demo-leraar", PUBLIC["demo-leraar"])
    goto(at, context.PAGES[page])
    assert any("Demo: wachtwoorden zijn openbaar" in w.value for w in at.warning)


def test_export_of_a_demo_account_says_nothing_of_real_accounts(data, monkeypatch):
    accounts.sign_up(TinyDBStore(data), "echte-leraar", PASSWORD)
    monkeypatch.setenv("SAMENSPEL_DEMO", "1")
    open_app()
    store = TinyDBStore(data / "demo", demo=True)
    mine = mydata.export(store, store.find_account(username="demo-coach"))
    assert "echte-leraar" not in json.dumps(mine)
