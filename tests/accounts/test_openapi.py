"""The OpenAPI schema documents each action's own request body, its 409, and nullable
fields as nullable (issue 13, hole 10); schemathesis checks the live app against it in CI."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

ACTIONS = {
    "/api/v1/proposals/{id}/decide/": "DecisionInputRequest",
    "/api/v1/proposals/{id}/respond/": "DecisionInputRequest",
    "/api/v1/proposals/{id}/reject-override/": "ReasonInputRequest",
    "/api/v1/evaluations/{id}/record/": "EvaluationInputRequest",
    "/api/v1/agreements/{id}/sign/": "SignInputRequest",
    "/api/v1/agreements/{id}/flip/": "StepInputRequest",
    "/api/v1/agreements/{id}/end/": "StepInputRequest",
    "/api/v1/placements/": "PlacementCreateInputRequest",
}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(("path", "body"), sorted(ACTIONS.items()))
def test_each_action_documents_its_own_request_body_and_its_409(schema, path, body):
    operation = schema["paths"][path]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/" + body)
    assert "409" in operation["responses"]


def test_a_nullable_date_is_documented_as_nullable(schema):
    field = schema["components"]["schemas"]["Agreement"]["properties"]["next_evaluation"]
    assert field.get("nullable") is True
