"""OpenAPI: the token scheme (loaded from AppConfig.ready) and the one way an action
documents its own request body and its 409 (`action_schema`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import serializers


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
