"""`python -m checker`: the command line (see checker.cli)."""

from checker.cli import main

raise SystemExit(main())
