"""Smoke test of the frozen bundle (dist/proctor-console/).

Building it takes a minute or two, so these tests run only when
``PROCTOR_TEST_BUNDLE`` names a built bundle folder:
``bash packaging/build-bundle.sh --test`` builds it and runs them (CI does so
when packaging/ or the dependencies changed). Every run uses a throw-away
home (settings, logs, data) and an empty working folder, and checks that the
bundle folder itself is left exactly as it was.
"""

from __future__ import annotations

import json
import os
import pkgutil
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import httpx
import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
BUNDLE_ENV = "PROCTOR_TEST_BUNDLE"

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(
        not os.environ.get(BUNDLE_ENV),
        reason=f"no bundle to test: bash packaging/build-bundle.sh --test (or set {BUNDLE_ENV})",
    ),
]

START_TIMEOUT_S = 60.0


@pytest.fixture(scope="module")
def bundle() -> Path:
    folder = Path(os.environ[BUNDLE_ENV]).resolve()
    assert (folder / "proctor-console").is_file(), f"{folder} holds no proctor-console program"
    return folder


@pytest.fixture(scope="module")
def program(bundle: Path) -> Path:
    return bundle / "proctor-console"


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
        for p in folder.rglob("*")
        if not p.is_dir()
    }


@pytest.fixture(autouse=True)
def bundle_left_alone(bundle: Path) -> Iterator[None]:
    """The bundle writes nothing beside itself (settings, logs, caches go to the user's folders)."""
    before = snapshot(bundle)
    yield
    after = snapshot(bundle)
    added = sorted(set(after) - set(before))
    changed = sorted(k for k in before if after.get(k) != before[k])
    assert not added and not changed, (
        f"the bundle folder changed: added {added[:5]}, changed {changed[:5]}"
    )


@pytest.fixture
def user(tmp_path: Path) -> dict[str, str]:
    """A throw-away user: home, XDG folders, no session bus (no real keyring is touched)."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "DBUS_", "PROCTOR_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


@pytest.fixture
def cwd(tmp_path: Path) -> Iterator[Path]:
    """An empty folder to start the program in; it must stay empty."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    yield folder
    assert not list(folder.iterdir()), "the program wrote into its working folder"


def run(
    program: Path, *args: str, env: dict[str, str], cwd: Path, timeout: float = START_TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(program), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def package_version() -> str:
    return metadata.version("proctor-console")


def test_version_from_any_folder_and_through_a_link(
    program: Path, user: dict[str, str], cwd: Path, tmp_path: Path
) -> None:
    done = run(program, "--version", env=user, cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"proctor-console {package_version()}"

    # install.sh puts a link on the PATH, e.g. /usr/local/bin/proctor-console.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "proctor-console").symlink_to(program)
    linked = run(bin_dir / "proctor-console", "--version", env=user, cwd=cwd)
    assert linked.returncode == 0, linked.stderr
    assert linked.stdout == done.stdout


def test_console_shows_the_sign_in_dialog_and_quits(
    program: Path, user: dict[str, str], cwd: Path
) -> None:
    titles = {}
    for lang in ("en", "zh_CN"):
        done = run(program, "--lang", lang, env={**user, "PROCTOR_SMOKE_TEST": "sign-in"}, cwd=cwd)
        assert done.returncode == 0, done.stderr[-2000:]
        lines = [
            line
            for line in done.stdout.splitlines()
            if line.startswith("smoke test: sign-in dialog shown: ")
        ]
        assert lines, f"no sign-in dialog: {done.stdout!r} {done.stderr[-2000:]}"
        titles[lang] = lines[0].rsplit(": ", 1)[1]
    # The translation (.qm) travelled with the bundle and was loaded.
    assert titles["zh_CN"] != titles["en"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in titles["zh_CN"]), titles
    # The log went to the platform's log folder.
    log_file = Path(user["XDG_STATE_HOME"]) / "proctor-console" / "log" / "console.log"
    assert log_file.is_file()
    assert "starting" in log_file.read_text(encoding="utf-8")


@pytest.mark.skipif(
    shutil.which("xvfb-run") is None,
    reason="xvfb-run is not installed (apt-get install xvfb xauth)",
)
def test_console_on_an_x11_screen(program: Path, user: dict[str, str], cwd: Path) -> None:
    # A workstation's desktop: Qt's xcb platform plugin with the bundle's xcb libraries.
    env = {
        k: v for k, v in user.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    }
    done = subprocess.run(
        ["xvfb-run", "-a", str(program), "--lang", "en"],
        env={**env, "PROCTOR_SMOKE_TEST": "sign-in"},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "smoke test: sign-in dialog shown: " in done.stdout, done.stderr[-2000:]


def test_every_dynamically_imported_module_and_data_file_is_in_the_bundle(
    program: Path, user: dict[str, str], cwd: Path
) -> None:
    done = run(program, env={**user, "PROCTOR_BUNDLE_SELF_CHECK": "1"}, cwd=cwd)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["missing"] == {}
    import proctor_console

    ours = [m.name for m in pkgutil.walk_packages(proctor_console.__path__, "proctor_console.")]
    assert report["modules"] == len([m for m in ours if ".migrations" not in m])
    assert report["chart"] == "200x100"  # pyqtgraph drew, frozen
    assert report["version"] == report["metadata_version"] == package_version()
    assert {"SecretService", "libsecret", "KWallet", "chainer", "Windows", "macOS"} <= set(
        report["keyring_entry_points"]
    )
    assert sorted(report["forms"]) == sorted(p.name for p in (CHECKOUT / "ui").glob("*.ui"))
    assert report["forms_loaded"] == sorted(report["forms"])
    # Everything in resources/ but the Linguist sources (the .qm files are built from them).
    resources = CHECKOUT / "resources"
    shipped = {
        str(p.relative_to(resources))
        for p in resources.rglob("*")
        if p.is_file() and p.suffix != ".ts"
    }
    assert {ts.with_suffix(".qm").name for ts in resources.glob("i18n/*.ts")} <= {
        Path(p).name for p in shipped
    }
    assert sorted(report["resources"]) == sorted(shipped)
    scenarios = CHECKOUT / "proctor_console" / "simulator" / "scenarios"
    assert sorted(report["scenarios"]) == sorted(p.stem for p in scenarios.glob("*.toml"))
    versions = CHECKOUT / "proctor_console" / "service" / "migrations" / "versions"
    assert report["migrations"] == sorted(p.name for p in versions.glob("*.py"))


@pytest.mark.skipif(
    not (shutil.which("gnome-keyring-daemon") and shutil.which("dbus-run-session")),
    reason="needs gnome-keyring-daemon and dbus-run-session",
)
def test_the_bundle_keeps_a_token_in_the_secret_service(
    program: Path, user: dict[str, str], cwd: Path, tmp_path: Path
) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    script = (
        "echo -n test-keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
        f'exec "{program}"'
    )
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script],
        env={**user, "XDG_RUNTIME_DIR": str(runtime), "PROCTOR_BUNDLE_SELF_CHECK": "keyring"},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["token_store"] == "the system keyring (SecretService)"
    assert report["token_read_back"] is True


class Running:
    """A bundle subprocess in its own process group, stopped like a service manager would."""

    def __init__(
        self, program: Path, args: list[str], env: dict[str, str], cwd: Path, log: Path
    ) -> None:
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(program), *args],
                env=env,
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, what: str, found: object) -> object:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            value = found() if callable(found) else found
            if value:
                return value
            assert self.process.poll() is None, (
                f"exited ({self.process.returncode}) before {what}:\n{self.output()[-3000:]}"
            )
            time.sleep(0.1)
        raise AssertionError(f"no {what} within {START_TIMEOUT_S:.0f} s:\n{self.output()[-3000:]}")

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def serve_and_sign_in(
    program: Path, db_url: str, user: dict[str, str], cwd: Path, tmp_path: Path
) -> None:
    port_file = tmp_path / "port"
    env = {**user, "PROCTOR_ADMIN_USER": "admin", "PROCTOR_ADMIN_PASSWORD": "bundle-smoke-password"}
    service = Running(
        program,
        ["serve", "--db", db_url, "--port", "0", "--port-file", str(port_file)],
        env,
        cwd,
        tmp_path / "serve.log",
    )
    try:
        port = service.wait_for(
            "port file", lambda: port_file.read_text().strip() if port_file.is_file() else ""
        )
        base = f"http://127.0.0.1:{port}"
        openapi = httpx.get(f"{base}/openapi.json", timeout=30)
        assert openapi.status_code == 200
        assert "/api/v1/auth/login" in openapi.json()["paths"]
        # Argon2 (a C extension) and the database driver work frozen.
        login = httpx.post(
            f"{base}/api/v1/auth/login",
            json={"username": "admin", "password": "bundle-smoke-password"},
            timeout=30,
        )
        assert login.status_code == 200, login.text
        assert login.json()["user"]["role"] == "admin"
    finally:
        code = service.terminate()
    # uvicorn shuts down cleanly, then ends by the SIGTERM it caught (as service managers expect).
    assert code in (0, -signal.SIGTERM), service.output()[-3000:]
    assert "Finished server process" in service.output()
    assert "bundle-smoke-password" not in service.output()


def test_serve_answers_openapi_on_a_free_port(
    program: Path, user: dict[str, str], cwd: Path, tmp_path: Path
) -> None:
    serve_and_sign_in(program, f"sqlite:///{tmp_path / 'exam.db'}", user, cwd, tmp_path)
    assert (tmp_path / "exam.db").is_file()


@pytest.mark.postgres
def test_serve_on_postgresql(
    program: Path, user: dict[str, str], cwd: Path, tmp_path: Path
) -> None:
    from servicekit import drop_pg_schema, fresh_pg_url

    url = fresh_pg_url()
    if url is None:
        pytest.skip("PROCTOR_TEST_PG_URL is not set")
    try:
        serve_and_sign_in(program, url, user, cwd, tmp_path)
    finally:
        drop_pg_schema(url)


def test_demo_whole_product_from_the_bundle(
    program: Path, user: dict[str, str], cwd: Path, tmp_path: Path
) -> None:
    """Service, simulated hall and console (offscreen) as three frozen processes; the
    console signs in, opens the hall and follows its live stream; SIGTERM ends it all."""
    console_log = Path(user["XDG_STATE_HOME"]) / "proctor-console" / "log" / "console.log"

    def console_said(text: str) -> bool:
        return console_log.is_file() and text in console_log.read_text(
            encoding="utf-8", errors="replace"
        )

    demo = Running(
        program, ["demo", "--lang", "en", "--speed", "20"], user, cwd, tmp_path / "demo.log"
    )
    try:
        line = demo.wait_for(
            "the service's address",
            lambda: next(
                (x for x in demo.output().splitlines() if x.startswith("demo: service at ")), ""
            ),
        )
        base = str(line).split("service at ", 1)[1].split(";", 1)[0]
        assert httpx.get(f"{base}/openapi.json", timeout=30).status_code == 200
        demo.wait_for("the hall's rows in the console", lambda: console_said("/candidates?"))
        demo.wait_for("the live stream in the console", lambda: console_said("/events?after="))
    finally:
        code = demo.terminate()
    assert code in (0, 130), demo.output()[-3000:]
    assert console_said("console closed")


def test_left_out_opengl_views_and_the_hosts_gtk_theme(bundle: Path) -> None:
    internal = bundle / "_internal"
    assert not (internal / "pyqtgraph" / "opengl").exists()
    assert not list(internal.rglob("libqgtk3*"))
    assert not list(internal.glob("libgtk-3*"))


def test_share_folder_carries_desktop_entry_metadata_and_icons(bundle: Path) -> None:
    app_id = "io.github.proctorconsole.ProctorConsole"
    share = bundle / "share"
    assert (share / "applications" / f"{app_id}.desktop").is_file()
    assert (share / "metainfo" / f"{app_id}.metainfo.xml").is_file()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{app_id}.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{app_id}.svg").is_file()
    assert os.access(bundle / "install.sh", os.X_OK)


def test_install_for_one_user(bundle: Path, user: dict[str, str], cwd: Path) -> None:
    home = Path(user["HOME"])
    done = subprocess.run(
        [str(bundle / "install.sh"), "--user"],
        env=user,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = Path(user["XDG_DATA_HOME"])
    app_id = "io.github.proctorconsole.ProctorConsole"
    assert (data / "applications" / f"{app_id}.desktop").is_file()
    assert (data / "icons" / "hicolor" / "256x256" / "apps" / f"{app_id}.png").is_file()
    installed = home / ".local" / "bin" / "proctor-console"
    version = run(installed, "--version", env=user, cwd=cwd)
    assert version.stdout.strip() == f"proctor-console {package_version()}"
    assert installed.resolve().parent == home / ".local" / "lib" / "proctor-console"
