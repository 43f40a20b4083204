"""Device minimums from the guide's "注意事项" and the check made at join."""

from __future__ import annotations

from dataclasses import dataclass

from .states import Platform

MIN_APP_VERSION = "3.4.2"
MIN_OS_VERSION = {Platform.IOS: "9", Platform.ANDROID: "5.6"}
MIN_SCREEN = (1280, 720)


def parse_version(text: str) -> tuple[int, ...]:
    """'3.4.2' -> (3, 4, 2). Non-numeric tails ('3.4.2-beta') are ignored.

    Raises ValueError when no leading number can be read.
    """
    parts: list[int] = []
    for piece in str(text).strip().split("."):
        digits = ""
        for ch in piece:
            if ch.isdigit():
                digits += ch
            else:
                break
        if not digits:
            break
        parts.append(int(digits))
    if not parts:
        raise ValueError(f"not a version number: {text!r}")
    return tuple(parts)


def version_at_least(version: str, minimum: str) -> bool:
    try:
        have = parse_version(version)
    except ValueError:
        return False
    need = parse_version(minimum)
    width = max(len(have), len(need))
    return have + (0,) * (width - len(have)) >= need + (0,) * (width - len(need))


def parse_screen(text: str) -> tuple[int, int] | None:
    """'1280x720' -> (1280, 720), larger side first; None when unreadable."""
    try:
        a, b = (int(p) for p in str(text).lower().replace("*", "x").split("x"))
    except ValueError:
        return None
    if a <= 0 or b <= 0:
        return None
    return (max(a, b), min(a, b))


@dataclass(frozen=True)
class DeviceProblem:
    field: str
    message: str


def device_problems(
    platform: str | None, os_version: str | None, app_version: str | None, screen: str | None
) -> list[DeviceProblem]:
    """Everything below the guide's minimums, each with what to do about it."""
    problems: list[DeviceProblem] = []
    if app_version is not None and not version_at_least(app_version, MIN_APP_VERSION):
        problems.append(
            DeviceProblem("app_version", f"Update the exam app to {MIN_APP_VERSION} or later.")
        )
    try:
        plat = Platform(platform) if platform else None
    except ValueError:
        plat = None
    if plat is not None and os_version is not None:
        minimum = MIN_OS_VERSION[plat]
        if not version_at_least(os_version, minimum):
            name = "iOS" if plat is Platform.IOS else "Android"
            problems.append(DeviceProblem("os_version", f"{name} {minimum} or later is required."))
    if screen is not None:
        size = parse_screen(screen)
        if size is None or size[0] < MIN_SCREEN[0] or size[1] < MIN_SCREEN[1]:
            problems.append(DeviceProblem("screen", "A screen of at least 1280x720 is required."))
    return problems
