"""The one error type that the command line reports as a single line with exit status 2."""


class UsageError(Exception):
    """Bad input from the user: an unknown name, an unavailable device, an unwritable folder."""
