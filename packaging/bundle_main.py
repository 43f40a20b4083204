"""Entry point of the frozen bundle: the same ``proctor-console`` command.

Two things only a frozen program needs:

- ``python -m proctor_console.cli ARGS`` is how the demo (and tests) start a
  child service or simulator with ``sys.executable``; in the bundle
  ``sys.executable`` is this program, so ``-m proctor_console.cli`` is
  accepted and dropped.
- ``PROCTOR_BUNDLE_SELF_CHECK=1`` imports every module that is only ever
  imported dynamically (keyring backends, qasync's Qt binding, uvicorn's
  loop/protocol choices, the SQLAlchemy async drivers, Alembic's migrations)
  with every module of the package, draws a chart with pyqtgraph offscreen,
  and prints what it found as JSON, for the bundle's smoke test;
  ``=keyring`` also stores, reads and deletes a dummy token in the keyring
  (only ever run on a throw-away keyring).
"""

from __future__ import annotations

import importlib
import json
import multiprocessing
import os
import sys
from importlib import resources
from importlib.resources.abc import Traversable

# Modules nothing imports by name at start; the bundle must carry every one.
DYNAMIC_MODULES = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.chainer",
    "keyring.backends.fail",
    "keyring.backends.null",
    "secretstorage",
    "jeepney",
    "qasync",
    "uvicorn.loops.auto",
    "uvicorn.loops.asyncio",
    "uvicorn.protocols.http.auto",
    "uvicorn.protocols.http.h11_impl",
    "uvicorn.protocols.websockets.auto",
    "uvicorn.lifespan.on",
    "uvicorn.protocols.http.httptools_impl",
    "httptools",
    *(("uvloop", "uvicorn.loops.uvloop") if sys.platform != "win32" else ()),
    "sqlalchemy.dialects.sqlite.aiosqlite",
    "sqlalchemy.dialects.postgresql.asyncpg",
    "aiosqlite",
    "asyncpg",
    "asyncpg.pgproto.pgproto",
    "greenlet",
    "argon2",
    "pyotp",
    "alembic.command",
    "pyqtgraph",
)


def walk(folder: Traversable, prefix: str = "") -> list[str]:
    """Relative paths of every file under a package folder."""
    found = []
    for entry in folder.iterdir():
        if entry.is_dir():
            found += walk(entry, f"{prefix}{entry.name}/")
        else:
            found.append(prefix + entry.name)
    return found


def our_modules() -> list[str]:
    """Every module of the package (the migrations are scripts Alembic runs, not modules)."""
    import pkgutil

    import proctor_console

    found = pkgutil.walk_packages(proctor_console.__path__, "proctor_console.")
    return sorted(m.name for m in found if ".migrations" not in m.name)


def draw_a_chart() -> str:
    """pyqtgraph as the console's charts use it, drawn offscreen: its size in pixels."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["proctor-console"])
    import pyqtgraph as pg

    plot = pg.PlotWidget(background="w")
    plot.setAxisItems({"bottom": pg.DateAxisItem()})
    plot.plot([0, 1, 2], [1, 3, 2], pen=pg.mkPen("#1f77b4", width=2))
    plot.addItem(pg.BarGraphItem(x=[0, 1], height=[1, 2], width=0.5))
    plot.resize(200, 100)
    image = plot.grab()
    plot.deleteLater()
    app.processEvents()
    return f"{image.width()}x{image.height()}"


def self_check() -> int:
    """Import the dynamic modules; report them and what the package data holds."""
    os.environ.setdefault("QT_API", "pyside6")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    missing = {}
    modules = our_modules()
    for name in (*DYNAMIC_MODULES, *modules):
        try:
            importlib.import_module(name)
        except Exception as exc:  # report every failure, not only the first
            missing[name] = f"{type(exc).__name__}: {exc}"
    try:
        chart = draw_a_chart()
    except Exception as exc:
        chart = missing["pyqtgraph chart"] = f"{type(exc).__name__}: {exc}"
    loaded = []
    for form in sorted(p.name for p in resources.files("proctor_console").joinpath("ui").iterdir()):
        try:  # Qt's form loader, frozen, on every Designer form
            from proctor_console.gui.forms import load_form

            load_form(form).deleteLater()
            loaded.append(form)
        except Exception as exc:
            missing[f"form {form}"] = f"{type(exc).__name__}: {exc}"

    from importlib import metadata

    import keyring.backend

    from proctor_console import __version__
    from proctor_console.service.migrate import MIGRATIONS
    from proctor_console.simulator.scenario import builtin_names, load_scenario

    package = resources.files("proctor_console")
    report: dict[str, object] = {
        "version": __version__,
        "metadata_version": metadata.version("proctor-console"),
        "missing": missing,
        "modules": len(modules),
        "chart": chart,
        "forms_loaded": loaded,
        "keyring_entry_points": sorted(
            ep.name for ep in metadata.entry_points(group="keyring.backends")
        ),
        "keyring_viable": sorted(type(b).__module__ for b in keyring.backend.get_all_keyring()),
        "scenarios": {name: load_scenario(name).scenario.name for name in builtin_names()},
        "migrations": sorted(p.name for p in (MIGRATIONS / "versions").glob("*.py")),
        "forms": sorted(p.name for p in package.joinpath("ui").iterdir()),
        "resources": sorted(walk(package.joinpath("resources"))),
    }
    if os.environ.get("PROCTOR_BUNDLE_SELF_CHECK") == "keyring":
        # Only on a throw-away keyring (the smoke test's private D-Bus session).
        from proctor_console.client.credentials import TokenStore

        store = TokenStore()
        report["token_store"] = store.save("http://127.0.0.1:9", "bundle-check", "not-a-secret")
        report["token_read_back"] = (
            TokenStore().load("http://127.0.0.1:9", "bundle-check") == "not-a-secret"
        )
        store.delete("http://127.0.0.1:9", "bundle-check")
    print(json.dumps(report, indent=1, sort_keys=True))
    return 1 if missing else 0


def main() -> int:
    multiprocessing.freeze_support()
    if sys.argv[1:3] == ["-m", "proctor_console.cli"]:
        del sys.argv[1:3]
    if os.environ.get("PROCTOR_BUNDLE_SELF_CHECK") in ("1", "keyring"):
        return self_check()
    from proctor_console.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
