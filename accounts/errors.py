"""The domain error every service raises; views turn it into a message, the API into 400/409."""

from __future__ import annotations


class DomainError(Exception):
    """A refused state change, with a user-facing (Dutch, translatable) message.

    `field` names the form/API field the message belongs to, if any; `code` is a stable
    machine-readable identifier; `conflict` marks errors caused by a concurrent change
    (HTTP 409 rather than 400).
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
