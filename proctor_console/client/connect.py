"""The one ``httpx.AsyncClient`` the console uses for its life, and server addresses.

TLS is always verified. A custom CA bundle (an organisation's own
certificate authority) is a PEM file loaded into an SSL context; there is no
switch to turn verification off.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from .errors import TlsError

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
"""Ordinary calls. The event stream sets its own, longer read timeout."""

API_PREFIX = "/api/v1"


def normalize_server_url(url: str) -> str:
    """The service's address as the console stores and compares it.

    ``"127.0.0.1:8765/"`` and ``"http://127.0.0.1:8765/api/v1"`` both become
    ``"http://127.0.0.1:8765"``. Raises ValueError with a sentence for an
    address that cannot be one.
    """
    text = url.strip()
    if not text:
        raise ValueError("The server address is empty; give one like http://127.0.0.1:8765.")
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not a server address; give one like http://127.0.0.1:8765.")
    if parts.username is not None or parts.password is not None:
        # Credentials in an address end up in logs and messages: refuse them.
        raise ValueError(
            "The server address must not contain a user name or password; sign in instead."
        )
    path = parts.path.rstrip("/")
    if path.endswith(API_PREFIX):
        path = path[: -len(API_PREFIX)]
    return f"{parts.scheme}://{parts.netloc}{path}"


def ssl_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """A verifying SSL context: the default trust store, or the given CA bundle (PEM)."""
    if ca_bundle is None:
        return ssl.create_default_context()
    path = Path(ca_bundle)
    if not path.is_file():
        raise TlsError(
            f"The CA bundle {ca_bundle} does not exist; choose the PEM file your organisation gave you."
        )
    try:
        return ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise TlsError(
            f"The CA bundle {ca_bundle} cannot be used ({type(exc).__name__}); it must be a PEM file of certificates."
        ) from exc


def make_http_client(
    ca_bundle: str | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """The console's HTTP client. Verifies TLS; ``ca_bundle`` adds a PEM file of trusted CAs.

    ``ca_bundle`` replaces the default trust store (as ``curl --cacert`` does);
    without it the system's default store is used. ``transport`` is for tests.
    """
    if transport is not None:
        return httpx.AsyncClient(transport=transport, timeout=timeout)
    return httpx.AsyncClient(verify=ssl_context(ca_bundle), timeout=timeout, follow_redirects=False)
