"""``python -m actdocs``: the command line."""

from actdocs.cli import main

raise SystemExit(main())
