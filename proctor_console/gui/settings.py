"""The console's settings in QSettings: servers, thresholds, language, CA bundle, layout."""

from __future__ import annotations

from dataclasses import asdict, fields

from PySide6.QtCore import QByteArray, QSettings

from ..domain.flags import Thresholds

ORGANIZATION = "ProctorConsole"
APPLICATION = "proctor-console"
MAX_RECENT_SERVERS = 8


class ConsoleSettings:
    """Typed access to QSettings. Tests pass a QSettings on a temporary file."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store or QSettings(ORGANIZATION, APPLICATION)

    # -- servers -------------------------------------------------------------

    def recent_servers(self) -> list[str]:
        value = self.store.value("servers/recent", [])
        if isinstance(value, str):
            return [value] if value else []
        if not isinstance(value, list):
            return []
        return [str(v) for v in value if v]

    def remember_server(self, url: str) -> None:
        servers = [url] + [s for s in self.recent_servers() if s != url]
        self.store.setValue("servers/recent", servers[:MAX_RECENT_SERVERS])

    @property
    def last_username(self) -> str:
        return str(self.store.value("servers/last_username", "") or "")

    @last_username.setter
    def last_username(self, value: str) -> None:
        self.store.setValue("servers/last_username", value)

    @property
    def remember_me(self) -> bool:
        return str(self.store.value("servers/remember_me", "false")).lower() == "true"

    @remember_me.setter
    def remember_me(self, value: bool) -> None:
        self.store.setValue("servers/remember_me", "true" if value else "false")

    @property
    def ca_bundle(self) -> str:
        return str(self.store.value("tls/ca_bundle", "") or "")

    @ca_bundle.setter
    def ca_bundle(self, value: str) -> None:
        self.store.setValue("tls/ca_bundle", value.strip())

    # -- thresholds ----------------------------------------------------------

    def thresholds(self) -> Thresholds:
        defaults = Thresholds()
        values = {}
        for f in fields(Thresholds):
            raw = self.store.value(f"thresholds/{f.name}", None)
            default = getattr(defaults, f.name)
            try:
                values[f.name] = type(default)(raw) if raw is not None else default
            except (TypeError, ValueError):
                values[f.name] = default
        return Thresholds(**values)

    def set_thresholds(self, thresholds: Thresholds) -> None:
        for name, value in asdict(thresholds).items():
            self.store.setValue(f"thresholds/{name}", value)

    # -- language and layout ---------------------------------------------------

    @property
    def language(self) -> str:
        """'' (follow the system), 'zh_CN' or 'en'."""
        return str(self.store.value("ui/language", "") or "")

    @language.setter
    def language(self, value: str) -> None:
        self.store.setValue("ui/language", value)

    @property
    def sound(self) -> bool:
        """A sound with each new lock, stuck submission or auto-submit."""
        return str(self.store.value("ui/sound", "false")).lower() == "true"

    @sound.setter
    def sound(self, value: bool) -> None:
        self.store.setValue("ui/sound", "true" if value else "false")

    @property
    def text_scale(self) -> float:
        """'Larger text for a hall screen': the system's font size times this (1.0 = as is)."""
        try:
            value = float(str(self.store.value("ui/text_scale", "1.0")))
        except ValueError:
            return 1.0
        return value if 0.5 <= value <= 3.0 else 1.0

    @text_scale.setter
    def text_scale(self, value: float) -> None:
        self.store.setValue("ui/text_scale", f"{value:g}")

    def splitter_state(self, name: str) -> QByteArray | None:
        value = self.store.value(f"ui/splitter_{name}")
        return value if isinstance(value, QByteArray) else None

    def save_splitter_state(self, name: str, state: QByteArray) -> None:
        self.store.setValue(f"ui/splitter_{name}", state)

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry = self.store.value("ui/geometry")
        state = self.store.value("ui/window_state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def save_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self.store.setValue("ui/geometry", geometry)
        self.store.setValue("ui/window_state", state)

    def header_state(self) -> QByteArray | None:
        value = self.store.value("ui/table_header")
        return value if isinstance(value, QByteArray) else None

    def save_header_state(self, state: QByteArray) -> None:
        self.store.setValue("ui/table_header", state)

    def sync(self) -> None:
        self.store.sync()
