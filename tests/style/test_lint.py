"""ruff and mypy stay clean (style.md: type hints throughout, strict on domain and client)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_ruff_finds_nothing() -> None:
    result = run_tool("ruff", "check", "proctor_console", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_finds_nothing() -> None:
    result = run_tool("mypy", "proctor_console")
    assert result.returncode == 0, result.stdout + result.stderr
