"""`proctor-console report`: bad input is one line and exit code 2 (no service needed)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from proctor_console.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        ("report.xlsx", "extension must be .csv or .pdf"),
        ("report", "extension must be .csv or .pdf"),
        # A PDF is made like a CSV: it signs in first (here: no stored token, no password).
        ("report.pdf", "no stored sign-in for u"),
    ],
)
def test_the_extension_decides_the_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], out: str, expected: str
) -> None:
    code, err = run(
        [
            "report",
            "--server",
            "http://127.0.0.1:1",
            "--session",
            "s1",
            "--out",
            str(tmp_path / out),
            "--user",
            "u",
        ],
        capsys,
    )
    assert code == 2
    assert expected in err and err.count("\n") == 1


def test_unreachable_server_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCTOR_PASSWORD", "pw-never-shown")
    port = free_port()
    out = tmp_path / "r.csv"
    code, err = run(
        [
            "report",
            "--server",
            f"http://127.0.0.1:{port}",
            "--session",
            "s1",
            "--out",
            str(out),
            "--user",
            "wang",
        ],
        capsys,
    )
    assert code == 2
    assert f"Cannot reach the exam service at http://127.0.0.1:{port}" in err
    assert err.count("\n") == 1 and "pw-never-shown" not in err
    assert not out.exists()


def test_missing_user_ca_bundle_or_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROCTOR_USER", raising=False)
    base = ["report", "--server", "http://127.0.0.1:1", "--session", "s1"]
    code, err = run([*base, "--out", str(tmp_path / "r.csv")], capsys)
    assert code == 2 and "--user" in err
    code, err = run(
        [
            *base,
            "--out",
            str(tmp_path / "r.csv"),
            "--user",
            "u",
            "--ca-bundle",
            str(tmp_path / "x.pem"),
        ],
        capsys,
    )
    assert code == 2 and "--ca-bundle" in err
    code, err = run([*base, "--out", str(tmp_path / "no" / "r.csv"), "--user", "u"], capsys)
    assert code == 2 and "does not exist" in err
    code, err = run(
        [
            "report",
            "--server",
            "ftp://x",
            "--session",
            "s1",
            "--out",
            str(tmp_path / "r.csv"),
            "--user",
            "u",
        ],
        capsys,
    )
    assert code == 2 and "--server" in err
