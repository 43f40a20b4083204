"""`proctor-console admin` and `serve` on the command line: set-up on the database, usage errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "proctor_console.cli", *args], input=stdin, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=120,
    )


def test_admin_sets_up_an_exam_on_the_database(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'exam.db'}"
    assert cli("admin", "--db", db, "migrate").returncode == 0
    hall = json.loads(cli("admin", "--db", db, "hall", "add", "第1考场", "--rows", "2", "--cols", "3").stdout)
    assert hall["rows"] == 2 and hall["columns"] == 3
    added = cli("admin", "--db", db, "user", "add", "wang", "--role", "proctor", "--hall", hall["id"], "--password-stdin", stdin="correct horse 1\n")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["hall_ids"] == [hall["id"]] and "correct horse" not in added.stdout
    session = json.loads(cli("admin", "--db", db, "session", "add", "模拟考", "--hall", hall["id"], "--code", "246810").stdout)
    assert session["exam_code"] == "246810"
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "candidate_no,name,hall_id,seat_row,seat_col\n"
        f"1001,王伟,{hall['id']},1,1\n1002,李娜,{hall['id']},5,1\n1003,张敏,{hall['id']},1,1\n",
        encoding="utf-8",
    )
    result = cli("admin", "--db", db, "roster", "import", session["id"], str(roster))
    assert result.returncode == 1  # some rows were rejected
    assert "added 1, updated 0, rejected 2" in result.stdout
    assert "line 3: 1002: seat 5-1 is outside" in result.stdout and "line 4: 1003: seat 1-1 is already taken by candidate 1001" in result.stdout
    listed = json.loads(cli("admin", "--db", db, "user", "list").stdout)
    assert [u["username"] for u in listed] == ["wang"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["admin", "--db", "mysql://x/y", "migrate"], "unsupported database"),
        (["admin", "--db", "sqlite:///{tmp}/a.db", "session", "add", "x", "--code", "1234567"], "exam_code must be exactly 6 digits"),
        (["admin", "--db", "sqlite:///{tmp}/a.db", "session", "add", "x", "--starts-at", "tomorrow"], "--starts-at"),
        (["admin", "--db", "sqlite:///{tmp}/a.db", "roster", "import", "nope", "{tmp}/missing.csv"], "cannot read"),
        (["admin", "--db", "sqlite:///{tmp}/a.db", "user", "add", "x", "--role", "lead", "--password-stdin"], "standard input had no password"),
        (["serve", "--port", "70000"], "--port"),
    ],
)
def test_bad_command_lines_get_one_line_and_exit_2(tmp_path: Path, args: list[str], says: str) -> None:
    result = cli(*[a.replace("{tmp}", str(tmp_path)) for a in args], stdin="")
    assert result.returncode == 2, result.stderr
    assert says in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_help_names_the_default_database() -> None:
    out = cli("serve", "--help").stdout
    assert "--port-file" in out and "proctor-console/exam.db" in out and "PROCTOR_ADMIN_USER" in out
