"""The errors the command line reports as one line: bad input (exit 2), a failing listing (exit 1).

They live here, outside every producer, so that no artifact's cache key depends on them."""


class UsageError(Exception):
    """Bad input from the user: an unknown name, an unavailable device, an unwritable folder."""


class ListingError(RuntimeError):
    """A listing or notebook failed while the site was built; the message names the file."""
