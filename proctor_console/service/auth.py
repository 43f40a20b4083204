"""Passwords (argon2), bearer tokens (random, stored hashed, expiring) and login slow-down."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

USER_TOKEN_HOURS = 12
DEVICE_TOKEN_HOURS = 24

_hasher = PasswordHasher()
#: A hash to verify against when the user does not exist, so timing says nothing.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def new_id() -> str:
    return secrets.token_hex(8)


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0


@dataclass
class LoginThrottle:
    """Failed logins per account and per address; after a few, answers wait.

    After ``free`` failures, each further try must wait 2^(n-free) seconds (at
    most ``max_wait``) after the last failure, or it is refused with 429 and
    Retry-After. Failures are forgotten after ``window`` seconds; a success
    clears the account's count.
    """

    free: int = 5
    max_wait: float = 60.0
    window: float = 900.0
    by_key: dict[str, _Failures] = field(default_factory=dict)

    def _entry(self, key: str, now: float) -> _Failures:
        entry = self.by_key.get(key)
        if entry is None or now - entry.last > self.window:
            entry = _Failures()
            self.by_key[key] = entry
        return entry

    def retry_after(self, keys: list[str]) -> float:
        now = time.monotonic()
        wait = 0.0
        for key in keys:
            entry = self._entry(key, now)
            if entry.count >= self.free:
                needed = min(2.0 ** (entry.count - self.free), self.max_wait)
                wait = max(wait, entry.last + needed - now)
        return wait

    def failed(self, keys: list[str]) -> None:
        now = time.monotonic()
        for key in keys:
            entry = self._entry(key, now)
            entry.count += 1
            entry.last = now
        if len(self.by_key) > 100_000:  # an address sweep must not grow memory for ever
            self.by_key.clear()

    def succeeded(self, account_key: str) -> None:
        self.by_key.pop(account_key, None)
