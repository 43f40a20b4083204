"""The token store: the system keyring when one works, memory (and saying so) otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends import fail

from proctor_console.client.credentials import MEMORY_ONLY, TokenStore


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that keeps secrets in a dict. priority -1: never chosen by keyring itself."""

    priority = -1

    def __init__(self) -> None:  # keyring's own __init__ only reads properties from the environment
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.secrets:
            raise keyring.errors.PasswordDeleteError("none")
        del self.secrets[(service, username)]


class BrokenKeyring(MemoryKeyring):
    """A keyring that is there but fails when used (a locked collection, D-Bus gone)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's file backend, refused by name."""


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


def test_token_goes_to_the_keyring_and_comes_back(restore_keyring: None) -> None:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    store = TokenStore()
    where = store.save("http://127.0.0.1:8765/", "wang", "tok-secret")
    assert where.startswith("the system keyring (")
    assert store.persistent
    # The address is normalised: the console and `report` find the same entry.
    assert store.load("http://127.0.0.1:8765/api/v1", "wang") == "tok-secret"
    assert list(backend.secrets.values()) == ["tok-secret"]
    assert store.load("http://127.0.0.1:8765", "li") is None
    store.delete("http://127.0.0.1:8765", "wang")
    assert store.load("http://127.0.0.1:8765", "wang") is None
    store.delete("http://127.0.0.1:8765", "wang")  # deleting nothing is fine


def test_no_keyring_keeps_the_token_in_memory_and_says_so(restore_keyring: None) -> None:
    no_keyring: Any = fail.Keyring  # what a headless machine without Secret Service has
    keyring.set_keyring(no_keyring())
    store = TokenStore()
    assert store.save("http://h:1", "wang", "tok") == MEMORY_ONLY
    assert "for this run only" in store.location
    assert not store.persistent
    assert store.load("http://h:1", "wang") == "tok"
    assert TokenStore().load("http://h:1", "wang") is None  # gone with the run


def test_plaintext_backend_is_refused(restore_keyring: None) -> None:
    backend = PlaintextKeyring()
    keyring.set_keyring(backend)
    store = TokenStore()
    assert store.save("http://h:1", "wang", "tok") == MEMORY_ONLY
    assert backend.secrets == {}


def test_keyring_failing_at_use_falls_back_to_memory(restore_keyring: None) -> None:
    keyring.set_keyring(BrokenKeyring())
    store = TokenStore()
    assert store.location.startswith("the system keyring")
    assert store.save("http://h:1", "wang", "tok") == MEMORY_ONLY
    assert store.load("http://h:1", "wang") == "tok"
