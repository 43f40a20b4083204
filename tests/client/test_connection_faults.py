"""What the user is told when the address is wrong: nothing there, TLS rejected, not this API.

The exam service cannot be made to be a foreign web server, so those answers
come from httpx.MockTransport; "nothing there" and TLS use real sockets.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import socket
import ssl
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from proctor_console.client.api import ConsoleApi
from proctor_console.client.connect import make_http_client
from proctor_console.client.errors import (
    Conflict,
    Forbidden,
    NotFound,
    NotThisApi,
    ServerUnreachable,
    TlsError,
    Unauthorized,
    Unavailable,
)

TOKEN = "tok-must-never-show"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mock_api(handler: Callable[[httpx.Request], httpx.Response]) -> ConsoleApi:
    http = make_http_client(transport=httpx.MockTransport(handler))
    return ConsoleApi("http://exam.test", http, token=TOKEN)


@pytest.mark.asyncio
async def test_nothing_listening_is_server_unreachable() -> None:
    port = free_port()
    async with make_http_client() as http:
        api = ConsoleApi(f"http://127.0.0.1:{port}", http, token=TOKEN)
        with pytest.raises(ServerUnreachable) as caught:
            await api.me()
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message and "running" in message
    assert TOKEN not in message


@pytest.mark.asyncio
async def test_a_web_page_where_the_api_should_be_is_not_this_api() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/openapi.json":
            return httpx.Response(
                200, json={"openapi": "3.1.0", "info": {"title": "Shop"}, "paths": {"/cart": {}}}
            )
        if request.url.path.endswith("/me"):
            return httpx.Response(200, html="<html>welcome</html>")
        return httpx.Response(404, html="<html>Not Found</html>")

    api = mock_api(handler)
    with pytest.raises(NotThisApi, match="not a Proctor Console exam service"):
        await api.server_info()
    with pytest.raises(NotThisApi, match="not JSON"):
        await api.me()
    with pytest.raises(NotThisApi, match="HTTP 404"):
        await api.login("wang", "pw-must-never-show")
    with pytest.raises(NotThisApi):
        await api.sessions()
    await api.http.aclose()


@pytest.mark.asyncio
async def test_the_service_error_shape_becomes_exceptions_with_its_message() -> None:
    answers = {
        "/api/v1/me": (401, "token_expired", "Your sign-in has expired; sign in again."),
        "/api/v1/halls": (403, "forbidden", "Only admins may do this."),
        "/api/v1/sessions/s9/candidates": (404, "session_not_found", "No exam session s9."),
        "/api/v1/attempts/a1/unlock": (409, "not_locked", "The candidate is not locked."),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/sessions":
            return httpx.Response(
                503, text="<html>Bad gateway</html>", headers={"content-type": "text/html"}
            )
        status, code, message = answers[request.url.path]
        return httpx.Response(status, json={"error": {"code": code, "message": message}})

    api = mock_api(handler)
    with pytest.raises(Unauthorized, match="expired") as unauthorized:
        await api.me()
    assert (unauthorized.value.status, unauthorized.value.code) == (401, "token_expired")
    with pytest.raises(Forbidden, match="Only admins"):
        await api.halls()
    with pytest.raises(NotFound, match="No exam session s9"):
        await api.snapshot("s9")
    with pytest.raises(Conflict, match="not locked"):
        await api.unlock("a1", "ok", "push")
    with pytest.raises(Unavailable, match="try again"):
        await api.sessions()
    await api.http.aclose()


@pytest.mark.asyncio
async def test_unlock_retries_a_lost_answer_with_the_same_idempotency_key() -> None:
    keys: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        if len(keys) == 1:
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(200, json={"status": "queued", "command_id": "c1"})

    api = mock_api(handler)
    result = await api.unlock("a1", "called by the proctor", "push")
    assert result.command_id == "c1"
    assert len(keys) == 2 and keys[0] == keys[1]
    # A new action gets a new key; a retry by the user passes the old one again.
    await api.unlock("a1", "again", "push")
    await api.unlock("a1", "again", "push", idempotency_key="k-user")
    assert keys[2] != keys[0] and keys[3] == "k-user"
    await api.http.aclose()


# ----- TLS, with a real TLS server on loopback -----


def write_self_signed_cert(folder: Path) -> tuple[Path, Path]:
    crypto = pytest.importorskip("cryptography")
    del crypto
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Exam CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def answer_me(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        await reader.readuntil(b"\r\n\r\n")
        body = json.dumps(
            {"id": "u1", "username": "wang", "role": "proctor", "hall_ids": []}
        ).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nX-Server-Time: 2026-11-30T12:00:00Z\r\n"
            + f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
        pass  # the client refused our certificate: that is the test
    finally:
        writer.close()


@pytest_asyncio.fixture
async def tls_server(tmp_path: Path) -> AsyncIterator[tuple[str, Path]]:
    cert_path, key_path = write_self_signed_cert(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    server = await asyncio.start_server(answer_me, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    yield f"https://127.0.0.1:{port}", cert_path
    server.close()
    await server.wait_closed()


@pytest.mark.asyncio
async def test_unknown_certificate_is_rejected_and_the_ca_bundle_fixes_it(
    tls_server: tuple[str, Path],
) -> None:
    url, cert_path = tls_server
    async with make_http_client() as http:
        with pytest.raises(TlsError, match="CA bundle") as caught:
            await ConsoleApi(url, http, token=TOKEN).me()
        assert TOKEN not in str(caught.value)
    async with make_http_client(ca_bundle=str(cert_path)) as http:
        api = ConsoleApi(url, http, token=TOKEN)
        user = await api.me()
    assert user.username == "wang"
    assert api.clock_offset_known


def test_a_missing_or_bad_ca_bundle_is_a_tls_error(tmp_path: Path) -> None:
    with pytest.raises(TlsError, match="does not exist"):
        make_http_client(ca_bundle=str(tmp_path / "nope.pem"))
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    with pytest.raises(TlsError, match="PEM"):
        make_http_client(ca_bundle=str(bad))


@pytest.mark.asyncio
async def test_a_redirect_to_https_names_the_address_to_use() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"location": "https://exam.test" + request.url.path})

    api = mock_api(handler)
    with pytest.raises(NotThisApi, match=r"use https://exam\.test instead"):
        await api.me()
    await api.http.aclose()
