"""What every benchmark shares: percentiles, a printed table, the machine, a cheap HTTP client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))  # servicekit, as the test suites import it


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def spread(values_ms: list[float]) -> dict[str, float]:
    """p50/p95/p99/max of a list of milliseconds."""
    return {
        "p50_ms": round(percentile(values_ms, 50), 2),
        "p95_ms": round(percentile(values_ms, 95), 2),
        "p99_ms": round(percentile(values_ms, 99), 2),
        "max_ms": round(max(values_ms), 2) if values_ms else 0.0,
        "n": len(values_ms),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int | None = None) -> float:
    """VmHWM (peak resident memory) of a process, in MB."""
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def machine() -> dict[str, Any]:
    """What the numbers ran on: cores, load, Python, SQLite."""
    load = os.getloadavg()
    return {
        "nproc": os.cpu_count(),
        "load_1m": round(load[0], 2),
        "load_5m": round(load[1], 2),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


@dataclass
class Report:
    """One benchmark's result: rows of a table, verdicts against the targets, and the machine."""

    name: str
    size: str
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    machine_before: dict[str, Any] = field(default_factory=machine)

    def target(self, what: str, measured: Any, goal: str, met: bool) -> None:
        self.targets.append({"target": what, "measured": measured, "goal": goal, "met": bool(met)})

    def to_json(self) -> dict[str, Any]:
        return {"benchmark": self.name, "size": self.size, "machine": self.machine_before,
                "load_after_1m": round(os.getloadavg()[0], 2), "rows": self.rows,
                "targets": self.targets, "notes": self.notes}  # fmt: skip

    def table(self) -> str:
        def cell(v: Any) -> str:
            return f"{v:.2f}" if isinstance(v, float) else str(v)

        widths = {c: max(len(c), *(len(cell(r.get(c, ""))) for r in self.rows)) if self.rows else len(c) for c in self.columns}
        lines = [f"== {self.name} ({self.size}) — {self.machine_before['nproc']} cores, load {self.machine_before['load_1m']}, Python {self.machine_before['python']}"]
        lines.append("  ".join(c.rjust(widths[c]) for c in self.columns))
        for r in self.rows:
            lines.append("  ".join(cell(r.get(c, "")).rjust(widths[c]) for c in self.columns))
        for t in self.targets:
            lines.append(f"  [{'met' if t['met'] else 'MISSED'}] {t['target']}: {t['measured']} (goal {t['goal']})")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)


def write_json(reports: list[Report], path: str | None) -> None:
    if path:
        Path(path).write_text(json.dumps([r.to_json() for r in reports], indent=2, ensure_ascii=False))


class RawHttp:
    """A keep-alive HTTP/1.1 connection with next to no client cost (no httpx), so that a
    load generator on the same two cores measures the service, not itself."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
        self.writer.write(head.encode() + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status = int(raw[9:12])
        length = 0
        for line in raw.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        data = await self.reader.readexactly(length) if length else b""
        return status, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.writer = None
