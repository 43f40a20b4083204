"""The lead's exports of a simulated exam: CSV (GUI and CLI) and the PDF report (CLI)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from proctor_console.cli import main
from proctor_console.client.review import CSV_COLUMNS, review_csv

from .conftest import SimulatedExam

pytestmark = pytest.mark.slow


def _read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel reads the Chinese names"
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"))))


def _report(exam: SimulatedExam, out: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> int:
    monkeypatch.setenv("PROCTOR_PASSWORD", exam.exam.lead.password)
    argv = [
        "report", "--server", exam.service.base_url, "--session", exam.exam.session_id,
        "--out", str(out), "--user", exam.exam.lead.username, *extra,
    ]  # fmt: skip
    return main(argv)


def test_csv_from_the_console_has_every_candidate_with_chinese_names(
    simulated_exam: SimulatedExam,
) -> None:
    review = simulated_exam.review
    rows = _read_csv(review_csv(review))
    assert list(rows[0]) == CSV_COLUMNS
    names = {
        c.candidate_no: c.name
        for c in [*simulated_exam.exam.candidates, *simulated_exam.exam.other_candidates]
    }
    assert {r["candidate_no"]: r["name"] for r in rows} == names
    assert any(ord(ch) > 0x4E00 for name in names.values() for ch in name)
    by_no = {r.candidate_no: r for r in review.rows}
    for r in rows:
        assert int(r["lock_count"]) == by_no[r["candidate_no"]].lock_count
        assert r["receipt_id"] == (by_no[r["candidate_no"]].receipt_id or "")
    assert sum(1 for r in rows if r["receipt_id"]) == review.figures().receipts


def test_csv_from_the_command_line(
    simulated_exam: SimulatedExam, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    out = tmp_path / "考试.csv"
    assert _report(simulated_exam, out, monkeypatch) == 0
    rows = _read_csv(out.read_bytes())
    assert len(rows) == simulated_exam.review.figures().rostered
    assert {"candidate_no", "name", "seat", "state", "lock_count", "receipt_id"} <= set(rows[0])
    names = {c.candidate_no: c.name for c in simulated_exam.exam.candidates}
    assert all(r["name"] == names[r["candidate_no"]] for r in rows if r["candidate_no"] in names)
    assert "Wrote" in capsys.readouterr().out


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


def test_pdf_report_from_the_command_line_has_its_pages(
    simulated_exam: SimulatedExam, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    qapp: Any, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    # qapp: the test process already has its QApplication; the command uses it.
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip(
            "poppler-utils (pdftotext, pdftoppm) not installed: apt-get install poppler-utils"
        )
    out = tmp_path / "report.pdf"
    assert _report(simulated_exam, out, monkeypatch, "--lang", "en") == 0
    assert "5-page report" in capsys.readouterr().out
    assert out.read_bytes().startswith(b"%PDF") and not (tmp_path / "report.pdf.part").exists()
    f = simulated_exam.review.figures()
    exam = simulated_exam.exam

    first = _page_text(out, 1)
    assert "Exam report" in first and exam.session["title"] in first
    assert f"Exam code: {exam.exam_code}" in first
    figures = {
        line.rsplit(None, 1)[0].strip(): line.rsplit(None, 1)[1]
        for line in first.splitlines() if line.strip() and len(line.split()) > 1
    }  # fmt: skip
    assert figures["Rostered"] == str(f.rostered)
    assert figures["Joined"] == str(f.joined)
    assert figures["Locks"] == str(f.locks_total)
    assert figures["Auto-submitted at the lock limit"] == str(f.auto_submitted_lock_limit)
    assert figures["Receipts"] == str(f.receipts)

    second, third = _page_text(out, 2), _page_text(out, 3)
    assert "Locks per candidate" in second and "Lock reasons" in second
    assert "left the app" in second  # the reasons are named on the chart
    assert "Submissions per minute" in third and "Lock to unlock by proctor" in third
    assert exam.proctor.username in third and exam.support.username in third
    fourth = _page_text(out, 4)
    assert "Stuck submissions and how they ended" in fourth and "Escalations by category" in fourth
    fifth = _page_text(out, 5)
    assert "Halls side by side" in fifth
    for hall in exam.halls:
        assert hall["name"] in fifth

    # A picture of the charts page, to look at (kept beside the PDF).
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "2", str(out), str(tmp_path / "page")],
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 10_000


def test_pdf_needs_a_session_that_exists(
    simulated_exam: SimulatedExam, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    qapp: Any, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("PROCTOR_PASSWORD", simulated_exam.exam.lead.password)
    out = tmp_path / "none.pdf"
    code = main([
        "report", "--server", simulated_exam.service.base_url, "--session", "no-such-session",
        "--out", str(out), "--user", simulated_exam.exam.lead.username,
    ])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "no-such-session" in err and err.count("\n") == 1
    assert simulated_exam.exam.lead.password not in err
    assert not out.exists()
