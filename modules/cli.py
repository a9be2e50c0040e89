"""The one command line of Samenspel: ``python -m modules <command>`` (``--help`` for each).

For authors (``lint``, ``twee``), for whoever runs the server (``create-admin``, ``reset-code``,
``switch-off``, ``switch-on``, ``export-user``, ``delete-user``, ``demo``, ``migrate``, ``xapi``).
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
import time
from pathlib import Path

from pydantic import ValidationError

from modules import settings, storage
from modules.content.principles import load_catalogue
from modules.content.scenario import Scenario, schema_text
from modules.content.yamlio import NotUtf8Error, YamlSyntaxError, load_yaml_file, parse_plain, read_text, to_plain
from modules.deployment import demo
from modules.exchange import lrs, mydata, twee, xapi
from modules.library import quality
from modules.library.lint import check_file
from modules.library.scenarios import SCENARIO_DIR, load_library
from modules.people import accounts
from modules.storage import Store, StoreError, open_store
from modules.storage.outbox import open_outbox


def _real_store() -> Store:
    """The deployment's store: its database with ``SAMENSPEL_DATABASE_URL``, else its data folder."""
    return open_store(settings.data_root(), demo=False)


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


# --- Twine (Twee 3) -----------------------------------------------------------------------------


def _scenario_path(name: str) -> Path:
    """A scenario file: the path given, else the file in scenarios/ whose id (or name) it is."""
    path = Path(name)
    if path.is_file():
        return path
    if path.suffix not in (".yaml", ".yml") and len(path.parts) == 1:
        for candidate in [SCENARIO_DIR / f"{name}.yaml", *sorted(SCENARIO_DIR.glob("*.yaml"))]:
            if candidate.is_file() and (candidate.stem == name or _scenario_id(candidate) == name):
                return candidate
    raise LookupError(f"{name!r} is neither a file nor the id of a scenario in {SCENARIO_DIR}")


def _scenario_id(path: Path) -> str | None:
    try:
        data = parse_plain(read_text(path))
    except (OSError, ValueError):
        return None
    return data.get("id") if isinstance(data, dict) else None


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; add --force to overwrite it")


def twee_command(args: argparse.Namespace) -> int:
    """``import FILE --out DIR``: a Twee file as ``DIR/<id>.yaml``, then the linter's findings on it.
    ``export SCENARIO [--out FILE]``: a scenario (file or id) as a Twee 3 file for Twine 2."""
    try:
        return _twee_import(args) if args.action == "import" else _twee_export(args)
    except (twee.TweeError, FileExistsError, YamlSyntaxError, NotUtf8Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
    return 1


def _twee_import(args: argparse.Namespace) -> int:
    if not args.out:
        print("error: twee import needs --out DIR (the folder to write the scenario file in)", file=sys.stderr)
        return 2
    source = Path(args.source)
    text = twee.read_twee(source)
    result = twee.import_twee(text, source=source.name)
    target = Path(args.out) / result.file_name
    _refuse_overwrite(target, args.force)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(result.yaml, encoding="utf-8")
    for note in result.notes:
        print(f"note: {note}")
    print(f"wrote {target}")
    _scenario, problems = check_file(target)
    for problem in problems:
        print(str(problem).replace(target.name, str(target), 1))
    errors = sum(p.severity == "error" for p in problems)
    todo = result.yaml.count(twee.TODO)
    if errors or todo:
        print(
            f"the draft is written; the linter found {errors} error(s) and the file holds {todo} {twee.TODO} "
            f"placeholder(s) to fill in; check again with: python -m modules lint {target}"
        )
    else:
        print("the linter finds no errors")
    return 0


def _twee_export(args: argparse.Namespace) -> int:
    path = _scenario_path(args.source)
    raw = load_yaml_file(path)
    try:
        scenario = Scenario.model_validate(to_plain(raw))
    except ValidationError:
        for problem in check_file(path)[1]:
            print(str(problem).replace(path.name, str(path), 1), file=sys.stderr)
        print(f"error: {path} does not pass the schema; fix it first (python -m modules lint {path})", file=sys.stderr)
        return 1
    text = twee.export_twee(scenario)
    if not args.out:
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    _refuse_overwrite(out, args.force)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: in Twine 2 choose Library > Import and pick this file")
    return 0


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


def migrate_command(args: argparse.Namespace) -> int:
    """Rewrite every stored record in the current format, and check that none got lost; with ``--from``
    and ``--to``, copy every record between a data folder and a PostgreSQL database (either way)."""
    if args.source or args.target:
        return _copy_command(args.source, args.target, overwrite=args.overwrite)
    store = storage.TinyDBStore(settings.data_root(), demo=False)
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


# --- learning records (xAPI) --------------------------------------------------------------------


def xapi_command(args: argparse.Namespace) -> int:
    """``export --user NAME``: the account's statements as JSON; ``send``: drain the queue to the LRS now;
    ``status``: what waits and what was set aside; ``enqueue``: queue the whole history (safe to repeat)."""
    store = _real_store()
    library = load_library(Path(os.environ.get("SAMENSPEL_SCENARIO_DIR") or SCENARIO_DIR))
    outbox = open_outbox(store)
    if args.action == "export":
        if not args.user:
            print("error: xapi export needs --user USERNAME", file=sys.stderr)
            return 2
        account = _account(store, args.user).model_copy(update={"active": True})  # switched off: still exported
        data = xapi.document(xapi.user_statements(store, library, account)).decode("utf-8")
        if args.out:
            Path(args.out).write_text(data, encoding="utf-8")
            print(f"the xAPI statements of {args.user!r} are in {args.out}")
        else:
            sys.stdout.write(data)
        return 0
    if args.action == "status":
        aside = outbox.set_aside_entries()
        print(f"{outbox.pending()} statement(s) wait in {outbox.where}; {len(aside)} set aside")
        for entry in aside:
            print(f"set aside {entry.at}: statement {entry.statement_id}: {entry.reason}")
        print(f"LRS: {settings.lrs_url() or 'none (SAMENSPEL_LRS_URL is not set)'}")
        return 0
    if args.action == "enqueue":
        if not args.all and not args.user:
            print("error: xapi enqueue needs --all or --user USERNAME", file=sys.stderr)
            return 2
        people = store.list_accounts() if args.all else [_account(store, args.user)]
        count = lrs.queue_history(store, library, people)
        print(f"queued {count} statement(s) of {len(people)} account(s); send them with: python -m modules xapi send")
        return 0
    target = lrs.configured()
    if target is None:
        print("error: no LRS: set SAMENSPEL_LRS_URL (and SAMENSPEL_LRS_KEY, SAMENSPEL_LRS_SECRET)", file=sys.stderr)
        return 1
    report = lrs.drain(outbox, target)
    for attempt in range(1, max(1, args.tries)):
        if report.stopped is None and not report.busy:
            break
        time.sleep(min(lrs.MAX_BACKOFF, lrs.FIRST_BACKOFF * 2 ** (attempt - 1)))
        again = lrs.drain(outbox, target)
        again.sent, again.set_aside = again.sent + report.sent, again.set_aside + report.set_aside
        report = again
    print(f"sent {report.sent}, set aside {report.set_aside}, waiting {report.pending}")
    if report.busy:
        print("another sender has the queue now (the app's background sender, or another command)")
    if report.stopped:
        print(f"error: {report.stopped}", file=sys.stderr)
    return 0 if report.pending == 0 else 1


def _copy_command(source: str | None, target: str | None, *, overwrite: bool = False) -> int:
    """``migrate --from DIR --to URL`` (or back): every record copied, counted per kind and read back.

    A record the target holds differently (changed in the app since an earlier copy) is kept, and
    reported per kind, unless ``--overwrite``."""
    from modules.storage import transfer

    if not source or not target:
        print("error: give both --from and --to (a data folder and a PostgreSQL URL)", file=sys.stderr)
        return 2
    if transfer.is_database(source) == transfer.is_database(target):
        print(
            "error: one of --from and --to must be a data folder and the other a PostgreSQL URL "
            "(postgresql://user@host:port/name)",
            file=sys.stderr,
        )
        return 2
    origin = transfer.open_source(source)
    destination = transfer.open_target(target, demo=origin.demo)
    print(f"copying every record from {transfer.describe(origin)} to {transfer.describe(destination)}")
    report = transfer.copy(origin, destination, overwrite=overwrite)
    width = max(len(kind) for kind in report.counts)
    print(f"{'kind':<{width}}  {'records':>7}  {'written':>7}")
    for kind, count in report.counts.items():
        print(f"{kind:<{width}}  {count:>7}  {report.written[kind]:>7}")
    total, written = sum(report.counts.values()), sum(report.written.values())
    kept = sum(report.kept.values())
    for kind, count in report.kept.items():
        print(f"{kind}: kept: {count} differ in the target (not overwritten; --overwrite replaces them)")
    for kind, count in report.extra.items():
        print(f"note: the target also holds {count} {kind} record(s) that the source does not (kept)")
    checked = "all " if not kept else f"{total - kept} of "
    print(
        f"verified: {checked}{total} record(s) read back equal from {transfer.describe(destination)}; "
        f"{written} written, {total - written - kept} already there" + (f", {kept} kept" if kept else "")
    )
    sending = transfer.copy_outbox(origin, destination)
    print(
        f"learning records (xAPI) waiting to be sent: {sending.copied} queued in the target"
        + (f", {sending.already} already queued there" if sending.already else "")
        + (f"; {sending.set_aside} set aside (refused by the LRS) stay in the source" if sending.set_aside else "")
    )
    return 0


COMMANDS = {
    "lint": (lint, "check scenario files (YAML, schema, references, the play graph)"),
    "twee": (twee_command, "import a Twine story (Twee 3) as a scenario draft, or export a scenario for Twine"),
    "schema": (schema, "print the JSON Schema of scenario files (> scenarios/scenario.schema.json)"),
    "create-admin": (create_admin, "make an admin account (the app itself cannot)"),
    "reset-code": (reset_code, "print a new one-time code for an account (any role); its sign-ins end"),
    "switch-off": (switch, "switch an account off (any role); its sign-ins end"),
    "switch-on": (switch, "switch an account on again"),
    "export-user": (export_user, "write everything stored about an account as JSON"),
    "delete-user": (delete_user, "delete an account and all its data"),
    "demo": (demo_command, "create the demo's accounts and log, or remove the demo folder"),
    "migrate": (
        migrate_command,
        "rewrite every stored record in the current format (safe to repeat); with --from and --to, copy "
        "every record between a data folder and a PostgreSQL database",
    ),
    "xapi": (xapi_command, "learning records as xAPI statements: export, send the queue to the LRS, status, enqueue"),
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
        elif name == "schema":
            pass
        elif name == "migrate":
            sub.add_argument(
                "--from",
                dest="source",
                metavar="DIR|URL",
                help="copy from this data folder or PostgreSQL URL (postgresql://user@host:port/name)",
            )
            sub.add_argument(
                "--to", dest="target", metavar="URL|DIR", help="copy to this PostgreSQL URL or data folder"
            )
            sub.add_argument(
                "--overwrite",
                action="store_true",
                help="with --from and --to: replace records the target holds differently (by default they are "
                "kept: they may have changed in the app since an earlier copy)",
            )
        elif name == "demo":
            sub.add_argument("action", choices=["seed", "remove"])
        elif name == "xapi":
            sub.add_argument("action", choices=["export", "send", "status", "enqueue"])
            sub.add_argument("--user", help="export, enqueue: the account (username)")
            sub.add_argument("--out", help="export: a file to write (default: standard output)")
            sub.add_argument("--all", action="store_true", help="enqueue: every account's history")
            sub.add_argument("--tries", type=int, default=1, help="send: rounds while the LRS is down (backing off)")
        elif name == "twee":
            sub.add_argument("action", choices=["import", "export"])
            sub.add_argument("source", help="import: a .twee file; export: a scenario file or a scenario id")
            sub.add_argument("--out", help="import: the folder to write <id>.yaml in; export: a file (default: stdout)")
            sub.add_argument("--force", action="store_true", help="overwrite a file that exists")
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
