"""Reading the service's JSON into typed records, tolerant where it can be."""

from __future__ import annotations

import pytest

from proctor_console.client.connect import normalize_server_url
from proctor_console.client.records import (
    BatchUnlockItem,
    Escalation,
    LoginResult,
    RecordError,
    UnlockResult,
    User,
)
from proctor_console.domain.states import Role


def test_login_result_hides_the_token_from_repr() -> None:
    result = LoginResult.from_json(
        {
            "access_token": "very-secret",
            "expires_at": "2026-11-30T12:00:00Z",
            "user": {
                "id": 1,
                "username": "wang",
                "display_name": "王老师",
                "role": "proctor",
                "hall_ids": ["h1"],
            },
        }
    )
    assert result.token == "very-secret"
    assert "very-secret" not in repr(result)
    assert result.user == User("1", "wang", "王老师", Role.PROCTOR, ["h1"])
    assert result.expires_at is not None and result.expires_at.year == 2026


def test_unknown_role_is_kept_as_text_and_missing_id_is_an_error() -> None:
    assert User.from_json({"id": "u", "username": "x", "role": "janitor"}).role == "janitor"
    with pytest.raises(RecordError):
        User.from_json({"username": "x"})
    with pytest.raises(RecordError):
        LoginResult.from_json({"user": {"id": "u"}})


def test_unlock_results() -> None:
    push = UnlockResult.from_json({"status": "queued", "command_id": "c1"})
    assert (push.status, push.command_id, push.code) == ("queued", "c1", None)
    code = UnlockResult.from_json({"code": "123456", "expires_at": "2026-11-30T12:05:00Z"})
    assert code.status == "issued" and code.code == "123456"
    assert "123456" not in repr(code)
    refused = BatchUnlockItem.from_json(
        {"attempt_id": "a2", "error": {"code": "not_locked", "message": "Not locked."}}
    )
    assert (
        not refused.ok and refused.error_code == "not_locked" and refused.message == "Not locked."
    )
    done = BatchUnlockItem.from_json({"attempt_id": "a1", "status": "queued", "command_id": "c"})
    assert done.ok and done.result is not None and done.result.command_id == "c"


def test_escalation_with_comments() -> None:
    esc = Escalation.from_json(
        {
            "id": "e1",
            "attempt_id": "a1",
            "category": "stuck_submission",
            "status": "claimed",
            "comments": [{"by": "li", "at": "2026-11-30T12:00:00Z", "text": "on it"}, "junk"],
        }
    )
    assert esc.category == "stuck_submission" and [c.text for c in esc.comments] == ["on it"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
        ("https://exam.example.org/api/v1/", "https://exam.example.org"),
        (" https://exam.example.org/proctor ", "https://exam.example.org/proctor"),
    ],
)
def test_server_addresses_are_normalised(given: str, expected: str) -> None:
    assert normalize_server_url(given) == expected


@pytest.mark.parametrize("bad", ["", "ftp://x", "http://", "http://wang:secret@exam.test"])
def test_bad_server_addresses_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        normalize_server_url(bad)
