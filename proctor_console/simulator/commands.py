"""Subcommands of the simulator part (registered by proctor_console.cli). Light imports only."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, *parents: argparse.ArgumentParser) -> None:
    """Add this part's subcommands to the top-level parser."""
    p = sub.add_parser(
        "simulate",
        help="a simulated hall of phones against any exam service",
        description=(
            "Run many candidates' phones in one process against an exam service's device API. "
            "Named scenarios: calm, rough, end-rush (or a TOML file)."
        ),
    )
    p.add_argument("--server", required=True, help="the service URL, e.g. http://127.0.0.1:8765")
    p.add_argument("--exam-code", required=True, help="the session's 6-digit exam code")
    p.add_argument(
        "--candidates",
        type=int,
        default=None,
        metavar="N",
        help="how many phones (default: 100, or every line of --candidates-file)",
    )
    who = p.add_mutually_exclusive_group()
    who.add_argument(
        "--candidates-file",
        metavar="CSV",
        help="candidate numbers, one a line: candidate_no[,name]",
    )
    who.add_argument(
        "--candidate-range",
        nargs=3,
        metavar=("PREFIX", "START", "N"),
        help="numbers PREFIX+START, PREFIX+START+1, ... (START's zeros set the width)",
    )
    p.add_argument(
        "--scenario",
        default="calm",
        metavar="NAME|FILE",
        help="calm, rough, end-rush, or a scenario TOML file (default: calm)",
    )
    p.add_argument(
        "--seed", type=int, default=1, help="the same seed replays the same hall (default 1)"
    )
    p.add_argument(
        "--speed",
        type=float,
        default=1.0,
        metavar="X",
        help="simulated time runs X times faster than real time (default 1)",
    )
    p.add_argument(
        "--duration",
        type=float,
        default=None,
        metavar="MIN",
        help="stop after MIN simulated minutes (default: the scenario's length)",
    )
    p.add_argument(
        "--keypad",
        metavar="HOST:PORT",
        help="listen here for unlock codes typed on phones: one JSON line "
        '{"candidate_no": ..., "code": ...} per code',
    )
    p.add_argument("--record", metavar="FILE", help="write what the service acknowledged as JSON")
    p.add_argument(
        "--progress-every",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="seconds between progress lines (default 5)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines, only the summary")
    p.set_defaults(func=_simulate)  # fmt: skip


def _simulate(args: argparse.Namespace) -> int:
    from .run import main

    return main(args)
