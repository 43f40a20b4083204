"""`proctor-console report` against the real service."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from servicekit import ServiceProcess

from proctor_console.cli import main
from proctor_console.client.api import ConsoleApi
from proctor_console.client.connect import make_http_client
from proctor_console.client.credentials import TokenStore
from proctor_console.simulator.hall_setup import ExamSetup

from .test_credentials import MemoryKeyring


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def report(service: ServiceProcess, session_id: str, out: Path, user: str) -> list[str]:
    return [
        "report",
        "--server",
        service.base_url,
        "--session",
        session_id,
        "--out",
        str(out),
        "--user",
        user,
    ]


def test_csv_report_with_the_password_from_the_environment(
    service: ServiceProcess,
    exam: ExamSetup,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    monkeypatch.setenv("PROCTOR_PASSWORD", exam.lead.password)
    out = tmp_path / "考场报告.csv"
    assert main(report(service, exam.session_id, out, exam.lead.username)) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf" * 2)
    text = data.decode("utf-8-sig")
    for candidate in [*exam.candidates, *exam.other_candidates]:
        assert candidate.candidate_no in text and candidate.name in text
    printed = capsys.readouterr().out
    assert f"Wrote {len(exam.candidates) + len(exam.other_candidates)} candidate row(s)" in printed
    assert exam.lead.password not in printed
    assert memory_keyring.secrets == {}  # the report never stores a token


def test_csv_report_with_the_token_the_console_stored(
    service: ServiceProcess,
    exam: ExamSetup,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    monkeypatch.delenv("PROCTOR_PASSWORD", raising=False)

    async def console_signs_in() -> str:
        async with make_http_client() as http:
            result = await ConsoleApi(service.base_url, http).login(
                exam.proctor.username, exam.proctor.password
            )
            return result.token

    TokenStore().save(service.base_url, exam.proctor.username, asyncio.run(console_signs_in()))
    out = tmp_path / "hall.csv"
    assert main(report(service, exam.session_id, out, exam.proctor.username)) == 0
    text = out.read_bytes().decode("utf-8-sig")
    assert exam.candidates[0].name in text
    assert exam.other_candidates[0].name not in text  # a proctor's report holds their halls only


def test_wrong_password_and_unknown_session_are_one_line(
    service: ServiceProcess,
    exam: ExamSetup,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    out = tmp_path / "r.csv"
    monkeypatch.setenv("PROCTOR_PASSWORD", "wrong-password-123")
    assert main(report(service, exam.session_id, out, exam.lead.username)) == 2
    err = capsys.readouterr().err
    assert "Wrong username or password" in err and err.count("\n") == 1
    assert "wrong-password-123" not in err

    monkeypatch.setenv("PROCTOR_PASSWORD", exam.lead.password)
    assert main(report(service, "no-such-session", out, exam.lead.username)) == 2
    err = capsys.readouterr().err
    assert "no-such-session" in err and "no such session" in err and err.count("\n") == 1
    assert not out.exists()

    monkeypatch.delenv("PROCTOR_PASSWORD")
    assert main(report(service, exam.session_id, out, exam.lead.username)) == 2
    assert "PROCTOR_PASSWORD" in capsys.readouterr().err
