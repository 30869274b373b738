"""The production configuration: static files with the manifest, and a Redis that is down."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from tests.accounts.factories import member

ROOT = Path(__file__).resolve().parents[2]
SOURCE_MAP = re.compile(r"[#@]\s*sourceMappingURL=(\S+?)\s*(?:\*/)?\s*$", re.MULTILINE)


def _static_text_files() -> list[Path]:
    return [p for p in (ROOT / "static").rglob("*") if p.suffix in {".js", ".css"}]


@pytest.mark.parametrize("path", _static_text_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_source_map_a_static_file_names_is_vendored(path):
    # The manifest storage follows sourceMappingURL comments and refuses a missing target, which
    # is how the production image answered 500 on every page (chart.umd.js.map).
    for target in SOURCE_MAP.findall(path.read_text(encoding="utf-8")):
        assert (path.parent / target).is_file(), f"{path.name} names a missing {target}"


def test_collectstatic_with_the_manifest_succeeds(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        # The manifest step (hashing, following every url() and source map) is what failed;
        # whitenoise's compression on top of it is exercised by the CI production smoke step.
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/chartjs/chart.umd.js" in manifest
    assert "vendor/leaflet/leaflet.js" in manifest


# --- Redis down: the cache (and DRF's throttle on it) degrades, nothing answers 500 ----------
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # port 1: nothing listens, connection refused


@pytest.fixture
def redis_down(settings):
    from config.redis import cache_settings

    settings.CACHES = {"default": cache_settings(UNREACHABLE_REDIS)}
    settings.REDIS_URL = UNREACHABLE_REDIS
    yield


@pytest.mark.django_db
def test_an_api_request_with_redis_unreachable_answers_200(redis_down, login):
    # Every API request goes through DRF's UserRateThrottle, which keeps its history in the
    # cache: with Django's own Redis backend this was a ConnectionError and a 500.
    user = member(Role.CARE_COORDINATOR)
    response = login(user).get("/api/v1/clients/")
    assert response.status_code == 200
    assert "results" in response.json()


@pytest.mark.django_db
def test_a_page_with_redis_unreachable_answers_200(redis_down, login):
    user = member(Role.HOUSING_CONSULTANT)
    assert login(user).get(reverse("housing:dwelling-list")).status_code == 200


@pytest.mark.django_db
def test_healthz_names_the_cache_when_redis_is_down(redis_down, client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["cache"].startswith("error") and body["database"] == "ok"
