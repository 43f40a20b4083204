"""``python -m tests.bench.run [NAME ...] [--size tiny|full] [--json FILE]``: run benchmarks, print tables."""

from __future__ import annotations

import argparse
import importlib
import sys

from .common import Report, write_json

NAMES = {"model": "bench_model", "e2e": "bench_e2e", "service": "bench_service", "startup": "bench_startup"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run", description="Proctor Console benchmarks (issue 10).")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"which: {', '.join(NAMES)} (default: all)")
    parser.add_argument("--size", choices=["tiny", "profile", "medium", "full"], default="full", help="tiny: seconds, for the smoke test; full: the issue's sizes")
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON to FILE")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in NAMES]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    reports: list[Report] = []
    for name in args.names or list(NAMES):
        module = importlib.import_module(f"tests.bench.{NAMES[name]}")
        report = module.run(args.size)
        print(report.table(), flush=True)
        reports.append(report)
        write_json(reports, args.json)  # after each: a later crash keeps the earlier results
    return 0


if __name__ == "__main__":
    sys.exit(main())
