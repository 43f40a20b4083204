"""The lead's summary of an exam (objectName ``summaryView``): figures, charts, tables, export.

One scrollable page: the key figures, four bar charts (pyqtgraph: locks per
candidate, lock reasons, submissions per minute, lock-to-unlock times by
proctor), the breakdown tables, and the halls side by side. A hall chooser
narrows everything to one hall. "Export CSV…" and "Export PDF…" write the
same numbers to files (the PDF through ``gui/report_pdf.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...client.review import ExamReview, review_csv
from ...domain.summary import ExamFigures, compute_figures
from ..review_content import (
    ChartData,
    breakdown_tables,
    charts,
    hall_comparison,
    key_figures,
    proctor_table,
    session_lines,
)

log = logging.getLogger("proctor.summary")

# bar fills: a hatching per series, so the charts read in greyscale too
SERIES_STYLE = [
    (QColor(40, 70, 120), Qt.BrushStyle.BDiagPattern),
    (QColor(150, 60, 30), Qt.BrushStyle.Dense4Pattern),
]


def _table(header: list[str], rows: list[list[str]], name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(header))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(header)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.resizeColumnsToContents()
    # Tall enough to show every row: the page scrolls, not the table.
    height = table.horizontalHeader().height() + sum(table.rowHeight(i) for i in range(len(rows)))
    table.setFixedHeight(height + 2 * table.frameWidth() + 2)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return table


def bar_chart(chart: ChartData) -> pg.PlotWidget:
    """A pyqtgraph bar chart with hatched bars, numbers on the bars and named categories."""
    plot = pg.PlotWidget(background="w")
    plot.setObjectName(f"chart_{chart.key}")
    plot.setTitle(chart.title, color="k")
    plot.setLabel("left", chart.y_label)
    plot.setLabel("bottom", chart.x_label)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.showGrid(y=True, alpha=0.3)
    plot.setMinimumHeight(260)
    plot.hideButtons()
    if chart.empty:
        text = pg.TextItem(
            QCoreApplication.translate("Review", "nothing to show"), color="k", anchor=(0.5, 0.5)
        )
        plot.addItem(text)
        return plot
    series_n = len(chart.series)
    width = 0.7 / series_n
    if series_n > 1:
        plot.addLegend(offset=(5, 5))  # the named bars enter it themselves
    peak = 0.0
    for s, (name, values) in enumerate(chart.series):
        color, pattern = SERIES_STYLE[s % len(SERIES_STYLE)]
        xs = [i - 0.35 + width * (s + 0.5) for i in range(len(values))]
        bars = pg.BarGraphItem(
            x=xs,
            height=values,
            width=width,
            brush=QBrush(color, pattern),
            pen=pg.mkPen("k", width=1),
            name=name,
        )
        plot.addItem(bars)
        for x, value in zip(xs, values, strict=True):
            label = f"{value:.0f}" if value == int(value) or value >= 10 else f"{value:.1f}"
            plot.addItem(_value_label(label, x, value))
            peak = max(peak, value)
    for side in ("left", "bottom"):
        plot.getAxis(side).enableAutoSIPrefix(False)
    plot.getAxis("bottom").setTicks([list(enumerate(chart.categories))])
    plot.setXRange(-0.6, len(chart.categories) - 0.4, padding=0)
    plot.setYRange(0, (peak or 1) * (1.4 if series_n > 1 else 1.15), padding=0)
    return plot


def _value_label(text: str, x: float, y: float) -> pg.TextItem:
    item = pg.TextItem(text, color="k", anchor=(0.5, 1.0))
    item.setPos(x, y)
    return item


class SummaryView(QScrollArea):
    """objectName ``summaryView``; shows one ExamReview (session-wide or one hall)."""

    def __init__(self, review: ExamReview | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryView")
        self.setWidgetResizable(True)
        self.review: ExamReview | None = None
        self.figures: ExamFigures | None = None
        self.hall_id: str | None = None
        self.page = QWidget()
        self.setWidget(self.page)
        self.layout_ = QVBoxLayout(self.page)
        bar = QHBoxLayout()
        self.hallCombo = QComboBox()
        self.hallCombo.setObjectName("summaryHall")
        self.hallCombo.currentIndexChanged.connect(self._hall_chosen)
        self.exportCsvButton = QPushButton(QCoreApplication.translate("Review", "Export CSV…"))
        self.exportCsvButton.setObjectName("exportCsvButton")
        self.exportCsvButton.clicked.connect(self._ask_csv)
        self.exportPdfButton = QPushButton(QCoreApplication.translate("Review", "Export PDF…"))
        self.exportPdfButton.setObjectName("exportPdfButton")
        self.exportPdfButton.clicked.connect(self._ask_pdf)
        bar.addWidget(QLabel(QCoreApplication.translate("Review", "Show:")))
        bar.addWidget(self.hallCombo)
        bar.addStretch(1)
        bar.addWidget(self.exportCsvButton)
        bar.addWidget(self.exportPdfButton)
        self.layout_.addLayout(bar)
        self.body = QWidget()
        self.layout_.addWidget(self.body)
        self.layout_.addStretch(1)
        if review is not None:
            self.set_review(review)

    # ----- content -----

    def set_review(self, review: ExamReview) -> None:
        self.review = review
        self.hallCombo.blockSignals(True)
        self.hallCombo.clear()
        self.hallCombo.addItem(QCoreApplication.translate("Review", "All halls"), None)
        for hall_id in review.figures_by_hall():
            self.hallCombo.addItem(review.hall_name(hall_id), hall_id)
        self.hallCombo.blockSignals(False)
        self.show_hall(None)

    def _hall_chosen(self, index: int) -> None:
        self.show_hall(self.hallCombo.itemData(index))

    def show_hall(self, hall_id: str | None) -> None:
        """Rebuild the page for the session (None) or one hall."""
        review = self.review
        if review is None:
            return
        self.hall_id = hall_id
        rows = [r for r in review.rows if hall_id is None or r.hall_id == hall_id]
        self.figures = f = compute_figures(rows, review.events)
        old = self.body
        self.body = QWidget()
        self.layout_.replaceWidget(old, self.body)
        old.setParent(None)  # out of the page at once (findChild, focus), freed later
        old.deleteLater()
        col = QVBoxLayout(self.body)
        col.setContentsMargins(0, 0, 0, 0)

        title = QLabel(
            review.session.title + ("" if hall_id is None else " — " + review.hall_name(hall_id))
        )
        title.setObjectName("summaryTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        col.addWidget(title)
        col.addWidget(QLabel("\n".join(session_lines(review))))

        top = QHBoxLayout()
        figures = _table(
            [
                QCoreApplication.translate("Review", "Figure"),
                QCoreApplication.translate("Review", "Value"),
            ],
            [[a, b] for a, b in key_figures(f)],
            "summaryFigures",
        )
        figures.setMaximumWidth(460)
        top.addWidget(figures)
        grid = QGridLayout()
        for i, chart in enumerate(charts(f)):
            grid.addWidget(bar_chart(chart), i // 2, i % 2)
        top.addLayout(grid, 1)
        col.addLayout(top)

        tables = QHBoxLayout()
        box = QVBoxLayout()
        box.addWidget(
            self._heading(QCoreApplication.translate("Review", "Lock to unlock by proctor"))
        )
        header, rows_ = proctor_table(f)
        box.addWidget(_table(header, rows_, "proctorTable"))
        box.addStretch(1)
        tables.addLayout(box)
        for n, (heading, header, rows_) in enumerate(breakdown_tables(f)):
            box = QVBoxLayout()
            box.addWidget(self._heading(heading))
            box.addWidget(_table(header, rows_, f"breakdownTable{n}"))
            box.addStretch(1)
            tables.addLayout(box)
        col.addLayout(tables)

        if hall_id is None:
            col.addWidget(self._heading(QCoreApplication.translate("Review", "Halls side by side")))
            header, rows_ = hall_comparison(review)
            col.addWidget(_table(header, rows_, "hallComparison"))

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    # ----- export -----

    def export_csv(self, path: Path) -> None:
        assert self.review is not None
        data = review_csv(self.review, self.hall_id)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        partial.replace(path)

    def export_pdf(self, path: Path) -> int:
        from ..report_pdf import write_pdf_report

        assert self.review is not None
        return write_pdf_report(self.review, path)

    def _default_name(self, suffix: str) -> str:
        assert self.review is not None
        return f"exam-{self.review.session.exam_code or self.review.session.id}{suffix}"

    def _ask_csv(self) -> None:
        self._ask(
            QCoreApplication.translate("Review", "CSV files (*.csv)"), ".csv", self.export_csv
        )

    def _ask_pdf(self) -> None:
        self._ask(
            QCoreApplication.translate("Review", "PDF files (*.pdf)"), ".pdf", self.export_pdf
        )

    def _ask(self, pattern: str, suffix: str, write: Callable[[Path], object]) -> None:
        if self.review is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self,
            QCoreApplication.translate("Review", "Export"),
            self._default_name(suffix),
            pattern,
        )
        if not name:
            return
        path = Path(name if name.lower().endswith(suffix) else name + suffix)
        try:
            write(path)
        except OSError as exc:
            QMessageBox.warning(
                self,
                QCoreApplication.translate("Review", "Export"),
                QCoreApplication.translate("Review", "Cannot write %1: %2")
                .replace("%1", str(path))
                .replace("%2", exc.strerror or str(exc)),
            )
            return
        log.info("exported the summary to %s", path)
