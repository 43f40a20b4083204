"""The staged start's pieces: language choice, translations built when the
.qm is missing, Qt messages in logging, the excepthook, command-line errors."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, qWarning
from PySide6.QtWidgets import QMessageBox

from proctor_console import cli
from proctor_console.gui import app as console_app
from proctor_console.gui import i18n


def test_language_follows_the_locale_and_the_flag() -> None:
    assert i18n.choose_language(None, "", QLocale("zh_CN")) == "zh_CN"
    assert i18n.choose_language(None, "", QLocale("zh_TW")) == "zh_CN"
    assert i18n.choose_language(None, "", QLocale("de_DE")) == "en"
    assert i18n.choose_language("en", "zh_CN", QLocale("zh_CN")) == "en"
    assert i18n.choose_language(None, "zh_CN", QLocale("en_US")) == "zh_CN"


def test_missing_qm_is_built_at_start(qapp, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shipped = Path(str(i18n.package_dir("resources"))) / "i18n" / "proctor_console_zh_CN.ts"
    fake = tmp_path / "pkg"
    (fake / "resources" / "i18n").mkdir(parents=True)
    (fake / "resources" / "i18n" / shipped.name).write_bytes(shipped.read_bytes())
    monkeypatch.setattr(i18n, "package_dir", lambda name: fake / name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    built = i18n._qm_path("zh_CN")
    assert built is not None and built.is_file() and str(tmp_path / "cache") in str(built)
    try:
        assert i18n.install_translation("zh_CN")
        assert qapp.translate("Labels", "Locked") == "已锁定"
    finally:
        i18n.install_translation("en")


def test_no_translation_at_all_falls_back_to_english(qapp, tmp_path: Path, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(i18n, "package_dir", lambda name: tmp_path / name)
    with caplog.at_level(logging.WARNING, logger="proctor.i18n"):
        assert not i18n.install_translation("zh_CN")
    assert "runs in English" in caplog.text
    assert qapp.translate("Labels", "Locked") == "Locked"


def test_qt_messages_go_to_logging(qapp, caplog) -> None:  # type: ignore[no-untyped-def]
    console_app.route_qt_messages()
    try:
        with caplog.at_level(logging.WARNING, logger="proctor.qt"):
            qWarning("a message from Qt")
        assert any(r.name == "proctor.qt" and "a message from Qt" in r.getMessage() for r in caplog.records)
    finally:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(None)


def test_excepthook_logs_and_tells_the_user(qapp, caplog, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    console_app.install_excepthook()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        with caplog.at_level(logging.CRITICAL, logger="proctor.init"):
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    assert "unexpected error" in caplog.text
    box = sys.excepthook.box  # type: ignore[attr-defined]
    assert isinstance(box, QMessageBox) and "boom" in box.detailedText()
    box.close()


@pytest.mark.parametrize(
    "argv",
    [["--lang", "fr"], ["demo", "--speed", "0"], ["demo", "--lang", "klingon"]],
)
def test_bad_command_lines_exit_2(argv: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("proctor-console:") and err.count("\n") == 1
