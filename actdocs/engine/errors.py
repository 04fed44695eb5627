"""The errors the command line reports as one line: bad input and faults of the cache
(exit 2), a failing listing or a worker process that died (exit 1), an interrupted build
(exit 130).

They live here, outside every producer, so that no artifact's cache key depends on them."""


class UsageError(Exception):
    """Bad input from the user: an unknown name, an unavailable device, an unwritable folder."""


class CacheError(Exception):
    """The cache could not be written as the build needs: a full disk, an output that
    cannot be replaced, a manifest that is not a file. The message names the path."""


class DeclarationError(Exception):
    """A catalog record declares a property its own measurement contradicts; the message names both."""


class ListingError(RuntimeError):
    """A listing or notebook failed while the site was built; the message names the file."""


class Interrupted(KeyboardInterrupt):
    """A build stopped by Ctrl-C after recording the ``kept`` artifacts that were done."""

    def __init__(self, kept: int) -> None:
        super().__init__(kept)
        self.kept = kept


class WorkerError(RuntimeError):
    """A worker process of a parallel build ended before it answered (killed, crashed,
    ``os._exit``); the message names the artifact it was making."""
