"""Fuzzing the exam service with schemathesis, from its own /openapi.json, in-process (ASGI).

Every operation, each generated case sent without a token, with a device token and
as each role (proctor, support, lead, admin), once with the generated IDs and once
with real IDs of a seeded exam (so the handlers behind the auth checks run too).
Whatever comes back: no 5xx, no traceback text, a JSON error shape for every 4xx,
X-Server-Time on every answer, and the response conforms to the OpenAPI document.

Bounded: PROCTOR_FUZZ_EXAMPLES examples per operation (default 3). A deeper run:

    PROCTOR_FUZZ_EXAMPLES=200 .venv/bin/pytest tests/hardening/test_api_fuzz.py --timeout=0
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _import_schemathesis() -> Any:
    """Import schemathesis with the real `packaging` library.

    tests/packaging is a test package named `packaging` on pytest's sys.path; schemathesis
    needs the library of that name. Import it with the library in place, then put back
    what was there, so the test package still collects in the same run.
    """
    import importlib
    import sys

    tests_dir = str(Path(__file__).resolve().parents[1])
    saved_modules = {
        k: v for k, v in sys.modules.items() if k == "packaging" or k.startswith("packaging.")
    }
    saved_path = list(sys.path)
    for k in saved_modules:
        del sys.modules[k]
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(tests_dir)]
    try:
        module = pytest.importorskip("schemathesis")
        for name in (
            "schemathesis.openapi",
            "schemathesis.specs.openapi.schemas",
            "schemathesis.specs.openapi.checks",
            "schemathesis.specs.openapi.operations",
            "schemathesis.specs.openapi.adapter.validators",
            "schemathesis.pytest",
        ):
            importlib.import_module(name)
        return module
    finally:
        sys.path[:] = saved_path
        for k in [k for k in sys.modules if k == "packaging" or k.startswith("packaging.")]:
            del sys.modules[k]
        sys.modules.update(saved_modules)


schemathesis = _import_schemathesis()

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)
from servicekit import ADMIN_PASSWORD, ADMIN_USER, asgi_service, create_asgi_app, sqlite_url  # noqa: E402

from proctor_console.simulator.hall_setup import create_exam  # noqa: E402

from .conftest import API, Phone  # noqa: E402

EXAMPLES = int(os.environ.get("PROCTOR_FUZZ_EXAMPLES", "3"))
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+")
CHECKS = [
    not_a_server_error,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


class Seeded:
    """A seeded exam on a SQLite file: real IDs and a token for each kind of caller."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.logins: dict[str, tuple[str, str]] = {}


async def _seed(folder: Path) -> Seeded:
    seeded = Seeded()
    async with asgi_service(folder, run_background=False) as svc:
        exam = await create_exam(
            svc.client, svc.base_url, svc.admin_user, svc.admin_password, hall_rows=3, hall_cols=3
        )
        phone = await Phone(svc, exam.exam_code, exam.candidates[0].candidate_no).to_state("locked")
        support = await svc.login(exam.support.username, exam.support.password)
        r = await svc.client.post(
            f"{API}/escalations",
            json={"attempt_id": phone.attempt_id, "category": "other", "note": "n"},
            headers=support,
        )
        assert r.status_code == 201, r.text
        seeded.ids = {
            "sid": exam.session_id,
            "session_id": exam.session_id,
            "aid": phone.attempt_id,
            "attempt_id": phone.attempt_id,
            "eid": r.json()["id"],
            "hall_id": exam.hall_id,
        }
        seeded.logins = {
            "proctor": (exam.proctor.username, exam.proctor.password),
            "support": (exam.support.username, exam.support.password),
            "lead": (exam.lead.username, exam.lead.password),
            "admin": (svc.admin_user, svc.admin_password),
        }
        seeded.headers = {"no token": {}, "device": phone.headers}
        for role, (user, pw) in seeded.logins.items():
            seeded.headers[role] = await svc.login(user, pw)
    await svc.app.state.service.store.dispose()
    return seeded


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Seeded]]:
    folder = tmp_path_factory.mktemp("fuzz")
    seeded = asyncio.run(_seed(folder))
    old = {k: os.environ.get(k) for k in ("PROCTOR_ADMIN_USER", "PROCTOR_ADMIN_PASSWORD")}
    os.environ.update({"PROCTOR_ADMIN_USER": ADMIN_USER, "PROCTOR_ADMIN_PASSWORD": ADMIN_PASSWORD})
    try:
        yield create_asgi_app(sqlite_url(folder), run_background=False), seeded
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)


@pytest.fixture(scope="module")
def api_schema(seeded_app: tuple[Any, Seeded]) -> Any:
    app, _ = seeded_app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.generation.update(max_examples=EXAMPLES, database="none")
    # The event stream never ends: its auth and hall rules are in test_who_may_do_what, its replay in the stream tests.
    return schema.exclude(path_regex=r"/events$")


def _check_answer(response: Any, caller: str, what: str) -> None:
    where = f"{what} as {caller}: {response.status_code}"
    assert response.status_code < 500, f"{where} {response.text[:500]}"
    assert not TRACEBACK.search(response.text), f"{where}: traceback text in the answer"
    assert "x-server-time" in {k.lower() for k in response.headers}, f"{where}: no X-Server-Time"
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body, dict) and set(body) == {"error"}, (
            f"{where}: not the error shape: {response.text[:300]}"
        )
        assert body["error"]["code"] and body["error"]["message"], f"{where}: {response.text[:300]}"


def _run_case(case: Any, seeded: Seeded) -> None:
    what = f"{case.method} {case.path}"
    real_ids = {k: seeded.ids.get(k, v) for k, v in (case.path_parameters or {}).items()}
    generated_ids = dict(case.path_parameters or {})
    for caller, headers in seeded.headers.items():
        if case.path.endswith("/auth/logout") and caller in seeded.logins:
            continue  # it would revoke the token the other cases use
        for ids in [generated_ids, real_ids] if generated_ids else [None]:
            if ids is not None:
                case.path_parameters = dict(ids)
            response = case.call(headers=headers)
            _check_answer(response, caller, what)
            case.validate_response(response, checks=CHECKS)


def test_no_operation_breaks_for_any_caller(
    api_schema: Any, seeded_app: tuple[Any, Seeded]
) -> None:
    """Each operation of the document, positive and negative cases (pytest 9 cannot run
    schemathesis' own parametrize from a fixture, so the operations are walked here)."""
    from hypothesis import given, strategies

    _, seeded = seeded_app
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 35, "every operation of the document is fuzzed"
    failures: list[str] = []
    for operation in operations:
        cases = strategies.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @given(cases)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=False,
        )
        def fuzz(case: Any) -> None:
            _run_case(case, seeded)

        try:
            fuzz()
        except (
            Exception,
            BaseExceptionGroup,
        ) as exc:  # collect every operation's failure, not only the first
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
