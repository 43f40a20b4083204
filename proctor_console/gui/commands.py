"""Subcommands of the gui part (registered by proctor_console.cli). Light imports only.

``proctor-console`` (no subcommand) opens the console's sign-in dialog;
``proctor-console demo`` runs service + simulated hall + console on loopback.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..usage import UsageError

LANG_CHOICES = ("zh_CN", "en")


def _check_lang(value: str | None) -> str | None:
    if value is None:
        return None
    normalized = value.replace("-", "_")
    for choice in LANG_CHOICES:
        if normalized.lower() == choice.lower():
            return choice
    raise UsageError(f"--lang must be zh_CN or en, not {value!r}")


def register(sub: Any, *parents: argparse.ArgumentParser) -> None:
    """Add this part's subcommands to the top-level parser."""
    for top in parents[:1]:
        top.add_argument(
            "--lang",
            metavar="zh_CN|en",
            help="the console's language (default: the system's; Chinese locale -> zh_CN)",
        )
        top.set_defaults(gui_func=_run_console)

    demo = sub.add_parser(
        "demo",
        help="exam service + simulated hall + console, all on loopback",
        description=(
            "Start an exam service on loopback with a throw-away database, seed a session with "
            "a 10x12 hall, start a simulated hall of phones, and open the console signed in as "
            "that hall's proctor. Closing the window stops everything."
        ),
    )
    demo.add_argument("--lang", metavar="zh_CN|en", default=argparse.SUPPRESS, help="the console's language")
    demo.add_argument("--scenario", default="calm", help="simulator scenario (default: calm)")
    demo.add_argument("--speed", type=float, default=5.0, help="simulated time speed-up (default 5)")
    demo.add_argument("--seed", type=int, default=1, help="simulator seed (default 1)")
    demo.add_argument(
        "--no-console",
        action="store_true",
        help="start service and hall only, print the address and wait (for scripts)",
    )
    demo.set_defaults(func=_run_demo)


def _finish(code: int) -> int:
    """End the process once the console has cleaned up after itself.

    Everything is closed, flushed and stopped by now; what is left is Python's
    own teardown, which destroys the remaining Qt objects in no fixed order
    and now and then crashes (SIGSEGV) on the way out (seen under X11 with
    pyqtgraph loaded). Skipping it loses nothing.
    """
    import logging
    import os
    import sys

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _run_console(args: argparse.Namespace) -> int:
    from .app import StartOptions, run

    return _finish(run(StartOptions(language=_check_lang(getattr(args, "lang", None)))))


def _run_demo(args: argparse.Namespace) -> int:
    if args.speed <= 0:
        raise UsageError("--speed must be above 0")
    _check_lang(getattr(args, "lang", None))
    from .. import demo

    return _finish(demo.main(args))
