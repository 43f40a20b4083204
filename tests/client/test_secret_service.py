"""The token store with a real Secret Service (gnome-keyring on a private D-Bus session).

Skipped where gnome-keyring-daemon or dbus-run-session is not installed
(`apt-get install gnome-keyring`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not (shutil.which("gnome-keyring-daemon") and shutil.which("dbus-run-session")),
    reason="needs gnome-keyring-daemon and dbus-run-session",
)

PROBE = """
from proctor_console.client.credentials import TokenStore
store = TokenStore()
print(store.save("http://127.0.0.1:8765", "wang", "tok-in-the-keyring"))
print(TokenStore().load("http://127.0.0.1:8765/", "wang"))
store.delete("http://127.0.0.1:8765", "wang")
print(TokenStore().load("http://127.0.0.1:8765", "wang"))
"""


def test_the_token_goes_to_the_secret_service_and_a_new_store_finds_it(tmp_path: Path) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_RUNTIME_DIR": str(runtime),
    }
    script = (
        "echo -n test-keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
        f'"{sys.executable}" -c "$PROBE"'
    )
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script],
        env={**env, "PROBE": PROBE},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [
        "the system keyring (SecretService)",
        "tok-in-the-keyring",
        "None",
    ]
