"""The console's side of the exam service's API: plain asyncio and httpx, no Qt.

- ``connect.make_http_client(ca_bundle=None)``: the one ``httpx.AsyncClient``
  (TLS verified; a custom CA bundle is a PEM file); ``normalize_server_url``.
- ``api.ConsoleApi(base_url, http, token=None)``: every call of api.md as a
  typed result (``records``) or an exception of ``errors`` whose message a
  person can act on; ``clock_offset`` / ``server_now()`` from X-Server-Time.
- ``feed.LiveFeed``: snapshot, then the SSE stream, reconnecting, with a
  live / stale / reconnecting status.
- ``credentials.TokenStore``: the token in the system keyring, or in memory
  for this run (and it says which).
- ``commands``: the ``report`` subcommand (``report.py`` does the work).

Submodules are imported where needed; this package imports nothing itself,
so ``proctor_console.cli`` stays cheap to start.
"""

import sys

# httpx imports its command-line tool (httpx._main: rich, pygments, click) with itself:
# about 0.1 s of the console's start, for a tool the console never runs. Marked as not
# importable, httpx puts a stub in its place (httpx.main then says the CLI is missing).
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
