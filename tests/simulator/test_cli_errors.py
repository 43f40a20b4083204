"""`proctor-console simulate` with bad input: one line that says what to fix, exit code 2."""

from __future__ import annotations

import socket

import pytest

from proctor_console.cli import main


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["simulate", *args])
    err = capsys.readouterr().err
    return code, err


def test_unreachable_server(capsys: pytest.CaptureFixture[str]) -> None:
    port = _closed_port()
    code, err = _run(capsys, "--server", f"http://127.0.0.1:{port}", "--exam-code", "123456")
    assert code == 2
    assert err.count("\n") == 1
    assert f"cannot reach the exam service at http://127.0.0.1:{port}" in err
    assert "check --server" in err


def test_scenario_with_a_typo(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "typo.toml"
    path.write_text("[locks]\nper_hour = 1\nrepeat_ofender_fraction = 0.1\n", encoding="utf-8")
    code, err = _run(
        capsys, "--server", "http://127.0.0.1:1", "--exam-code", "123456", "--scenario", str(path)
    )
    assert code == 2
    assert err.count("\n") == 1
    assert "unknown key 'repeat_ofender_fraction' in [locks]" in err
    assert "repeat_offender_fraction" in err  # the right spelling is offered


def test_unknown_scenario_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(capsys, "--server", "http://x:1", "--exam-code", "1", "--scenario", "stormy")
    assert code == 2 and "no scenario named 'stormy'" in err and "calm, end-rush, rough" in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--keypad", "8766"], "--keypad takes HOST:PORT"),
        (["--speed", "0"], "--speed must be above 0"),
        (["--duration", "-1"], "--duration must be above 0"),
        (["--candidates", "0"], "--candidates must be at least 1"),
        (["--candidate-range", "S", "abc", "3"], "START must be a number"),
        (["--candidates-file", "/nonexistent/c.csv"], "cannot read candidates file"),
    ],
)
def test_bad_options(capsys: pytest.CaptureFixture[str], args: list[str], says: str) -> None:
    code, err = _run(capsys, "--server", "http://127.0.0.1:1", "--exam-code", "123456", *args)
    assert code == 2
    assert says in err and err.count("\n") == 1


def test_server_must_be_a_url(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(capsys, "--server", "127.0.0.1:8765", "--exam-code", "123456")
    assert code == 2 and "--server takes a URL like http://127.0.0.1:8765" in err
