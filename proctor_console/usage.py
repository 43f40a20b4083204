"""The one error type a subcommand raises for bad input on the command line."""


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit code 2."""
