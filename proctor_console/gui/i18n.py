"""The console's language: Simplified Chinese where the system locale is
Chinese, English otherwise; ``--lang`` or the setting overrides.

Translations are Qt Linguist ``.ts`` files in ``resources/i18n``; the ``.qm``
files are built from them (``python -m proctor_console.gui.i18n_build``).
When a ``.qm`` is missing the console builds it into the user's cache at
first start, and falls back to English (with a log line) if it cannot.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from .forms import package_dir

log = logging.getLogger("proctor.i18n")

LANGUAGES = ("zh_CN", "en")
CATALOG = "proctor_console"


def choose_language(requested: str | None, setting: str = "", locale: QLocale | None = None) -> str:
    """'zh_CN' or 'en': the command line, then the setting, then the system locale."""
    for choice in (requested, setting):
        if choice:
            normalized = choice.replace("-", "_")
            if normalized.lower().startswith("zh"):
                return "zh_CN"
            if normalized.lower().startswith("en"):
                return "en"
    system = locale or QLocale.system()
    return "zh_CN" if system.language() == QLocale.Language.Chinese else "en"


def _qm_path(language: str) -> Path | None:
    """The shipped .qm, or one built into the cache from the shipped .ts."""
    i18n = package_dir("resources").joinpath("i18n")
    shipped = i18n.joinpath(f"{CATALOG}_{language}.qm")
    if shipped.is_file():
        return Path(str(shipped))
    source = i18n.joinpath(f"{CATALOG}_{language}.ts")
    if not source.is_file():
        return None
    from platformdirs import user_cache_path

    from .i18n_build import compile_ts

    target = user_cache_path("proctor-console") / "i18n" / f"{CATALOG}_{language}.qm"
    if target.is_file() and target.stat().st_mtime >= Path(str(source)).stat().st_mtime:
        return target
    try:
        compile_ts(Path(str(source)), target)
    except (OSError, RuntimeError) as exc:
        log.warning("cannot build the %s translation at start: %s", language, exc)
        return None
    log.info("built the %s translation into %s", language, target)
    return target


_installed: list[QTranslator] = []


def install_translation(language: str) -> bool:
    """Install the console's (and Qt's own) translators for ``language``.

    True when the console is now in that language; English needs none.
    """
    app = QCoreApplication.instance()
    assert app is not None, "create the QApplication first"
    remove_translation()
    if language == "en":
        return True
    qm = _qm_path(language)
    if qm is None:
        log.warning("no %s translation found: the console runs in English", language)
        return False
    ours = QTranslator(app)
    if not ours.load(str(qm)):
        log.warning("cannot load %s: the console runs in English", qm)
        return False
    app.installTranslator(ours)
    _installed.append(ours)
    qt_own = QTranslator(app)
    if qt_own.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    log.info("language: %s", language)
    return True


def remove_translation() -> None:
    app = QCoreApplication.instance()
    while _installed:
        translator = _installed.pop()
        if app is not None:
            app.removeTranslator(translator)
