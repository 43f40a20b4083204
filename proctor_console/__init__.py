"""Proctor Console (监考控制台): the proctor's console, its exam service and a simulated hall."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("proctor-console")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

#: The version of the HTTP API this package speaks and serves.
API_VERSION = "1"
