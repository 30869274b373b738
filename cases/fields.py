"""Model fields whose values are encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256).

Why a small field class of our own rather than a package: the maintained Django packages we
looked at either derive their keys from `SECRET_KEY` (so rotating the signing key after a
leak would make every care record unreadable) or return the ciphertext silently when no key
fits. Here the keys come from `FIELD_ENCRYPTION_KEYS` only, and a value that no key opens
raises instead of leaking a token into a page. The cryptography itself is `cryptography`'s
`MultiFernet`; this module only moves values in and out of it.

Rotation: put a new key FIRST in `FIELD_ENCRYPTION_KEYS` (new values are encrypted with the
first key, every listed key can decrypt), deploy, run `manage.py reencrypt_care_data`, then
drop the old key. Encrypted fields cannot be filtered or sorted in the database.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models


class UnreadableCiphertext(Exception):
    """A stored value that none of the configured keys can decrypt (wrong or missing key)."""


@lru_cache(maxsize=1)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: care-only data cannot be stored."
        )
    try:
        return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "Every FIELD_ENCRYPTION_KEYS entry must be a Fernet key "
            "(32 url-safe base64-encoded bytes; `Fernet.generate_key()`)."
        ) from error


def fernet() -> MultiFernet:
    """The MultiFernet built from the configured keys (first key encrypts, all decrypt)."""
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def _forget_keys(*, setting: str, **kwargs: Any) -> None:
    if setting == "FIELD_ENCRYPTION_KEYS":
        _fernet_for.cache_clear()


setting_changed.connect(_forget_keys)


def encrypt_text(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise UnreadableCiphertext(
            "An encrypted value could not be decrypted with any FIELD_ENCRYPTION_KEYS entry."
        ) from error


def rotate_token(token: str) -> str:
    """Re-encrypt one stored token with the first key (MultiFernet.rotate)."""
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise UnreadableCiphertext("A stored value could not be rotated: no key fits.") from error


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. Python sees the plain text; the database never does."""

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return decrypt_text(value)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt_text(str(value))


class EncryptedCharField(EncryptedTextField):
    """A short encrypted text; `max_length` limits the plain text (forms, validation)."""

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        defaults: dict[str, Any] = {
            "max_length": self.max_length,
            "form_class": forms.CharField,
            "widget": forms.TextInput,
        }
        defaults.update(kwargs)
        return super().formfield(**defaults)


class EncryptedDateField(models.TextField):
    """A date stored as an encrypted ISO string (date of birth)."""

    description = "Encrypted date"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> datetime.date | None:
        if value is None:
            return None
        return datetime.date.fromisoformat(decrypt_text(value))

    def to_python(self, value: Any) -> datetime.date | None:
        if value is None or isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(str(value))

    def get_prep_value(self, value: Any) -> str | None:
        value = self.to_python(value)
        if value is None:
            return None
        return encrypt_text(value.isoformat())

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        defaults: dict[str, Any] = {"form_class": forms.DateField}
        defaults.update(kwargs)
        return super().formfield(**defaults)
