"""Shared fixtures: people in organisations, and browsers signed in with both factors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import OrganisationKind, Region
from tests.accounts.factories import OrganisationFactory, RegionFactory


@pytest.fixture
def region(db) -> Region:
    return RegionFactory(name="Regio Test", slug="regio-test")


@pytest.fixture
def make_org(db, region) -> Callable[..., object]:
    """make_org(kind, region=...) -> a new organisation (in the shared test region by default)."""

    def make(kind: str = OrganisationKind.CARE_PROVIDER, **fields: object):
        fields.setdefault("region", region)
        return OrganisationFactory(kind=kind, **fields)

    return make


def sign_in(client: Client, user, *, verified: bool = True) -> Client:
    """Sign `user` in on `client`; with `verified`, as if the TOTP code was entered too."""
    client.force_login(user)
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def login(db) -> Callable[..., Client]:
    """login(user, verified=True) -> a fresh test client signed in as `user`."""

    def make(user, *, verified: bool = True) -> Client:
        return sign_in(Client(), user, verified=verified)

    return make


def pytest_runtest_setup(item: pytest.Item) -> None:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if item.get_closest_marker("postgres") and "postgresql" not in engine:
        pytest.skip("needs PostgreSQL (set DATABASE_URL); CI runs it")
    if item.get_closest_marker("broker") and not settings.REDIS_URL:
        pytest.skip("needs a Redis broker (set REDIS_URL); CI runs it")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # PBKDF2's deliberate slowness only slows the suite; hashing itself is Django's, not ours.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Screens keep rendered fragments in the cache under versions built from ids; ids repeat
    # between tests (rolled back), so no test may see another test's cache.
    from django.core.cache import cache

    cache.clear()
