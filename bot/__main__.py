"""`python -m bot` runs the same command line as `csba`."""

from bot.cli import main

raise SystemExit(main())
