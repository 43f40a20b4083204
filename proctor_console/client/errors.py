"""What can go wrong between the console and the exam service, as exceptions.

Every message is a sentence a person can act on. No message ever carries the
token, the password or an unlock code: they are built only from the server's
own error message, the status, the address and the kind of failure.
"""

from __future__ import annotations


class ConsoleError(Exception):
    """Base of every error the client raises; ``str(exc)`` is the message to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ServerUnreachable(ConsoleError):
    """No answer at all: refused, timed out, name unknown, connection dropped."""


class TlsError(ConsoleError):
    """The server's TLS certificate was rejected (or the CA bundle cannot be used)."""


class NotThisApi(ConsoleError):
    """Something answers at that address, but it is not a Proctor Console exam service (API v1)."""


class ApiError(ConsoleError):
    """The service answered with its error shape ``{"error": {"code", "message"}}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, message={self.message!r})"


class InvalidRequest(ApiError):
    """400 or 422: the service refused what we sent (its message names the field)."""


class Unauthorized(ApiError):
    """401: wrong user name or password, or the sign-in has expired."""


class Forbidden(ApiError):
    """403: this user's role or halls do not allow it (or a wrong unlock code)."""


class NotFound(ApiError):
    """404 with the service's error shape: the session, attempt or escalation does not exist."""


class Conflict(ApiError):
    """409: the candidate is no longer in a state that allows it (e.g. not locked)."""


class CursorExpired(ApiError):
    """410 on the event stream: the cursor is too old to replay; take a new snapshot."""


class TooManyRequests(ApiError):
    """429: slowed down (e.g. repeated failed sign-ins)."""


class Unavailable(ApiError):
    """503 (or a gateway error): the service is there but cannot serve now."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: InvalidRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    410: CursorExpired,
    422: InvalidRequest,
    429: TooManyRequests,
    502: Unavailable,
    503: Unavailable,
    504: Unavailable,
}


def api_error(status: int, code: str, message: str) -> ApiError:
    """The exception for a status and the service's error body."""
    return _BY_STATUS.get(status, ApiError)(status, code, message)
