"""The domain errors every service raises, and the one helper that puts them on a form.

- `DomainError(message, field=, code=, conflict=)`: a refused state change. Pages show it as a
  message or a field error (`add_to_form`), the API as 400 (409 when `conflict`), both through
  `accounts.api.exceptions.exception_handler`.
- `FieldErrors({field: [message, ...]}, codes={field: code})`: input that cannot be saved, with
  messages and a code per field (`codes` defaults to the one `code`).
- `Forbidden`: the permission layer refused (`access.authorize`). Pages answer 404 when the
  target is outside the actor's scope (`hidden`) and 403 otherwise; the API the same. It is
  not a `DomainError`, so code that shows domain errors as messages never swallows it.

Codes are stable identifiers (`"required"`, `"meeting_closed"`, `"forbidden"`); tests assert
codes, never the Dutch text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.forms import BaseForm


class DomainError(Exception):
    """A refused state change, with a user-facing (Dutch, translatable) message.

    `field` names the form/API field the message belongs to, if any; `code` is a stable
    machine-readable identifier; `conflict` marks errors caused by the current state or a
    concurrent change (HTTP 409 rather than 400).
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str = "invalid",
        conflict: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.conflict = conflict

    @property
    def errors(self) -> dict[str | None, list[str]]:
        """Messages per field (`None`: not about one field)."""
        return {self.field: [self.message]}

    @property
    def codes(self) -> dict[str | None, str]:
        """The code per field (`None`: not about one field); the same fields as `errors`."""
        return {self.field: self.code}


class FieldErrors(DomainError):
    """Input that cannot be saved, with one or more messages per field and a code per field
    (`codes`; a field it does not name has `code`), so a test or an API client can tell
    "in the past" from "unknown code" on the same field without reading the Dutch."""

    def __init__(
        self,
        errors: Mapping[str, list[str]],
        *,
        code: str = "invalid",
        codes: Mapping[str, str] | None = None,
    ) -> None:
        if not errors:
            raise ValueError("FieldErrors needs at least one message")
        first_field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=first_field, code=code)
        self.field_errors = {k: list(v) for k, v in errors.items()}
        self.field_codes = {k: (codes or {}).get(k, code) for k in self.field_errors}

    @property
    def errors(self) -> dict[str | None, list[str]]:
        errors: dict[str | None, list[str]] = {}
        errors.update(self.field_errors)
        return errors

    @property
    def codes(self) -> dict[str | None, str]:
        codes: dict[str | None, str] = {}
        codes.update(self.field_codes)
        return codes


class Forbidden(Exception):
    """The permission layer refused the actor (`access.authorize`).

    `hidden`: the target is outside the actor's scope, so the answer is "not found" (404),
    which leaves no trace of what it was; otherwise 403. Deliberately not a `DomainError`:
    a view's `except DomainError` (a message on the page) must never swallow a refusal.
    `ProtectedView` turns it into 404/403, the API's exception handler likewise.
    """

    def __init__(self, message: str = "", *, rule: str = "", hidden: bool = False) -> None:
        if not message:
            from django.utils.translation import gettext as _

            message = (
                _("Niet gevonden.")
                if hidden
                else _("U heeft geen toestemming voor deze handeling.")
            )
        super().__init__(message)
        self.message = message
        self.code = "not_found" if hidden else "forbidden"
        self.rule = rule
        self.hidden = hidden


def add_to_form(form: BaseForm, error: DomainError) -> None:
    """Put a domain error's messages next to the form's fields (unknown fields: above the
    form), each with its code (`form.has_error(field, code)`)."""
    from django.core.exceptions import ValidationError

    codes = error.codes
    for field, messages in error.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, ValidationError(message, code=codes.get(field, error.code)))
