"""Qt Designer forms (``ui/*.ui``) and resources, loaded the same way from a
source checkout, an installed wheel and a PyInstaller bundle.

``proctor_console/ui`` and ``proctor_console/resources`` point at the
checkout's top-level ``ui/`` and ``resources/`` (symlinks); wheels and bundles
carry them as package data. Custom widgets are built in code and placed into
the loaded forms.
"""

from __future__ import annotations

import logging
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TypeVar

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

log = logging.getLogger("proctor.init")

_W = TypeVar("_W", bound=QObject)


def package_dir(name: str) -> Traversable:
    """``ui`` or ``resources`` inside the installed package."""
    return resources.files("proctor_console").joinpath(name)


def load_form(file_name: str, parent: QWidget | None = None) -> QWidget:
    """Build the widget tree of ``ui/<file_name>``; its strings are translated by
    the installed translators (context: the form's class name)."""
    data = package_dir("ui").joinpath(file_name).read_bytes()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    loader = QUiLoader()
    widget = loader.load(buffer, parent)
    buffer.close()
    if widget is None:
        raise RuntimeError(f"cannot load form {file_name}: {loader.errorString()}")
    return widget


def child(root: QObject, kind: type[_W], name: str) -> _W:
    """A named child of a loaded form, of the expected type (fails loudly)."""
    found = root.findChild(kind, name)
    if found is None:
        raise LookupError(f"form {root.objectName()} has no {kind.__name__} named {name}")
    return found
