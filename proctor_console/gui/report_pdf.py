"""The lead's PDF report, written with Qt's own ``QPdfWriter``.

Pages: 1 the exam and its key figures; 2-3 the charts (two per page);
4 tables (unlock times by proctor, stuck submissions, unlock ways,
escalations); then the halls side by side (four halls per page). Charts are
bars in black hatching with their numbers written on them, so a greyscale
print loses nothing.

``write_pdf_report(review, path)`` needs a running QGuiApplication;
``report_to_pdf(...)`` is the ``proctor-console report ... --out FILE.pdf``
entry: it makes one (offscreen when there is no display), signs in, fetches
and writes.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from ..client.review import ExamReview
from .review_content import (
    ChartData,
    breakdown_tables,
    charts,
    hall_comparison,
    key_figures,
    proctor_table,
    session_lines,
)

RESOLUTION = 150  # dots per inch of the painter's coordinates
FONT_FAMILIES = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "DejaVu Sans"]
HALLS_PER_PAGE = 4
# one pattern per series: greyscale prints tell them apart by hatching, not hue
PATTERNS = [Qt.BrushStyle.BDiagPattern, Qt.BrushStyle.Dense5Pattern]
INK = QColor(30, 30, 30)


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


class _Pages:
    """A painter on the writer with a cursor going down the page."""

    def __init__(self, writer: QPdfWriter, title: str) -> None:
        self.writer = writer
        self.title = title
        self.p = QPainter()
        if not self.p.begin(writer):
            raise OSError("cannot start painting the PDF")
        self.width = float(writer.width())
        self.height = float(writer.height())
        self.y = 0.0
        self.page = 1
        self.footer_height = QFontMetricsF(_font(8), writer).height() * 1.8

    def finish(self) -> None:
        self._footer()
        self.p.end()

    def _footer(self) -> None:
        self.p.setFont(_font(8))
        self.p.setPen(INK)
        text = (
            QCoreApplication.translate("ReportPdf", "%1 — page %2")
            .replace("%1", self.title)
            .replace("%2", str(self.page))
        )
        self.p.drawText(
            QRectF(0, self.height - self.footer_height * 0.8, self.width, self.footer_height),
            Qt.AlignmentFlag.AlignRight,
            text,
        )

    def new_page(self) -> None:
        self._footer()
        self.writer.newPage()
        self.page += 1
        self.y = 0.0

    @property
    def room(self) -> float:
        return self.height - self.footer_height - self.y

    def text(self, text: str, points: float = 10, bold: bool = False, gap: float = 0.3) -> None:
        font = _font(points, bold)
        self.p.setFont(font)
        self.p.setPen(INK)
        metrics = QFontMetricsF(font, self.writer)
        rect = metrics.boundingRect(
            QRectF(0, 0, self.width, 10_000), Qt.TextFlag.TextWordWrap, text
        )
        self.p.drawText(
            QRectF(0, self.y, self.width, rect.height()), Qt.TextFlag.TextWordWrap, text
        )
        self.y += rect.height() + metrics.height() * gap

    def table(
        self, header: list[str], rows: list[list[str]], widths: list[float] | None = None
    ) -> None:
        font = _font(9)
        bold = _font(9, bold=True)
        line = QFontMetricsF(font, self.writer).height() * 1.45
        widths = widths or [1.0 / len(header)] * len(header)
        xs = [0.0]
        for w in widths:
            xs.append(xs[-1] + w * self.width)
        pad = line * 0.2
        for index, cells in enumerate([header, *rows]):
            if self.room < line:
                self.new_page()
            if index % 2 == 0 and index:
                self.p.fillRect(QRectF(0, self.y, self.width, line), QColor(238, 238, 238))
            self.p.setFont(bold if index == 0 else font)
            self.p.setPen(INK)
            for col, cell in enumerate(cells):
                align = Qt.AlignmentFlag.AlignVCenter | (
                    Qt.AlignmentFlag.AlignLeft if col == 0 else Qt.AlignmentFlag.AlignRight
                )
                self.p.drawText(
                    QRectF(xs[col] + pad, self.y, xs[col + 1] - xs[col] - 2 * pad, line),
                    align,
                    cell,
                )
            self.y += line
            if index == 0:
                self.p.setPen(QPen(INK, 2))
                self.p.drawLine(QPointF(0, self.y), QPointF(self.width, self.y))
        if not rows:
            self.text(QCoreApplication.translate("ReportPdf", "(none)"), 9)
        self.y += line * 0.6

    def chart(self, chart: ChartData, height: float) -> None:
        self.text(chart.title, 12, bold=True, gap=0.2)
        box = QRectF(0, self.y, self.width, height)
        self.y += height + 10
        draw_chart(self.p, self.writer, chart, box)


def _tick(value: float, step: float) -> str:
    return f"{value:.0f}" if step == int(step) else f"{value:.1f}"


def nice_scale(peak: float) -> tuple[float, int]:
    """(step, steps): round gridlines (1, 2, 2.5, 5 x 10^k) whose top is at or above ``peak``."""
    raw = max(peak, 1e-9) / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if peak >= 1 and step < 1:
        step = 1.0  # counts: no half candidates on the axis
    return step, max(1, math.ceil(peak / step - 1e-9))


def draw_chart(p: QPainter, device: QPdfWriter, chart: ChartData, box: QRectF) -> None:
    """Bars with hatching and their values written above them; a legend when there are two series."""
    font = _font(8)
    metrics = QFontMetricsF(font, device)
    p.setFont(font)
    p.setPen(INK)
    if chart.empty:
        p.drawText(
            box,
            Qt.AlignmentFlag.AlignCenter,
            QCoreApplication.translate("ReportPdf", "nothing to show"),
        )
        return
    step, steps = nice_scale(
        max((v for _, values in chart.series for v in values), default=0.0) or 1.0
    )
    peak = step * steps
    widest = max(metrics.horizontalAdvance(_tick(step * k, step)) for k in range(steps + 1))
    left = widest + metrics.height() * 2.0
    bottom = metrics.height() * 3.2
    top = metrics.height() * (2.4 if len(chart.series) > 1 else 1.2)
    plot = QRectF(
        box.left() + left, box.top() + top, box.width() - left, box.height() - top - bottom
    )
    # axes and a few gridlines with their values
    p.setPen(QPen(QColor(150, 150, 150), 1, Qt.PenStyle.DotLine))
    for k in range(steps + 1):
        y = plot.bottom() - plot.height() * k / steps
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        p.setPen(INK)
        label = _tick(step * k, step)
        p.drawText(
            QRectF(box.left(), y - metrics.height() / 2, left - 6, metrics.height()),
            Qt.AlignmentFlag.AlignRight,
            label,
        )
        p.setPen(QPen(QColor(150, 150, 150), 1, Qt.PenStyle.DotLine))
    p.setPen(QPen(INK, 2))
    p.drawLine(plot.bottomLeft(), plot.bottomRight())
    p.drawLine(plot.bottomLeft(), plot.topLeft())
    # y-axis name, rotated
    p.save()
    p.translate(box.left() + metrics.height() * 0.2, plot.center().y())
    p.rotate(-90)
    p.drawText(
        QRectF(-plot.height() / 2, 0, plot.height(), metrics.height()),
        Qt.AlignmentFlag.AlignCenter,
        chart.y_label,
    )
    p.restore()
    n = len(chart.categories)
    slot = plot.width() / n
    series_n = len(chart.series)
    bar = slot * 0.7 / series_n
    every = max(1, int(metrics.horizontalAdvance("00:00 ") * 1.1 // slot) + 1) if n > 1 else 1
    for i, category in enumerate(chart.categories):
        x0 = plot.left() + slot * i + slot * 0.15
        for s, (_, values) in enumerate(chart.series):
            value = values[i]
            h = plot.height() * value / peak
            rect = QRectF(x0 + s * bar, plot.bottom() - h, bar, h)
            p.fillRect(rect, QColor(255, 255, 255))
            p.fillRect(rect, QBrush(INK, PATTERNS[s % len(PATTERNS)]))
            p.setPen(QPen(INK, 2))
            p.drawRect(rect)
            text = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
            p.drawText(
                QRectF(
                    rect.left() - 20,
                    rect.top() - metrics.height(),
                    rect.width() + 40,
                    metrics.height(),
                ),
                Qt.AlignmentFlag.AlignCenter,
                text,
            )
        if i % every == 0:
            p.drawText(QRectF(plot.left() + slot * i - slot * (every - 1) / 2, plot.bottom() + 4, slot * every, metrics.height() * 1.2),
                       Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextSingleLine, category)  # fmt: skip
    p.drawText(
        QRectF(
            plot.left(),
            plot.bottom() + metrics.height() * 1.5,
            plot.width(),
            metrics.height() * 1.3,
        ),
        Qt.AlignmentFlag.AlignCenter,
        chart.x_label,
    )
    if series_n > 1:
        x = plot.left()
        for s, (name, _) in enumerate(chart.series):
            swatch = QRectF(
                x, box.top() + metrics.height() * 0.2, metrics.height() * 1.6, metrics.height()
            )
            p.fillRect(swatch, QBrush(INK, PATTERNS[s % len(PATTERNS)]))
            p.setPen(QPen(INK, 2))
            p.drawRect(swatch)
            p.drawText(
                QRectF(
                    swatch.right() + 8,
                    swatch.top(),
                    metrics.horizontalAdvance(name) + 10,
                    swatch.height(),
                ),
                Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            x = swatch.right() + metrics.horizontalAdvance(name) + metrics.height() * 2


def write_pdf_report(review: ExamReview, path: Path) -> int:
    """Write the report to ``path`` (atomically); returns the number of pages."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    writer = QPdfWriter(str(partial))
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    title = review.session.title or review.session.id
    writer.setTitle(title)
    writer.setCreator("Proctor Console")
    f = review.figures()
    pages = _Pages(writer, title)
    try:
        pages.text(QCoreApplication.translate("ReportPdf", "Exam report"), 10)
        pages.text(title, 18, bold=True)
        for line in session_lines(review):
            pages.text(line, 10, gap=0.1)
        pages.y += 20
        pages.text(QCoreApplication.translate("ReportPdf", "Key figures"), 13, bold=True)
        pages.table(
            [
                QCoreApplication.translate("ReportPdf", "Figure"),
                QCoreApplication.translate("ReportPdf", "Value"),
            ],
            [[a, b] for a, b in key_figures(f)],
            [0.7, 0.3],
        )

        all_charts = charts(f)
        for first in range(0, len(all_charts), 2):
            pages.new_page()
            pages.text(QCoreApplication.translate("ReportPdf", "Charts"), 13, bold=True)
            height = (pages.room - 160) / 2
            for chart in all_charts[first : first + 2]:
                pages.chart(chart, height)

        pages.new_page()
        pages.text(
            QCoreApplication.translate("ReportPdf", "Lock to unlock by proctor"), 13, bold=True
        )
        header, rows = proctor_table(f)
        pages.table(header, rows, [0.4, 0.2, 0.2, 0.2])
        for heading, header, rows in breakdown_tables(f):
            pages.text(heading, 13, bold=True)
            pages.table(header, rows, [0.7, 0.3])

        header, rows = hall_comparison(review)
        halls = len(header) - 1
        for start in range(0, max(halls, 1), HALLS_PER_PAGE):
            pages.new_page()
            pages.text(QCoreApplication.translate("ReportPdf", "Halls side by side"), 13, bold=True)
            cols = [0, *range(1 + start, 1 + min(halls, start + HALLS_PER_PAGE))]
            share = 0.6 / max(1, len(cols) - 1)
            pages.table(
                [header[c] for c in cols],
                [[r[c] for c in cols] for r in rows],
                [0.4] + [share] * (len(cols) - 1),
            )
    finally:
        pages.finish()
    del writer  # closes the file
    partial.replace(path)
    return pages.page


def ensure_gui_app() -> QGuiApplication:
    """The running application, or a new QGuiApplication (offscreen when there is no display)."""
    app = QGuiApplication.instance()
    if app is not None:
        return app  # type: ignore[return-value]
    if (
        not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
        and sys.platform.startswith("linux")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A QApplication (it is a QGuiApplication too): a process can hold only one
    # application object, and widgets (the console, pytest-qt) need this kind.
    from PySide6.QtWidgets import QApplication

    return QApplication([sys.argv[0] if sys.argv else "proctor-console"])


def report_to_pdf(
    *,
    server: str,
    session_id: str,
    out: Path,
    user: str,
    ca_bundle: str | None,
    language: str | None = None,
) -> int:
    """``proctor-console report ... --out FILE.pdf``: sign in, fetch, write; returns the page count."""
    import asyncio

    from ..client.report import fetch_review_signed_in
    from ..usage import UsageError

    _app = ensure_gui_app()  # kept alive while painting
    from .i18n import choose_language, install_translation

    install_translation(choose_language(language))
    review = asyncio.run(
        fetch_review_signed_in(server=server, session_id=session_id, user=user, ca_bundle=ca_bundle)
    )
    try:
        return write_pdf_report(review, out)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write ({exc.strerror or exc})") from None
