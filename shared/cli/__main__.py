"""`python -m shared.cli` runs the `lofte` command."""

from shared.cli.app import main

raise SystemExit(main())
