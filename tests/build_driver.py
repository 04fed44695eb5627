"""Run the real ``actdocs`` command line on a test's own artifact list, in a subprocess.

``python tests/build_driver.py PLAN.py ARGS...`` imports ``PLAN.py`` (its folder is put
on ``sys.path``, so the plan's module keys its artifacts), makes its ``all_artifacts()``
the build's list, and exits with ``actdocs.cli.main(ARGS)``'s status, as ``python -m
actdocs`` does. The tests that send signals or run two builds at once use it.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main() -> int:
    plan = Path(sys.argv[1]).resolve()
    sys.path.insert(0, str(plan.parent))
    module = importlib.import_module(plan.stem)

    from actdocs import artifacts, cli

    artifacts.all_artifacts = module.all_artifacts
    return cli.main(sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
