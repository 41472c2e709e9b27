"""Errors that carry a message a person understands (Chinese) and, where known, the field."""

from __future__ import annotations


class DomainError(Exception):
    """A refused request: nothing was changed. Rendered as a 4xx."""

    status_code = 400

    def __init__(
        self, message: str, field: str | None = None, errors: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # Every refused field and its message, shown beside each field at once (the
        # first one is `field`); one field's refusal by default.
        self.errors = errors if errors is not None else ({field: message} if field else {})


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class NotAuthenticated(DomainError):
    status_code = 401


class Conflict(DomainError):
    status_code = 409


class TooManyRequests(DomainError):
    status_code = 429


class InvalidInput(DomainError):
    """A field failed validation."""

    status_code = 422
