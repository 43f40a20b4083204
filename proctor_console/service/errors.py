"""The error shape of api.md, and the handlers that make every failure take it."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("proctor_console.service")


class ApiError(Exception):
    """An answer other than success: status, snake_case code, a sentence to act on."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.extra}}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, **extra}}, status_code=status, headers=headers
    )


def not_found(what: str, code: str | None = None) -> ApiError:
    return ApiError(404, code or f"{what.replace(' ', '_')}_not_found", f"No such {what}.")


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def describe_validation(errors: list[dict[str, Any]]) -> tuple[str, list[dict[str, str]]]:
    fields: list[dict[str, str]] = []
    for err in errors:
        kind = str(err.get("type", ""))
        name = _field_name(err.get("loc", ()))
        if kind == "json_invalid":
            return "The body is not valid JSON (or not UTF-8).", [{"field": "body", "problem": "invalid JSON"}]
        if kind == "missing":
            problem = "is missing"
        elif kind == "extra_forbidden":
            problem = "is not a known field"
        else:
            problem = str(err.get("msg", "is invalid")).lower()
        fields.append({"field": name, "problem": problem})
    text = "; ".join(f"{f['field']} {f['problem']}" for f in fields[:8])
    return f"Check these fields: {text}.", fields


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        message, fields = describe_validation(list(exc.errors()))
        status = 400 if fields and fields[0]["problem"] == "invalid JSON" else 422
        code = "bad_json" if status == 400 else "validation_error"
        return error_response(status, code, message, fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        detail = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 404 and detail == "Not Found":
            detail = "There is no such path in this API (see /openapi.json)."
        elif exc.status_code == 405:
            detail = "This path does not take that method (see /openapi.json)."
        return error_response(exc.status_code, code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    async def _db_down(request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database error on %s %s: %s", request.method, request.url.path, type(exc.orig).__name__)
        return error_response(503, "service_unavailable", "The database is not available; try again shortly.", headers={"Retry-After": "2"})

    @app.exception_handler(DBAPIError)
    async def _db_error(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            return await _db_down(request, exc)  # type: ignore[arg-type]
        log.exception("database failure on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "The service failed to handle this request; it has been logged.")



def unexpected_error(method: str, path: str, exc: BaseException) -> tuple[int, bytes]:
    """An exception no handler took: logged here, answered without its text."""
    if isinstance(exc, (OSError, ConnectionError, TimeoutError)):
        log.error("database unreachable on %s %s: %s", method, path, type(exc).__name__)
        status, code, message = 503, "service_unavailable", "The database is not available; try again shortly."
    else:
        log.error("unexpected failure on %s %s", method, path, exc_info=exc)
        status, code, message = 500, "internal_error", "The service failed to handle this request; it has been logged."
    return status, json.dumps({"error": {"code": code, "message": message}}).encode()
