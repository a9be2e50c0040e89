"""The one command line of Samenspel: ``python -m modules <command>`` (``--help`` for each).

For authors (``lint``), for whoever runs the server (``create-admin``, ``reset-code``,
``switch-off``, ``switch-on``, ``export-user``, ``delete-user``, ``demo``, ``migrate``).
Messages are plain English; errors name the file and place where one applies, and
every command exits non-zero when it fails. Commands that manage people work on the
real data folder (``SAMENSPEL_DATA_DIR`` or ``progress/``), never on the demo's.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from modules import settings, storage
from modules.content.principles import load_catalogue
from modules.content.scenario import Scenario, schema_text
from modules.content.yamlio import load_yaml_file
from modules.deployment import demo
from modules.exchange import mydata
from modules.library import quality
from modules.library.lint import check_file
from modules.people import accounts
from modules.storage import Store, StoreError, open_store


def _real_store() -> storage.TinyDBStore:
    return storage.TinyDBStore(settings.data_root(), demo=False)


def _account(store: Store, username: str) -> accounts.Account:
    found = store.find_account(username=username)
    if found is None:
        raise LookupError(f"no account with username {username!r} in {store.root}")
    return found


# --- lint ---------------------------------------------------------------------------------------


def _scenario_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"}))
        else:
            files.append(path)
    return files


def lint(args: argparse.Namespace) -> int:
    """Print every problem as ``file:line:column: [location] severity: cause``; exit 1 on any error.

    ``--strict`` adds the quality bar; ``--report`` prints each scenario's figures after its problems.
    """
    files = _scenario_files(args.paths)
    if not files:
        print(f"no .yaml files found in {' '.join(args.paths)}", file=sys.stderr)
        return 2
    catalogue = load_catalogue()
    error_count = 0
    ids: dict[str, list[Path]] = {}
    reports: list[str] = []
    loaded: list[Scenario] = []
    for path in files:
        if not path.exists():
            print(f"{path}: error: no such file")
            error_count += 1
            continue
        scenario, problems = check_file(path, catalogue)
        if scenario is not None and (args.strict or args.report):
            found = quality.figures(scenario)
            if args.strict:
                problems = problems + quality.strict_problems(
                    scenario, load_yaml_file(path), path.name, catalogue, found
                )
            if args.report:
                reports.append(quality.report(scenario, found))
        for problem in problems:
            print(str(problem).replace(path.name, str(path), 1))
        error_count += sum(p.severity == "error" for p in problems)
        if scenario is not None:
            ids.setdefault(scenario.id, []).append(path)
            loaded.append(scenario)
    for scenario_id, paths in ids.items():
        for path in paths[1:] if len(paths) > 1 else []:
            print(f"{path}: [id] error: id {scenario_id!r} is also used by {paths[0]} (neither is loaded)")
            error_count += 1
    if reports:
        print("\n" + "\n\n".join(reports) + "\n")
        if len(loaded) > 1:
            print(quality.library_report(loaded, catalogue) + "\n")
    mode = " against the quality bar" if args.strict else ""
    print(f"{len(files)} file(s) checked{mode}, {error_count} error(s)")
    return 1 if error_count else 0


# --- people -------------------------------------------------------------------------------------


def create_admin(args: argparse.Namespace) -> int:
    store = _real_store()
    if args.code:
        account, code = accounts.create_admin_with_code(store, args.username)
        print(f"admin account {account.username!r} created in {store.root}")
        _print_code(code)
        return 0
    password = os.environ.get("SAMENSPEL_ADMIN_PASSWORD")
    if not password:
        password = getpass.getpass(f"Password for {args.username}: ")
        if getpass.getpass("Repeat the password: ") != password:
            print("error: the two passwords differ; nothing was created", file=sys.stderr)
            return 1
    account = accounts.create_admin(store, args.username, password)
    print(f"admin account {account.username!r} created in {store.root}")
    return 0


def _print_code(code: str) -> None:
    print(f"one-time code (valid 48 hours, shown only now): {code}")
    print("The user opens 'Code van de beheerder' on the welcome page and chooses a password.")


def reset_code(args: argparse.Namespace) -> int:
    code = accounts.command_reset_code(_real_store(), args.username)
    print(f"new one-time code for {args.username!r}; its sign-ins have ended")
    _print_code(code)
    return 0


def switch(args: argparse.Namespace) -> int:
    account = accounts.command_set_active(_real_store(), args.username, args.command == "switch-on")
    print(f"account {account.username!r} is now {'on' if account.active else 'off'}")
    return 0


def export_user(args: argparse.Namespace) -> int:
    store = _real_store()
    data = json.dumps(mydata.export(store, _account(store, args.username)), indent=2, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(data + "\n", encoding="utf-8")
        print(f"the data of {args.username!r} is in {args.out}")
    else:
        print(data)
    return 0


def delete_user(args: argparse.Namespace) -> int:
    if not args.yes:
        print("error: deleting an account cannot be undone; add --yes to do it", file=sys.stderr)
        return 2
    store = _real_store()
    account = _account(store, args.username)
    mydata.delete(store, account.model_copy(update={"active": True}))
    print(f"account {args.username!r} and all its data are deleted")
    return 0


# --- the demo and stored data -------------------------------------------------------------------


def demo_command(args: argparse.Namespace) -> int:
    if args.action == "seed":
        store = open_store(settings.demo_dir(), demo=True)
        print("demo accounts and log created" if demo.seed(store) else "demo log already present (or scenario missing)")
        print(f"demo data folder: {store.root}")
    else:
        print("demo folder removed" if demo.remove() else "no demo folder to remove")
    return 0


def schema(_args: argparse.Namespace) -> int:
    """The JSON Schema of the scenario format, for authors' editors."""
    sys.stdout.write(schema_text())
    return 0


def migrate_command(_args: argparse.Namespace) -> int:
    """Rewrite every stored record in the current format, and check that none got lost."""
    store = _real_store()
    before = storage.migrate(store)
    after = storage.migrate(store)  # a second pass reads what the first wrote: the same records, already current
    width = max(len(kind) for kind in before)
    for kind, count in before.items():
        print(f"{kind:<{width}}  {count:>6}")
    if before != after:
        print(f"error: the records changed between two passes: {before} then {after}", file=sys.stderr)
        return 1
    print(f"{sum(before.values())} record(s) in {store.root} are in the current format")
    return 0


COMMANDS = {
    "lint": (lint, "check scenario files (YAML, schema, references, the play graph)"),
    "schema": (schema, "print the JSON Schema of scenario files (> scenarios/scenario.schema.json)"),
    "create-admin": (create_admin, "make an admin account (the app itself cannot)"),
    "reset-code": (reset_code, "print a new one-time code for an account (any role); its sign-ins end"),
    "switch-off": (switch, "switch an account off (any role); its sign-ins end"),
    "switch-on": (switch, "switch an account on again"),
    "export-user": (export_user, "write everything stored about an account as JSON"),
    "delete-user": (delete_user, "delete an account and all its data"),
    "demo": (demo_command, "create the demo's accounts and log, or remove the demo folder"),
    "migrate": (migrate_command, "rewrite every stored record in the current format (safe to repeat)"),
}


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="python -m modules", description=(__doc__ or "").split("\n\n")[0].replace("``", "")
    )
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="command")
    for name, (_handler, text) in COMMANDS.items():
        sub = commands.add_parser(name, help=text, description=text)
        if name == "lint":
            sub.add_argument("paths", nargs="*", default=["scenarios"], help="files or folders (default: scenarios)")
            sub.add_argument(
                "--strict", action="store_true", help="also check the quality bar (see scenarios/README.md)"
            )
            sub.add_argument(
                "--report", action="store_true", help="print each scenario's figures (decisions, paths, shares, ...)"
            )
        elif name in ("schema", "migrate"):
            pass
        elif name == "demo":
            sub.add_argument("action", choices=["seed", "remove"])
        else:
            sub.add_argument("username")
        if name == "create-admin":
            sub.add_argument(
                "--code",
                action="store_true",
                help="no password now: print a one-time code (valid 48 hours, shown once) with which "
                "the new admin chooses a password on the welcome page; without --code the "
                "password is read from SAMENSPEL_ADMIN_PASSWORD or asked for twice",
            )
        if name == "export-user":
            sub.add_argument("--out", help="a file to write (default: standard output)")
        if name == "delete-user":
            sub.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    return main_parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    handler = COMMANDS[args.command][0]
    try:
        return handler(args)
    except accounts.AuthError as exc:  # the app's own rules, worded for its users (in Dutch)
        print(f"error: refused by the account rules: {exc}", file=sys.stderr)
        return 1
    except (StoreError, LookupError, mydata.DeletionRefused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
