"""Bounded requests: a body larger than the site accepts, or JSON nested deeper than any of
our endpoints reads, is answered with a clear 400 before a view or parser sees it.

Python's `json` recurses per nesting level: 50,000 `[` exhaust the stack (a 500), so the
depth is counted first, in one pass over the bytes, outside string literals.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether the JSON text nests arrays/objects deeper than `limit` (strings skipped)."""
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _bad_request(request: HttpRequest, message: str, code: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": "client_error",
                "errors": [{"code": code, "detail": message, "attr": None}],
            },
            status=400,
        )
    # Rendered without the request: this runs before sessions and authentication.
    html = render_to_string("400.html", {"message": message})
    return HttpResponse(html, status=400)


class RequestLimitsMiddleware:
    """Refuses oversized bodies (by Content-Length, and while reading) and deep JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        content_type = request.META.get("CONTENT_TYPE", "")
        upload = content_type.startswith("multipart/form-data")
        limit = settings.REQUEST_UPLOAD_MAX_BYTES if upload else settings.REQUEST_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _bad_request(request, _("Ongeldige lengte van het verzoek."), "bad_length")
        if length > limit:
            return _bad_request(
                request,
                _("Het verzoek is te groot (hoogstens %(mb)s MB).")
                % {"mb": round(limit / 1_048_576, 1)},
                "request_too_large",
            )
        if (
            "json" in content_type
            and length
            and json_depth_exceeds(request.body, settings.JSON_MAX_DEPTH)
        ):
            return _bad_request(
                request,
                _("De JSON is te diep genest (hoogstens %(n)s niveaus).")
                % {"n": settings.JSON_MAX_DEPTH},
                "json_too_deep",
            )
        return self.get_response(request)
