"""Appearance: light or dark as the system says, and text that can be raised.

The colour scheme follows the system (Qt 6.5+ ``QStyleHints.colorScheme()``),
also when it changes while the console runs. Most platform themes hand Qt a
dark palette themselves; where one does not (a bare X session, offscreen), a
dark scheme gets Fusion with a dark palette from here, so it never stays light.

The text scale ("Larger text for a hall screen") multiplies the system's
font size: kept in QSettings, applied at start and when changed in Settings.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

#: What Settings offers (1.0 = the system's size).
TEXT_SCALES = (1.0, 1.25, 1.5, 2.0)
_BASE_SIZE_PROPERTY = "proctorBaseFontPointSize"


def apply_text_scale(app: QApplication, scale: float) -> None:
    """The application font at ``scale`` times the system's size (remembered on first use)."""
    base = app.property(_BASE_SIZE_PROPERTY)
    if not isinstance(base, float) or base <= 0:
        base = app.font().pointSizeF()
        if base <= 0:
            base = 9.0
        app.setProperty(_BASE_SIZE_PROPERTY, float(base))
    font = app.font()
    font.setPointSizeF(round(base * max(0.5, min(3.0, scale)), 1))
    app.setFont(font)
    for widget in app.allWidgets():  # widgets that already set their own font keep it
        widget.updateGeometry()


def system_prefers_dark(app: QGuiApplication) -> bool:
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def palette_is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e8e8e8",
        QPalette.ColorRole.Base: "#1f1f1f",
        QPalette.ColorRole.AlternateBase: "#2a2a2a",
        QPalette.ColorRole.ToolTipBase: "#3a3a3a",
        QPalette.ColorRole.ToolTipText: "#f0f0f0",
        QPalette.ColorRole.Text: "#e8e8e8",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e8e8e8",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Mid: "#6a6a6a",
        QPalette.ColorRole.Highlight: "#4a90e2",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#7ab7ff",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#808080"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#808080"))
    return palette


class ColorSchemeFollower(QObject):
    """Keeps the palette in step with the system's light/dark scheme."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self._own_palette = False
        app.styleHints().colorSchemeChanged.connect(self.apply)
        self.apply()

    def apply(self, *_: object) -> None:
        dark = system_prefers_dark(self.app)
        if dark and not palette_is_dark(self.app.palette()):
            # The platform theme did not darken Qt: do it (Fusion draws any palette well).
            self.app.setStyle("Fusion")
            self.app.setPalette(dark_palette())
            self._own_palette = True
        elif not dark and self._own_palette:
            self.app.setPalette(self.app.style().standardPalette())
            self._own_palette = False
        for widget in self.app.topLevelWidgets():
            _repaint(widget)


def _repaint(widget: QWidget) -> None:
    widget.update()
    for child in widget.findChildren(QWidget):
        child.update()
