"""Turning nickname profiles (from before accounts) into accounts: 2,000 profiles, as a ratio to one write.

Run from the repository root::

    .venv/bin/python benchmarks/bench_migrate.py            # 2,000 profiles
    .venv/bin/python benchmarks/bench_migrate.py --quick    # 200: CI runs this, for crashes only

A temporary data folder gets ``profiles.json`` with the profiles (a third of them share one
nickname, so free usernames must be found) and ``modules.people.accounts.migrate_profiles``
runs as it does at start-up. The baseline, in the same run, is one atomic write of an
``accounts.json`` with as many accounts: the floor of any migration that stores them.

Prints figures only; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.chdir(REPO)

from modules.people import accounts  # noqa: E402
from modules.storage import TinyDBStore  # noqa: E402
from modules.storage.files import AtomicJSONStorage  # noqa: E402


def profiles(count: int) -> dict:
    return {
        "profiles": {
            str(n): {
                "id": f"{n:032x}",
                "nickname": "Roos" if n % 3 == 0 else f"leraar {n}",
                "created_at": "2026-10-01T08:00:00+00:00",
                "key": "roos" if n % 3 == 0 else f"leraar {n}",
            }
            for n in range(1, count + 1)
        }
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 profiles (CI: crashes only)")
    count = 200 if parser.parse_args().quick else 2_000
    with tempfile.TemporaryDirectory(prefix="samenspel-migrate-") as tmp:
        root = Path(tmp) / "progress"
        store = TinyDBStore(root)
        (root / "profiles.json").write_text(json.dumps(profiles(count)), encoding="utf-8")
        start = time.perf_counter()
        created = accounts.migrate_profiles(store)
        migration = time.perf_counter() - start
        if created != count or len(store.list_accounts()) != count:
            raise SystemExit(f"migrated {created} of {count} profiles")
        data = json.loads((root / "accounts.json").read_text(encoding="utf-8"))
        floor = AtomicJSONStorage(Path(tmp) / "baseline.json")
        start = time.perf_counter()
        floor.write(data)
        baseline = time.perf_counter() - start
    print(f"Migrate {count:,} nickname profiles to accounts ({os.cpu_count()} cores, Python {sys.version.split()[0]})")
    header = f"{'case':<30} {'seconds':>8} {'ratio':>8}   target (2,000) <= 3 s"
    print(header)
    print("-" * len(header))
    print(f"{'baseline: one write, same size':<30} {baseline:>8.3f} {1:>7.1f}x")
    print(f"{'migrate_profiles':<30} {migration:>8.3f} {migration / baseline:>7.1f}x")


if __name__ == "__main__":
    main()
