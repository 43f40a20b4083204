"""What the simulated hall saw the service acknowledge, and how to check it.

The record holds every lock, unlock and submission the service answered with
success (submissions with their receipt ids), and nothing the phones merely
attempted. A submission whose answer a phone "lost" is listed apart until a
retry brings the receipt back. :func:`record_mismatches` compares a record
with the service's own candidate rows.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Record:
    server: str = ""
    exam_code: str = ""
    scenario: str = ""
    seed: int = 0
    speed: float = 1.0
    phones: int = 0
    started_at: str | None = None
    ended_at: str | None = None
    simulated_seconds: float = 0.0
    stopped_because: str = ""
    joins: list[dict[str, Any]] = field(default_factory=list)
    locks: list[dict[str, Any]] = field(default_factory=list)
    unlocks: list[dict[str, Any]] = field(default_factory=list)
    submissions: list[dict[str, Any]] = field(default_factory=list)
    lost_submit_answers: list[dict[str, Any]] = field(default_factory=list)
    auto_submitted: list[dict[str, Any]] = field(default_factory=list)
    help_requests: list[dict[str, Any]] = field(default_factory=list)
    help_acks: list[dict[str, Any]] = field(default_factory=list)  # "a proctor is on the way" seen
    messages: list[dict[str, Any]] = field(default_factory=list)
    rejected_codes: list[dict[str, Any]] = field(default_factory=list)
    refused_joins: list[dict[str, Any]] = field(default_factory=list)
    events: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    unsupported: set[str] = field(default_factory=set)
    max_lag_seconds: float = 0.0  # the event loop's own lateness
    max_phones_late_seconds: float = 0.0  # 95th percentile of phones' lateness, worst window
    # One running digest per phone: a long run's actions would not fit in memory as a list.
    actions: dict[str, Any] = field(default_factory=dict)
    action_count: int = 0

    def action(self, candidate_no: str, t: float, what: str) -> None:
        """Note what a phone did at simulated time t (for the fingerprint)."""
        digest = self.actions.get(candidate_no)
        if digest is None:
            digest = self.actions[candidate_no] = hashlib.sha256()
        digest.update(f"{t:.3f}|{what}\n".encode())
        self.action_count += 1

    def fingerprint(self) -> str:
        """A digest of every phone's actions in simulated time: equal for equal runs."""
        h = hashlib.sha256()
        for no in sorted(self.actions):
            h.update(f"{no}|{self.actions[no].hexdigest()}\n".encode())
        return h.hexdigest()[:16]

    def counts(self) -> dict[str, int]:
        return {
            "joined": len({j["candidate_no"] for j in self.joins}),
            "joins": len(self.joins),
            "locks": len(self.locks),
            "unlocks": len(self.unlocks),
            "submissions": len(self.submissions),
            "auto_submitted": len(self.auto_submitted),
            "lost_submit_answers": len(self.lost_submit_answers),
            "help_requests": len(self.help_requests),
            "help_acks": len(self.help_acks),
            "messages": len(self.messages),
            "rejected_codes": len(self.rejected_codes),
            "refused_joins": len(self.refused_joins),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "exam_code": self.exam_code,
            "scenario": self.scenario,
            "seed": self.seed,
            "speed": self.speed,
            "phones": self.phones,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "simulated_seconds": round(self.simulated_seconds, 1),
            "stopped_because": self.stopped_because,
            "fingerprint": self.fingerprint(),
            "actions": self.action_count,
            "max_lag_seconds": round(self.max_lag_seconds, 3),
            "max_phones_late_seconds": round(self.max_phones_late_seconds, 3),
            "counts": self.counts(),
            "events": dict(sorted(self.events.items())),
            "errors": dict(sorted(self.errors.items())),
            "unsupported": sorted(self.unsupported),
            "joins": self.joins,
            "locks": self.locks,
            "unlocks": self.unlocks,
            "submissions": self.submissions,
            "lost_submit_answers": self.lost_submit_answers,
            "auto_submitted": self.auto_submitted,
            "help_requests": self.help_requests,
            "help_acks": self.help_acks,
            "messages": self.messages,
            "rejected_codes": self.rejected_codes,
            "refused_joins": self.refused_joins,
        }

    def write(self, path: str | Path) -> None:
        Path(path).write_text(
            json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )

    def summary_lines(self) -> list[str]:
        c = self.counts()
        lines = [
            f"simulated {self.simulated_seconds / 60:.1f} min with {self.phones} phones "
            f"(scenario {self.scenario}, seed {self.seed}, speed {self.speed:g}); "
            f"stopped: {self.stopped_because}",
            f"joined {c['joined']} ({c['joins']} joins), locks {c['locks']}, unlocks "
            f"{c['unlocks']}, submissions {c['submissions']}, auto-submitted "
            f"{c['auto_submitted']}, help {c['help_requests']}, messages {c['messages']}",
            f"answers lost by spinning phones {c['lost_submit_answers']}, refused joins "
            f"{c['refused_joins']}, rejected codes {c['rejected_codes']}, max lag "
            f"{self.max_lag_seconds:.2f} s (phones late up to {self.max_phones_late_seconds:.1f} s), "
            f"fingerprint {self.fingerprint()}",
        ]
        if self.refused_joins:
            refused = Counter(r["code"] or "?" for r in self.refused_joins)
            lines.append(
                "refused joins: " + ", ".join(f"{k} {v}" for k, v in refused.most_common())
            )
        if self.errors:
            top = ", ".join(f"{k} {v}" for k, v in self.errors.most_common(6))
            lines.append(f"errors: {top}")
        if self.unsupported:
            lines.append(
                f"not offered by this service (skipped): {', '.join(sorted(self.unsupported))}"
            )
        return lines


def record_mismatches(record: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    """Where a record (``Record.to_json()``) disagrees with the service's candidate rows.

    Checks: every receipt the simulator holds is the row's receipt; every
    acknowledged lock is counted in the row (no more locks acknowledged than
    the row holds, and the highest acknowledged lock count is reached); every
    lock-limit auto-submission shows as auto_submitted; every phone that got a
    receipt is in a final state. An empty list means they agree.
    """
    by_attempt = {r["attempt_id"]: r for r in rows}
    problems: list[str] = []
    for sub in record.get("submissions", []):
        row = by_attempt.get(sub["attempt_id"])
        if row is None:
            problems.append(
                f"{sub['candidate_no']}: attempt {sub['attempt_id']} not in the service"
            )
            continue
        if row.get("receipt_id") != sub["receipt_id"]:
            problems.append(
                f"{sub['candidate_no']}: receipt {sub['receipt_id']} but the service holds "
                f"{row.get('receipt_id')}"
            )
        if row.get("state") not in ("submitted", "auto_submitted"):
            problems.append(
                f"{sub['candidate_no']}: has a receipt, service says {row.get('state')}"
            )
    locks_by_attempt: dict[str, list[dict[str, Any]]] = {}
    for lock in record.get("locks", []):
        locks_by_attempt.setdefault(lock["attempt_id"], []).append(lock)
    for aid, locks in locks_by_attempt.items():
        row = by_attempt.get(aid)
        if row is None:
            problems.append(f"{locks[0]['candidate_no']}: attempt {aid} not in the service")
            continue
        highest = max(lk["lock_count"] for lk in locks)
        if row.get("lock_count", 0) < len(locks) or row.get("lock_count", 0) < highest:
            problems.append(
                f"{locks[0]['candidate_no']}: {len(locks)} locks acknowledged (up to count "
                f"{highest}) but the service counts {row.get('lock_count')}"
            )
    for auto in record.get("auto_submitted", []):
        row = by_attempt.get(auto["attempt_id"])
        if row is None or row.get("state") != "auto_submitted":
            problems.append(
                f"{auto['candidate_no']}: auto-submitted ({auto['cause']}) but the service says "
                f"{row.get('state') if row else 'nothing'}"
            )
    return problems
