"""`proctor-console simulate`: the command-line wrapper around :class:`Hall`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

from ..usage import UsageError
from .hall import Hall, HallError
from .roster import (
    Candidate,
    RosterError,
    candidate_range,
    default_candidates,
    read_candidates_file,
)
from .scenario import ScenarioError, load_scenario

DEFAULT_CANDIDATES = 100


def parse_keypad(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(f"--keypad takes HOST:PORT, e.g. 127.0.0.1:8766, not '{text}'")
    return host, int(port)


def choose_candidates(args: argparse.Namespace) -> list[Candidate]:
    n = args.candidates
    if n is not None and n < 1:
        raise UsageError("--candidates must be at least 1")
    try:
        if args.candidates_file:
            listed = read_candidates_file(args.candidates_file)
            return listed[:n] if n is not None else listed
        if args.candidate_range:
            prefix, start, count = args.candidate_range
            if not count.isdigit():
                raise UsageError(f"--candidate-range N must be a number, not '{count}'")
            listed = candidate_range(prefix, start, int(count))
            return listed[:n] if n is not None else listed
    except RosterError as exc:
        raise UsageError(str(exc)) from None
    return default_candidates(n if n is not None else DEFAULT_CANDIDATES)


def build_hall(args: argparse.Namespace) -> Hall:
    if not args.server.startswith(("http://", "https://")):
        raise UsageError(f"--server takes a URL like http://127.0.0.1:8765, not '{args.server}'")
    if args.speed <= 0:
        raise UsageError("--speed must be above 0")
    if args.duration is not None and args.duration <= 0:
        raise UsageError("--duration must be above 0 minutes")
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        raise UsageError(str(exc)) from None
    keypad = parse_keypad(args.keypad) if args.keypad else None
    candidates = choose_candidates(args)

    def say(line: str) -> None:
        print(line, flush=True)

    return Hall(
        args.server,
        args.exam_code,
        candidates,
        scenario,
        seed=args.seed,
        speed=args.speed,
        duration_minutes=args.duration,
        keypad=keypad,
        progress=None if args.quiet else say,
        progress_every=args.progress_every,
    )


async def _run(hall: Hall, args: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, hall.stop)

    async def announce() -> None:
        await hall.ready.wait()
        if hall.keypad_address:
            host, port = hall.keypad_address
            print(f"keypad listening on {host}:{port}", flush=True)

    announcer = asyncio.create_task(announce())
    try:
        await hall.run()
    finally:
        announcer.cancel()


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    hall = build_hall(args)
    try:
        asyncio.run(_run(hall, args))
    except HallError as exc:
        raise UsageError(str(exc)) from None
    if args.quiet:
        for line in hall.record.summary_lines():
            print(line)
    if args.record:
        try:
            hall.record.write(args.record)
        except OSError as exc:
            print(
                f"proctor-console: cannot write the record to {args.record}: {exc}", file=sys.stderr
            )
            return 1
    return 0
