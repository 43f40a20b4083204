"""`proctor-console`: one command, staged start.

Parse arguments first (cheap), then import only what the subcommand needs:
the console never pays for the service's imports and the reverse.
Each part registers its own subcommand from a light module (``commands.py``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .usage import UsageError


def build_parser() -> argparse.ArgumentParser:
    from .client import commands as client_commands
    from .gui import commands as gui_commands
    from .service import commands as service_commands
    from .simulator import commands as simulator_commands

    parser = argparse.ArgumentParser(
        prog="proctor-console",
        description="Proctor Console (监考控制台): the console, the exam service and a simulated hall.",
    )
    parser.add_argument("--version", action="version", version=f"proctor-console {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    gui_commands.register(sub, parser)
    service_commands.register(sub)
    simulator_commands.register(sub)
    client_commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:  # no subcommand: open the console
        func = parser.get_default("gui_func")
    try:
        return int(func(args) or 0)
    except UsageError as exc:
        print(f"proctor-console: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
