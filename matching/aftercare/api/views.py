"""Signals API: the same layer, selectors and services as the pages (400 field messages,
409 for a step the state no longer allows, 403 a refused rule, 404 outside the scope)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import access
from accounts.access.drf import ProtectedViewSetMixin, actor
from matching.placements.models import Agreement

from .. import selectors, services
from ..models import Signal
from . import serializers


class SignalViewSet(
    ProtectedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Signal],
):
    access_model = Signal
    access_actions = {
        "list": "list",
        "create": "create",
        "acknowledge": "acknowledge",
        "answer": "answer",
        "plan": "plan",
        "close": "close",
        "escalate": "escalate",
    }
    access_purpose = "nazorg"
    serializer_class = serializers.SignalSerializer

    def get_base_queryset(self) -> Any:
        return (
            Signal.objects.select_related("placement", "agreement")
            .prefetch_related("actions")
            .order_by("-raised_at", "-pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = selectors.signal_list(
            user=actor(request),
            state=request.query_params.get("state", ""),
            category=request.query_params.get("category", ""),
        ).prefetch_related("actions")
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        access.audit(
            "aftercare.signal.listed",
            actor=actor(request),
            target=Signal,
            object_id=f"{len(rows)} getoond",
            rule="party-or-chair",
            purpose=self.access_purpose,
            request=request,
        )
        data = serializers.SignalSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def _fresh(self, pk: int) -> Response:
        return Response(serializers.SignalSerializer(self.get_base_queryset().get(pk=pk)).data)

    @extend_schema(
        request=serializers.SignalCreateSerializer, responses={201: serializers.SignalSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.SignalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        agreement = (
            access.scope(actor(request), Agreement).filter(pk=fields.pop("agreement")).first()
        )
        if agreement is None:
            raise exceptions.ValidationError({"agreement": ["Geen lopende afspraak van u."]})
        signal = services.signal_raise(
            actor=actor(request), agreement=agreement, request=request, **fields
        )
        response = self._fresh(signal.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    def _step(self, request: Request, input_class: Any, run: Any) -> Response:
        signal = self.get_object()
        fields: dict[str, Any] = {}
        if input_class is not None:
            data = input_class(data=request.data)
            data.is_valid(raise_exception=True)
            fields = dict(data.validated_data)
        run(actor=actor(request), signal=signal, request=request, **fields)
        return self._fresh(signal.pk)

    @extend_schema(request=None, responses=serializers.SignalSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, None, services.signal_acknowledge)

    @extend_schema(request=serializers.AnswerSerializer, responses=serializers.SignalSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, serializers.AnswerSerializer, services.signal_answer)

    @extend_schema(
        request=serializers.PlanActionInputSerializer, responses=serializers.SignalSerializer
    )
    @action(detail=True, methods=["post"])
    def plan(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, serializers.PlanActionInputSerializer, services.plan_action_add)

    @extend_schema(request=serializers.CloseSerializer, responses=serializers.SignalSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, serializers.CloseSerializer, services.signal_close)

    @extend_schema(request=serializers.EscalateSerializer, responses=serializers.SignalSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, serializers.EscalateSerializer, services.signal_escalate)
