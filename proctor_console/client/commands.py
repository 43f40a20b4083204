"""Subcommands of the client part (registered by proctor_console.cli). Light imports only.

``proctor-console report --server URL --session ID --out FILE [--user NAME] [--ca-bundle FILE]``
writes a session's report without the window: ``.csv`` is the service's
export (UTF-8 with BOM, so spreadsheet programs read the Chinese names);
``.pdf`` is the lead's report (figures, charts, halls side by side) painted by
Qt (``gui/report_pdf.py``, imported only for a PDF).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ..usage import UsageError

REPORT_FORMATS = (".csv", ".pdf")
PASSWORD_ENV = "PROCTOR_PASSWORD"
USER_ENV = "PROCTOR_USER"


def register(sub: Any, *parents: argparse.ArgumentParser) -> None:
    """Add this part's subcommands to the top-level parser."""
    report = sub.add_parser(
        "report",
        help="write a session's report (CSV or PDF) from the command line",
        description=(
            "Write a session's report. The format follows the extension of --out: .csv is the "
            "service's per-candidate export, .pdf the lead's report with charts. Signs in with the token the console stored in the "
            f"keyring, else with the password from ${PASSWORD_ENV} or a prompt."
        ),
    )
    report.add_argument(
        "--server",
        required=True,
        metavar="URL",
        help="the exam service, e.g. http://127.0.0.1:8765",
    )
    report.add_argument("--session", required=True, metavar="ID", help="the exam session's id")
    report.add_argument("--out", required=True, metavar="FILE", help="the file to write (.csv or .pdf)")
    report.add_argument(
        "--user",
        metavar="NAME",
        default=os.environ.get(USER_ENV),
        help=f"user name (default: ${USER_ENV})",
    )
    report.add_argument(
        "--ca-bundle", metavar="FILE", help="a PEM file of CA certificates to trust for https"
    )
    report.add_argument(
        "--lang", metavar="LANG", help="language of a PDF report: zh_CN or en (default: the system's)"
    )
    report.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    """Check the arguments cheaply, then import the client and do the work."""
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise UsageError(
            f"--out {args.out}: the extension must be .csv or .pdf (it decides the format)"
        )
    if not out.parent.is_dir():
        raise UsageError(f"--out {args.out}: the folder {out.parent} does not exist")
    if args.ca_bundle and not Path(args.ca_bundle).is_file():
        raise UsageError(f"--ca-bundle {args.ca_bundle}: no such file")
    if not args.user:
        raise UsageError(f"give --user NAME (or set ${USER_ENV})")
    from .connect import normalize_server_url

    try:
        server = normalize_server_url(args.server)
    except ValueError as exc:
        raise UsageError(f"--server: {exc}") from None

    if suffix == ".pdf":
        # The PDF is painted by Qt: the glue lives in the console, imported only here.
        from ..gui.report_pdf import report_to_pdf

        pages = report_to_pdf(
            server=server,
            session_id=args.session,
            out=out,
            user=args.user,
            ca_bundle=args.ca_bundle,
            language=args.lang,
        )
        print(f"Wrote the {pages}-page report of session {args.session} to {out}")
        return 0

    import asyncio

    from .report import write_csv_report

    written = asyncio.run(
        write_csv_report(
            server=server,
            session_id=args.session,
            out=out,
            user=args.user,
            ca_bundle=args.ca_bundle,
        )
    )
    print(f"Wrote {written} candidate row(s) of session {args.session} to {out}")
    return 0
