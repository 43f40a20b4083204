"""Which candidates the simulated phones are.

The device API has no roster listing, so the simulator is told the candidate
numbers: from a CSV file, from a numbered range, or by the default numbering
that the exam set-up (``hall_setup.create_exam``) gives its roster, which is
:func:`candidate_numbers` below.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

#: The exam set-up numbers its first hall's candidates 26 01 00001, 26 01 00002, ...
DEFAULT_PREFIX = "2601"
DEFAULT_WIDTH = 5


class RosterError(ValueError):
    """Candidate numbers that cannot be read; the message says what to fix."""


@dataclass(frozen=True)
class Candidate:
    candidate_no: str
    name: str


def candidate_numbers(n: int) -> list[str]:
    """The default roster numbering, as ``hall_setup.create_exam`` gives its first hall:
    '260100001', '260100002', ... (n of them)."""
    if n < 0:
        raise ValueError("the number of candidates cannot be negative")
    return [f"{DEFAULT_PREFIX}{i:0{DEFAULT_WIDTH}d}" for i in range(1, n + 1)]


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红"


def made_up_name(candidate_no: str) -> str:
    """A plausible Chinese name, the same for the same candidate number."""
    digest = hashlib.sha256(candidate_no.encode()).digest()
    surname = _SURNAMES[digest[0] % len(_SURNAMES)]
    given = _GIVEN[digest[1] % len(_GIVEN)]
    if digest[2] % 2:
        given += _GIVEN[digest[3] % len(_GIVEN)]
    return surname + given


def default_candidates(n: int) -> list[Candidate]:
    return [Candidate(no, made_up_name(no)) for no in candidate_numbers(n)]


def candidate_range(prefix: str, start: str, n: int) -> list[Candidate]:
    """PREFIX + numbers from START, n of them; START's leading zeros set the width."""
    if not start.isdigit():
        raise RosterError(f"--candidate-range START must be a number, not '{start}'")
    if n <= 0:
        raise RosterError("--candidate-range N must be at least 1")
    width = len(start)
    first = int(start)
    numbers = [f"{prefix}{first + i:0{width}d}" for i in range(n)]
    return [Candidate(no, made_up_name(no)) for no in numbers]


def parse_candidates_csv(text: str, where: str = "candidates file") -> list[Candidate]:
    """CSV rows `candidate_no[,name]`; a header row naming candidate_no is skipped."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for line_no, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not cells or not any(cells):
            continue
        if line_no == 1 and cells[0].lower() in {"candidate_no", "candidate", "no"}:
            continue
        number = cells[0]
        if not number:
            raise RosterError(f"{where}, line {line_no}: the candidate number is empty")
        if number in seen:
            raise RosterError(f"{where}, line {line_no}: candidate number {number} appears twice")
        seen.add(number)
        name = cells[1] if len(cells) > 1 and cells[1] else made_up_name(number)
        out.append(Candidate(number, name))
    if not out:
        raise RosterError(f"{where} lists no candidates (expected lines `candidate_no[,name]`)")
    return out


def read_candidates_file(path: str | Path) -> list[Candidate]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"cannot read candidates file {p}: {exc}") from None
    return parse_candidates_csv(text, str(p))
