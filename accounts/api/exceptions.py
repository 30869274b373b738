"""The one DRF exception handler: domain errors become API errors, then drf-standardized-errors
formats every error the same way (`{"type", "errors": [{"code", "detail", "attr"}]}`).

- `Forbidden` -> 404 when the target is outside the caller's scope, else 403;
- `FieldErrors` -> 400 with one entry per field message, each with its field's code;
- a `DomainError` with `conflict` -> 409 (the state does not allow it now, or a concurrent
  change won), otherwise 400 on its field (`non_field_errors` when it names none).

The error's `code` is kept, so clients (and tests) can rely on it rather than on the text.
API views therefore just call services and let domain errors propagate.
"""

from __future__ import annotations

from typing import Any

from drf_standardized_errors.handler import exception_handler as standardized_handler
from rest_framework import exceptions, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response

from accounts.errors import DomainError, FieldErrors, Forbidden


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"


def api_exception(error: DomainError | Forbidden) -> exceptions.APIException:
    """The API's answer to a domain error (see the module docstring)."""
    if isinstance(error, Forbidden):
        if error.hidden:
            return exceptions.NotFound()
        return exceptions.PermissionDenied(error.message, code=error.code)
    if isinstance(error, FieldErrors):
        return exceptions.ValidationError(
            {
                field: [ErrorDetail(message, code=error.field_codes[field]) for message in messages]
                for field, messages in error.field_errors.items()
            }
        )
    if error.conflict:
        return Conflict(error.message, code=error.code)
    return exceptions.ValidationError(
        {error.field or "non_field_errors": [ErrorDetail(error.message, code=error.code)]}
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError | Forbidden):
        exc = api_exception(exc)
    return standardized_handler(exc, context)  # type: ignore[arg-type]
