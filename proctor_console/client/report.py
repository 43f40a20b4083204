"""The work of ``proctor-console report``: sign in, fetch, write. Errors become one-line UsageErrors."""

from __future__ import annotations

import csv
import getpass
import io
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..usage import UsageError
from .api import ConsoleApi
from .connect import make_http_client
from .credentials import TokenStore
from .errors import ConsoleError, NotFound, TooManyRequests, Unauthorized

if TYPE_CHECKING:
    from .review import ExamReview

log = logging.getLogger("proctor_console.client.report")

UTF8_BOM = b"\xef\xbb\xbf"
PASSWORD_ENV = "PROCTOR_PASSWORD"

T = TypeVar("T")


def _password(user: str) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise UsageError(
            f"no stored sign-in for {user}: set {PASSWORD_ENV} or run in a terminal to be asked"
        )
    return getpass.getpass(f"Password for {user}: ")


async def sign_in(api: ConsoleApi, user: str, store: TokenStore | None = None) -> bool:
    """Use the console's stored token if the service still accepts it, else the password.

    Returns True when this signed in with the password (the caller signs out after).
    """
    store = store if store is not None else TokenStore()
    token = store.load(api.base_url, user)
    if token:
        api.token = token
        try:
            await api.me()
            return False
        except Unauthorized:
            api.token = (
                None  # expired: fall back to the password; the console's entry stays its business
            )
    try:
        await api.login(user, _password(user))
    except Unauthorized as exc:
        raise UsageError(f"signing in as {user} failed: {exc}") from None
    except TooManyRequests as exc:
        raise UsageError(f"signing in as {user} failed: {exc}") from None
    return True


def _write_atomically(out: Path, data: bytes) -> None:
    partial = out.with_name(out.name + ".part")
    partial.write_bytes(data)
    partial.replace(out)


async def _fetch_signed_in(
    *,
    server: str,
    session_id: str,
    user: str,
    ca_bundle: str | None,
    fetch: Callable[[ConsoleApi], Awaitable[T]],
) -> T:
    """Sign in as the console would, run ``fetch``, sign out again if we signed in here."""
    try:
        http = make_http_client(ca_bundle)
    except ConsoleError as exc:
        raise UsageError(str(exc)) from None
    async with http:
        api = ConsoleApi(server, http)
        signed_in_here = False
        try:
            signed_in_here = await sign_in(api, user)
            try:
                return await fetch(api)
            except NotFound:
                raise UsageError(
                    f"--session {session_id}: no such session on {api.base_url} (or not visible to {user})"
                ) from None
        except ConsoleError as exc:
            raise UsageError(str(exc)) from None
        finally:
            if signed_in_here:
                try:
                    await api.logout()
                except ConsoleError:
                    log.info("sign-out after the report failed; the token expires on its own")


async def write_csv_report(
    *, server: str, session_id: str, out: Path, user: str, ca_bundle: str | None
) -> int:
    """Write the service's CSV export of the session to ``out`` (UTF-8 with BOM); return the row count."""
    data = await _fetch_signed_in(
        server=server,
        session_id=session_id,
        user=user,
        ca_bundle=ca_bundle,
        fetch=lambda api: api.export_csv(session_id),
    )
    if not data.startswith(UTF8_BOM):
        data = UTF8_BOM + data
    try:
        _write_atomically(out, data)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write ({exc.strerror})") from None
    text = data[len(UTF8_BOM) :].decode("utf-8", errors="replace")
    records = [
        record for record in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in record)
    ]
    return max(0, len(records) - 1)  # minus the header


async def fetch_review_signed_in(
    *, server: str, session_id: str, user: str, ca_bundle: str | None
) -> ExamReview:
    """Sign in as the console would, fetch the session's review (rows and log), sign out."""
    from .review import fetch_review

    return await _fetch_signed_in(
        server=server,
        session_id=session_id,
        user=user,
        ca_bundle=ca_bundle,
        fetch=lambda api: fetch_review(api, session_id),
    )
