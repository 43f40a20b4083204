"""What the summary view and the PDF report both show: labelled figures, chart data, tables.

Built once from :class:`~proctor_console.client.review.ExamReview` so the
screen and the paper say the same thing in the same words. Every text is a
literal inside ``QCoreApplication.translate("Review", ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication

from ..client.review import ExamReview
from ..domain.states import EscalationCategory
from ..domain.summary import DurationStats, ExamFigures
from .labels import clock_text, duration_text, lock_reason_text
from .views.action_dialogs import category_text


@dataclass
class ChartData:
    """A bar chart: one bar per category, one or two series (each drawn with its own pattern)."""

    key: str
    title: str
    x_label: str
    y_label: str
    categories: list[str]
    series: list[tuple[str, list[float]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.categories


def seconds_text(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 10:  # short waits (a fast hall, a simulation) keep their tenths
        return QCoreApplication.translate("Review", "%1 s").replace("%1", f"{value:.1f}")
    return duration_text(value)


def count_text(value: int | None) -> str:
    return "—" if value is None else str(value)


def outcome_text(outcome: str) -> str:
    names = {
        "server_held": QCoreApplication.translate("Review", "the server held the paper"),
        "resubmitted": QCoreApplication.translate("Review", "resubmitted"),
        "escalated": QCoreApplication.translate("Review", "escalated"),
        "auto_submitted": QCoreApplication.translate("Review", "auto-submitted"),
        "unresolved": QCoreApplication.translate("Review", "unresolved"),
    }
    return names.get(outcome, outcome)


def mode_text(mode: str) -> str:
    names = {
        "push": QCoreApplication.translate("Review", "push"),
        "code": QCoreApplication.translate("Review", "code typed on the phone"),
        "offline": QCoreApplication.translate("Review", "offline code"),
    }
    return names.get(mode, mode)


def escalation_text(category: str) -> str:
    try:
        return category_text(EscalationCategory(category))
    except ValueError:
        return category


def key_figures(f: ExamFigures) -> list[tuple[str, str]]:
    """(label, value) of the headline numbers, in reading order."""
    return [
        (QCoreApplication.translate("Review", "Rostered"), str(f.rostered)),
        (QCoreApplication.translate("Review", "Joined"), str(f.joined)),
        (QCoreApplication.translate("Review", "Absent"), str(f.absent)),
        (QCoreApplication.translate("Review", "Submitted normally"), str(f.submitted_normally)),
        (
            QCoreApplication.translate("Review", "Auto-submitted at the lock limit"),
            str(f.auto_submitted_lock_limit),
        ),
        (
            QCoreApplication.translate("Review", "Auto-submitted at the time limit"),
            str(f.auto_submitted_time),
        ),
        (QCoreApplication.translate("Review", "Submitted by a proctor"), str(f.force_submitted)),
        (QCoreApplication.translate("Review", "Not submitted"), str(f.still_open)),
        (QCoreApplication.translate("Review", "Receipts"), str(f.receipts)),
        (QCoreApplication.translate("Review", "Reopened"), str(f.reopened)),
        (QCoreApplication.translate("Review", "Locks"), str(f.locks_total)),
        (QCoreApplication.translate("Review", "Unlocks"), str(f.unlocks_total)),
        (
            QCoreApplication.translate("Review", "Lock to unlock, median"),
            seconds_text(f.lock_to_unlock.median_s),
        ),
        (
            QCoreApplication.translate("Review", "Lock to unlock, 90th percentile"),
            seconds_text(f.lock_to_unlock.p90_s),
        ),
        (QCoreApplication.translate("Review", "Stuck submissions"), str(f.stuck_total)),
        (
            QCoreApplication.translate("Review", "Candidates with low battery"),
            count_text(f.battery_low_candidates),
        ),
        (
            QCoreApplication.translate("Review", "Candidates on a weak network"),
            count_text(f.weak_network_candidates),
        ),
        (
            QCoreApplication.translate("Review", "Times a phone went offline"),
            count_text(f.offline_incidents),
        ),
        (QCoreApplication.translate("Review", "Device changes"), str(f.device_changes)),
        (QCoreApplication.translate("Review", "Help requests"), str(f.help_requests)),
        (QCoreApplication.translate("Review", "Escalations"), str(f.escalations_total)),
        (
            QCoreApplication.translate("Review", "Escalation resolved in, median"),
            seconds_text(f.escalation_resolve.median_s),
        ),
    ]


def charts(f: ExamFigures) -> list[ChartData]:
    """The four charts of the summary and the report."""
    hist = ChartData(
        "locks_histogram", QCoreApplication.translate("Review", "Locks per candidate"), QCoreApplication.translate("Review", "locks"), QCoreApplication.translate("Review", "candidates"),
        [str(k) for k in f.locks_histogram], [(QCoreApplication.translate("Review", "candidates"), [float(v) for v in f.locks_histogram.values()])],
    )  # fmt: skip
    reasons = ChartData(
        "lock_reasons", QCoreApplication.translate("Review", "Lock reasons"), QCoreApplication.translate("Review", "reason"), QCoreApplication.translate("Review", "locks"),
        [lock_reason_text(k) for k in f.locks_by_reason], [(QCoreApplication.translate("Review", "locks"), [float(v) for v in f.locks_by_reason.values()])],
    )  # fmt: skip
    per_minute = ChartData(
        "submissions_per_minute", QCoreApplication.translate("Review", "Submissions per minute (UTC)"), QCoreApplication.translate("Review", "minute"), QCoreApplication.translate("Review", "papers"),
        list(f.submissions_per_minute), [(QCoreApplication.translate("Review", "papers"), [float(v) for v in f.submissions_per_minute.values()])],
    )  # fmt: skip
    proctors = list(f.lock_to_unlock_by_proctor)
    stats = [f.lock_to_unlock_by_proctor[p] for p in proctors]
    waits = ChartData(
        "unlock_by_proctor", QCoreApplication.translate("Review", "Lock to unlock by proctor (seconds)"), QCoreApplication.translate("Review", "proctor"), QCoreApplication.translate("Review", "seconds"),
        proctors,
        [(QCoreApplication.translate("Review", "median"), [s.median_s or 0.0 for s in stats]), (QCoreApplication.translate("Review", "90th percentile"), [s.p90_s or 0.0 for s in stats])],
    )  # fmt: skip
    return [hist, reasons, per_minute, waits]


def proctor_table(f: ExamFigures) -> tuple[list[str], list[list[str]]]:
    header = [
        QCoreApplication.translate("Review", "Proctor"),
        QCoreApplication.translate("Review", "Unlocks"),
        QCoreApplication.translate("Review", "Median"),
        QCoreApplication.translate("Review", "90th percentile"),
    ]
    rows = [
        [name, str(s.count), seconds_text(s.median_s), seconds_text(s.p90_s)]
        for name, s in f.lock_to_unlock_by_proctor.items()
    ]
    return header, rows


def breakdown_tables(f: ExamFigures) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of the smaller tables."""
    return [
        (QCoreApplication.translate("Review", "Stuck submissions and how they ended"), [QCoreApplication.translate("Review", "Outcome"), QCoreApplication.translate("Review", "Candidates")],
         [[outcome_text(k), str(v)] for k, v in f.stuck_submissions.items()]),
        (QCoreApplication.translate("Review", "Unlocks by way"), [QCoreApplication.translate("Review", "Way"), QCoreApplication.translate("Review", "Unlocks")],
         [[mode_text(k), str(v)] for k, v in f.unlocks_by_mode.items()]),
        (QCoreApplication.translate("Review", "Escalations by category"), [QCoreApplication.translate("Review", "Category"), QCoreApplication.translate("Review", "Escalations")],
         [[escalation_text(k), str(v)] for k, v in f.escalations_by_category.items()]),
    ]  # fmt: skip


def hall_comparison(review: ExamReview) -> tuple[list[str], list[list[str]]]:
    """Halls side by side: a column per hall, a row per figure."""
    per_hall = review.figures_by_hall()
    header = [QCoreApplication.translate("Review", "Figure")] + [
        review.hall_name(h) for h in per_hall
    ]
    labels = [label for label, _ in key_figures(ExamFigures())]
    columns = [[value for _, value in key_figures(f)] for f in per_hall.values()]
    rows = [[label, *(col[i] for col in columns)] for i, label in enumerate(labels)]
    return header, rows


def session_lines(review: ExamReview) -> list[str]:
    s = review.session
    halls = ", ".join(review.hall_name(h) for h in s.hall_ids) or "—"
    return [
        QCoreApplication.translate("Review", "Exam code: %1").replace("%1", s.exam_code or "—"),
        QCoreApplication.translate("Review", "Starts: %1 (UTC), %2 minutes")
        .replace("%1", s.starts_at.strftime("%Y-%m-%d %H:%M") if s.starts_at else "—")
        .replace("%2", str(s.duration_minutes)),
        QCoreApplication.translate("Review", "Halls: %1").replace("%1", halls),
        QCoreApplication.translate("Review", "Report made at %1").replace(
            "%1", review.generated_at.strftime("%Y-%m-%d %H:%M UTC")
        ),
    ]


def duration_stats_text(stats: DurationStats) -> str:
    return (
        QCoreApplication.translate("Review", "%1 times; median %2, 90th percentile %3")
        .replace("%1", str(stats.count))
        .replace("%2", seconds_text(stats.median_s))
        .replace("%3", seconds_text(stats.p90_s))
    )


__all__ = [
    "ChartData", "breakdown_tables", "charts", "clock_text", "hall_comparison", "key_figures",
    "proctor_table", "session_lines",
]  # fmt: skip
