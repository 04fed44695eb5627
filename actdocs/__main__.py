"""``python -m actdocs``: the command line."""

import gc

from actdocs.cli import main

status = main()
# The process ends here: leave what it built to the exit instead of collecting it first,
# which takes seconds once torch and matplotlib are loaded (and would delay a Ctrl-C).
gc.freeze()
raise SystemExit(status)
