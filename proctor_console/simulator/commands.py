"""Subcommands of the simulator part (registered by proctor_console.cli). Light imports only."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, *parents: argparse.ArgumentParser) -> None:
    """Add this part's subcommands to the top-level parser."""
