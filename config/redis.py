"""How the app talks to Redis as a cache: degrade, never fail a request."""

from __future__ import annotations


def cache_settings(url: str) -> dict[str, object]:
    """The `CACHES["default"]` entry for Redis at `url`.

    django-redis rather than Django's own Redis backend for one reason: with IGNORE_EXCEPTIONS a
    Redis that is down or unreachable makes the cache miss (and DRF's throttle let requests
    through) instead of answering 500. The short timeouts bound what an unreachable host costs a
    request; /healthz says the cache is down.
    """
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }
