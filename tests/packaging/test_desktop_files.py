"""The desktop entry, the AppStream metadata and the icon that the bundle installs.

The validators run where they are installed (`apt-get install
desktop-file-utils appstream librsvg2-bin`); elsewhere those tests are
skipped with the reason.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path

import pytest

from proctor_console import __version__

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
APP_ID = "io.github.proctorconsole.ProctorConsole"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
ICON = PACKAGING / "icons" / "proctor-console.svg"


def needs(tool: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed")


@needs("desktop-file-validate")
def test_the_desktop_entry_validates() -> None:
    done = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error" not in (done.stdout + done.stderr).lower()


@needs("appstreamcli")
def test_the_appstream_metadata_validates() -> None:
    done = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_entry_metadata_and_icon_name_the_same_application() -> None:
    entry = ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(DESKTOP, encoding="utf-8")
    desktop = entry["Desktop Entry"]
    # The bundle's install.sh links the program as `proctor-console` and installs
    # the icons as APP_ID.png / APP_ID.svg.
    assert desktop["Exec"].split()[0] == "proctor-console"
    assert desktop["Icon"] == APP_ID
    assert desktop["StartupWMClass"] == "proctor-console"  # Qt's application name

    component = ET.parse(METAINFO).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert component.findtext("provides/binary") == "proctor-console"


@pytest.mark.skipif(__version__ == "0+unknown", reason="the package is not installed (no metadata)")
def test_the_metadata_lists_a_release_of_the_package_version() -> None:
    # The version has one source, the package metadata; software centres show
    # the newest <release>, so a new version needs its entry here.
    releases = [r.get("version") for r in ET.parse(METAINFO).getroot().iter("release")]
    assert __version__ in releases, (
        f'add <release version="{__version__}" date=...> to {METAINFO.name}'
    )


@needs("rsvg-convert")
@pytest.mark.parametrize("size", [16, 512])
def test_the_icon_renders_at_the_smallest_and_largest_size(tmp_path: Path, size: int) -> None:
    out = tmp_path / f"{size}.png"
    subprocess.run(
        ["rsvg-convert", "-w", str(size), "-h", str(size), "-o", str(out), str(ICON)], check=True
    )
    header = out.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (size, size)
