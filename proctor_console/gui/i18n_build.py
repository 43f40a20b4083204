"""Build the console's translations: ``python -m proctor_console.gui.i18n_build``.

``.ts`` (Qt Linguist sources, in git) -> ``.qm`` (built, never edited) with
``pyside6-lrelease``; ``--update`` first refreshes the ``.ts`` files from the
sources and forms with ``pyside6-lupdate`` (both ship in PySide6-Essentials).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
I18N = PACKAGE / "resources" / "i18n"
LANGUAGES = ("zh_CN", "en")
CATALOG = "proctor_console"


def _tool(name: str) -> list[str]:
    """pyside6-lupdate / pyside6-lrelease: next to this Python first, then PATH."""
    here = Path(sys.executable).parent / f"pyside6-{name}"
    if here.exists():
        return [str(here)]
    found = shutil.which(f"pyside6-{name}")
    if found:
        return [found]
    try:
        import PySide6

        binary = Path(PySide6.__file__).parent / name
        if binary.exists():
            return [str(binary)]
    except ImportError:
        pass
    raise RuntimeError(f"pyside6-{name} not found (it ships with PySide6-Essentials)")


def compile_ts(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [*_tool("lrelease"), str(source), "-qm", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not target.exists():
        raise RuntimeError(f"lrelease failed for {source.name}: {result.stderr.strip()[-300:]}")


def source_files() -> list[Path]:
    gui = PACKAGE / "gui"
    forms = (PACKAGE / "ui").resolve()
    return sorted(gui.rglob("*.py")) + sorted(forms.glob("*.ui"))


def update_ts() -> None:
    I18N.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        target = I18N / f"{CATALOG}_{language}.ts"
        args = [*_tool("lupdate"), "-no-obsolete", "-locations", "none"]
        if language == "en":
            args += ["-pluralonly"]
        result = subprocess.run(
            [*args, *map(str, source_files()), "-ts", str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"lupdate failed: {result.stderr.strip()[-300:]}")
        print(f"updated {target.name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proctor_console.gui.i18n_build")
    parser.add_argument("--update", action="store_true", help="refresh .ts from the sources first")
    args = parser.parse_args(argv)
    if args.update:
        update_ts()
    for language in LANGUAGES:
        source = I18N / f"{CATALOG}_{language}.ts"
        if not source.exists():
            print(f"missing {source}", file=sys.stderr)
            return 1
        compile_ts(source, source.with_suffix(".qm"))
        print(f"built {source.with_suffix('.qm').name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
