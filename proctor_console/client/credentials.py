"""Where the console keeps a sign-in token: the operating system's keyring, or memory.

One small interface, :class:`TokenStore`. It uses the keyring backend that
``keyring`` picked, unless that backend keeps secrets in a plain file or
does not work; then the token lives in memory for this run only, and
:attr:`TokenStore.location` says so. There is never a plaintext fallback.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .connect import normalize_server_url

if TYPE_CHECKING:
    import keyring.backend

# keyring itself is imported at first use (80 ms at start-up, and it loads its plug-ins).

log = logging.getLogger("proctor_console.client.credentials")

SERVICE_NAME = "proctor-console"
"""The keyring's service name for the console's tokens."""

MEMORY_ONLY = "memory, for this run only (no system keyring works here)"

# Friendly names of the backends keyring ships, by module.
_LABELS = {
    "keyring.backends.SecretService": "SecretService",
    "keyring.backends.libsecret": "libsecret",
    "keyring.backends.kwallet": "KWallet",
    "keyring.backends.macOS": "macOS Keychain",
    "keyring.backends.Windows": "Windows Credential Locker",
}


def _refused_reason(backend: keyring.backend.KeyringBackend) -> str | None:
    """Why a backend may not hold tokens, or None when it may."""
    module = type(backend).__module__
    if module.startswith("keyring.backends.fail") or module.startswith("keyring.backends.null"):
        return "no keyring backend works here"
    if module.startswith("keyrings.alt") or "plaintext" in type(backend).__name__.lower():
        # keyrings.alt's file backends write the secret (base64 or weakly encrypted) to a file.
        return f"{type(backend).__name__} would keep the token in a file"
    return None


def _pick_backend() -> tuple[keyring.backend.KeyringBackend | None, str]:
    """The backend to use (None: memory only) and why not, when refused."""
    import keyring

    backend = keyring.get_keyring()
    chained = getattr(backend, "backends", None)
    if type(backend).__module__.startswith("keyring.backends.chainer") and isinstance(
        chained, list
    ):
        # The chainer writes to the first backend that accepts: use the first safe one directly.
        for candidate in chained:
            if _refused_reason(candidate) is None:
                return candidate, ""
        return None, "no safe keyring backend is available"
    reason = _refused_reason(backend)
    return (None, reason) if reason else (backend, "")


def backend_label(backend: keyring.backend.KeyringBackend) -> str:
    module = type(backend).__module__
    for prefix, label in _LABELS.items():
        if module.startswith(prefix):
            return label
    return str(type(backend).name)


class TokenStore:
    """Store, load and delete the token of (server, user name).

    ``location`` is the sentence that tells the user where the token went,
    e.g. ``"the system keyring (SecretService)"``.
    """

    def __init__(self, service_name: str = SERVICE_NAME) -> None:
        self.service_name = service_name
        self._memory: dict[str, str] = {}
        # Picked at first use: finding keyring's backend loads its plug-ins (a quarter of
        # a second at start-up), which a console signed in from the command line never needs.
        self._picked = False
        self._chosen: keyring.backend.KeyringBackend | None = None
        self._refused = ""

    @property
    def _backend(self) -> keyring.backend.KeyringBackend | None:
        if not self._picked:
            self._picked = True
            self._chosen, self._refused = _pick_backend()
            if self._chosen is None:
                log.info("tokens kept in memory only: %s", self._refused)
        return self._chosen

    @_backend.setter
    def _backend(self, backend: keyring.backend.KeyringBackend | None) -> None:
        self._picked = True
        self._chosen = backend

    @property
    def location(self) -> str:
        if self._backend is None:
            return MEMORY_ONLY
        return f"the system keyring ({backend_label(self._backend)})"

    @property
    def persistent(self) -> bool:
        """True when a token survives this run (it is in the system keyring)."""
        return self._backend is not None

    @staticmethod
    def key(server: str, username: str) -> str:
        """The keyring's user name for a token: ``user@http://host:port`` (address normalised)."""
        try:
            server = normalize_server_url(server)
        except ValueError:
            server = server.strip()
        return f"{username}@{server}"

    def _give_up_keyring(self, error: Exception) -> None:
        # A keyring that fails at use (locked, D-Bus gone): memory for the rest of the run.
        log.warning(
            "system keyring failed (%s); tokens kept in memory for this run", type(error).__name__
        )
        self._backend = None
        self._refused = f"the system keyring failed ({type(error).__name__})"

    def save(self, server: str, username: str, token: str) -> str:
        """Keep the token; returns :attr:`location`, the sentence saying where it went."""
        import keyring.errors

        key = self.key(server, username)
        if self._backend is not None:
            try:
                self._backend.set_password(self.service_name, key, token)
                self._memory.pop(key, None)
                return self.location
            except keyring.errors.KeyringError as exc:
                self._give_up_keyring(exc)
        self._memory[key] = token
        return self.location

    def load(self, server: str, username: str) -> str | None:
        import keyring.errors

        key = self.key(server, username)
        if key in self._memory:
            return self._memory[key]
        if self._backend is None:
            return None
        try:
            return self._backend.get_password(self.service_name, key)
        except keyring.errors.KeyringError as exc:
            log.warning("cannot read the system keyring (%s)", type(exc).__name__)
            return None

    def delete(self, server: str, username: str) -> None:
        """Forget the token (signing out, or a token the service no longer accepts)."""
        import keyring.errors

        key = self.key(server, username)
        self._memory.pop(key, None)
        if self._backend is None:
            return
        try:
            self._backend.delete_password(self.service_name, key)
        except keyring.errors.PasswordDeleteError:
            pass  # there was none
        except keyring.errors.KeyringError as exc:
            log.warning("cannot delete from the system keyring (%s)", type(exc).__name__)


__all__ = ["MEMORY_ONLY", "SERVICE_NAME", "TokenStore"]
