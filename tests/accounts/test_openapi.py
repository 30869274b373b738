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


def test_every_choice_the_api_may_answer_empty_is_documented_as_such():
    """A model choice field that may be blank, read through a model serializer, must allow the
    blank answer, or the schema promises an enum the response breaks (schemathesis found a
    running consent's empty `end_reason`)."""
    import importlib
    import inspect
    import pkgutil

    from rest_framework import serializers

    missing = []
    for package_name in ("accounts", "cases", "housing", "matching"):
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if not info.name.endswith("serializers"):
                continue
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if not issubclass(cls, serializers.ModelSerializer) or cls.__module__ != info.name:
                    continue
                model = cls.Meta.model
                names = {f.name for f in model._meta.fields}
                for name, field in cls().fields.items():
                    source = name if field.source == "*" else field.source
                    if not isinstance(field, serializers.ChoiceField) or source not in names:
                        continue
                    model_field = model._meta.get_field(source)
                    if model_field.blank and model_field.choices and not field.allow_blank:
                        missing.append(f"{cls.__qualname__}.{name}")
    assert missing == []
