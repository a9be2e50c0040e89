"""``python -m modules <command>``: see ``modules/cli.py`` (or add ``--help``)."""

from modules.cli import main

raise SystemExit(main())
