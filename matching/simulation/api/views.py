"""Scenario API (read-only): the same permission layer and selectors as the pages."""

from __future__ import annotations

from typing import Any

from rest_framework import viewsets

from accounts.access.drf import ProtectedViewSetMixin

from .. import selectors
from ..models import Scenario
from ..permissions import PURPOSE
from . import serializers


class ScenarioViewSet(ProtectedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    access_model = Scenario
    access_purpose = PURPOSE
    serializer_class = serializers.ScenarioSerializer

    def get_base_queryset(self) -> Any:
        qs = selectors.scenario_queryset().order_by("-created_at", "-id")
        board = self.request.query_params.get("board")
        return qs.filter(board_id=board) if board and board.isdigit() else qs

    def get_serializer_context(self) -> dict[str, Any]:
        # The weekly series only on a single scenario: a list stays small.
        return {**super().get_serializer_context(), "with_weeks": self.action == "retrieve"}
