"""Authors' linter: ``python -m modules.lint scenarios/ [more files or folders]``.

Prints every problem as ``file:line: [location] severity: cause`` and exits
with 1 when any file has an error (warnings alone exit 0).
"""

from __future__ import annotations

import sys
from pathlib import Path

from modules.library import check_file
from modules.principles import load_catalogue


def _files(args: list[str]) -> list[Path]:
    files: list[Path] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"}))
        else:
            files.append(path)
    return files


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in {"-h", "--help"}:
        print(__doc__.strip())
        return 2
    catalogue = load_catalogue()
    files = _files(args)
    if not files:
        print(f"no .yaml files found in {' '.join(args)}", file=sys.stderr)
        return 2
    error_count = 0
    ids: dict[str, Path] = {}
    for path in files:
        if not path.exists():
            print(f"{path}: error: no such file")
            error_count += 1
            continue
        scenario, problems = check_file(path, catalogue)
        for problem in problems:
            print(str(problem).replace(path.name, str(path), 1))
        error_count += sum(p.severity == "error" for p in problems)
        if scenario is not None:
            if scenario.id in ids:
                print(f"{path}: [id] error: id {scenario.id!r} is already used by {ids[scenario.id]}")
                error_count += 1
            ids.setdefault(scenario.id, path)
    print(f"{len(files)} file(s) checked, {error_count} error(s)")
    return 1 if error_count else 0


if __name__ == "__main__":
    sys.exit(main())
