"""The lead's look back, hooked into the main window: menu "Review → Summary / Replay".

``ReviewMenu(main_window)`` adds the menu (for leads and support only), and on
a choice fetches the open session's review (rows, halls, the whole event
log) in the background and opens a ``ReviewWindow`` with two tabs: the
summary (``summaryView``) and the replay (``replayView``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QTabWidget, QWidget

from ..client.errors import ConsoleError
from ..client.review import ExamReview, fetch_review
from ..domain.states import Role
from .views.replay import ReplayView
from .views.summary import SummaryView

if TYPE_CHECKING:
    from ..client.records import ExamSession
    from .main_window import MainWindow

log = logging.getLogger("proctor.review")

REVIEW_ROLES = {Role.LEAD.value, Role.SUPPORT.value}
SUMMARY_TAB, REPLAY_TAB = 0, 1


class ReviewWindow(QMainWindow):
    """objectName ``reviewWindow``: the summary and the replay of one session."""

    def __init__(self, review: ExamReview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewWindow")
        self.setWindowTitle(
            QCoreApplication.translate("Review", "Review — %1").replace("%1", review.session.title)
        )
        self.summary = SummaryView(review)
        self.replay = ReplayView(review)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.summary, QCoreApplication.translate("Review", "Summary"))
        self.tabs.addTab(self.replay, QCoreApplication.translate("Review", "Replay"))
        self.setCentralWidget(self.tabs)
        self.resize(1400, 900)


class ReviewMenu(QObject):
    """The "Review" menu of the main window and the review windows it opened."""

    def __init__(self, main: MainWindow) -> None:
        super().__init__(main)
        self.main = main
        self.windows: list[ReviewWindow] = []
        bar = main.window.menuBar()
        self.menu = QMenu(QCoreApplication.translate("Review", "&Review"), bar)
        self.menu.setObjectName("menuReview")
        self.actionSummary = QAction(QCoreApplication.translate("Review", "&Summary…"), self.menu)
        self.actionSummary.setObjectName("actionSummary")
        self.actionSummary.triggered.connect(lambda: self.open(SUMMARY_TAB))
        self.actionReplay = QAction(QCoreApplication.translate("Review", "&Replay…"), self.menu)
        self.actionReplay.setObjectName("actionReplay")
        self.actionReplay.triggered.connect(lambda: self.open(REPLAY_TAB))
        self.menu.addAction(self.actionSummary)
        self.menu.addAction(self.actionReplay)
        help_menu = main.window.findChild(QMenu, "menuHelp")
        if help_menu is not None:
            bar.insertMenu(help_menu.menuAction(), self.menu)
        else:
            bar.addMenu(self.menu)
        # Leads and support look back; a proctor's console stays as it was.
        self.menu.menuAction().setVisible(str(main.user.role) in REVIEW_ROLES)

    def open(self, tab: int) -> None:
        session = self.main.session
        if session is None:
            self.main.status(QCoreApplication.translate("Review", "Open a session first."))
            return
        self.main.tasks.start(self._load(session, tab), "review", replace=True)

    async def _load(self, session: ExamSession, tab: int) -> ReviewWindow | None:
        self.main.status(QCoreApplication.translate("Review", "Loading the exam's event log…"), 0)
        try:
            review = await fetch_review(self.main.api, session.id)
        except ConsoleError as exc:
            self.main.status(
                QCoreApplication.translate("Review", "Cannot load the review: %1").replace(
                    "%1", str(exc)
                )
            )
            return None
        window = ReviewWindow(review)
        window.tabs.setCurrentIndex(tab)
        self.windows = [w for w in self.windows if w.isVisible()]
        self.windows.append(window)  # held here: a top-level window without an owner would be freed
        window.show()
        self.main.status(
            QCoreApplication.translate("Review", "Review of %1 loaded.").replace(
                "%1", session.title
            )
        )
        return window
