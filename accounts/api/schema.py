"""OpenAPI: the token scheme (loaded from AppConfig.ready), the one way an action
documents its own request body and its 409 (`action_schema`), and times of day as they are
sent (`plain_times`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.authentication import SessionScheme as SessionScheme_
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import serializers


class SessionScheme(SessionScheme_):
    """The API's session authentication (accounts.tokens.SessionAuthentication, which only
    changes the answer to a dead token) is documented as DRF's own: the session cookie."""

    target_class = "accounts.tokens.SessionAuthentication"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <sleutel>`: a personal or integration API token "
            "(expires; personal tokens also after the session idle time unused).",
        }


class Error409Serializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse409Serializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error409Serializer(many=True)  # type: ignore[assignment]


CONFLICT = OpenApiResponse(
    ErrorResponse409Serializer,
    description="Conflict: the object's state does not allow this step (any more), "
    "usually because someone else acted first. Re-read and decide again.",
)


def action_schema(
    *, request: Any, response: Any, created: bool = False, conflict: bool = True
) -> Any:
    """An action's own request body (not the model's), its answer and its 409."""
    responses: dict[int, Any] = {201 if created else 200: response}
    if conflict:
        responses[409] = CONFLICT
    return extend_schema(request=request, responses=responses)


# What DRF's TimeField sends and accepts: "10:00", "10:00:00", "10:00:00.123456".
TIME_OF_DAY = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


def plain_times(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    """Postprocessing hook: a time of day is a string with a pattern, not format "time".

    JSON Schema's "time" is RFC 3339's full-time, which requires an offset ("10:00:00+01:00");
    a meeting's start ("10:00:00") is a local time of day, so every validator (schemathesis
    in CI) would call each correct answer a violation.
    """

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("format") == "time" and node.get("type") == "string":
                del node["format"]
                node["pattern"] = TIME_OF_DAY
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
