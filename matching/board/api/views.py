"""Board API: the same permission layer and services as the pages; services' domain errors
propagate to the project's exception handler (accounts.api.exceptions)."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access.drf import ProtectedViewSetMixin, actor
from accounts.api.schema import action_schema

from .. import selectors, services
from ..models import Board, Meeting, Proposal
from . import serializers


class BoardViewSet(ProtectedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    access_model = Board
    access_purpose = "plaatsingstafel"
    serializer_class = serializers.BoardSerializer

    def get_base_queryset(self) -> Any:
        return Board.objects.select_related("region").order_by("name")


class MeetingViewSet(ProtectedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    access_model = Meeting
    access_actions = {"generate": "generate"}
    access_purpose = "plaatsingstafel"
    serializer_class = serializers.MeetingSerializer

    def get_base_queryset(self) -> Any:
        qs = Meeting.objects.select_related("board").order_by("-date")
        board = self.request.query_params.get("board")
        return qs.filter(board_id=board) if board and board.isdigit() else qs

    @action_schema(request=None, response=serializers.GenerateResultSerializer)
    @action(detail=True, methods=["post"])
    def generate(self, request: Request, pk: str | None = None) -> Response:
        meeting = self.get_object()
        run, _created = services.generation_request(
            meeting=meeting, actor=actor(request), request=request
        )
        run.refresh_from_db()  # without a broker it already ran (in-process)
        body = {"run": run.pk, "status": run.status, "duration_ms": run.duration_ms, **run.stats}
        if run.error:
            body["error"] = run.error
        # 202: queued or running in the background; poll the meeting for its proposals.
        return Response(body, status=202 if run.is_active else 200)


class ProposalViewSet(
    ProtectedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    access_model = Proposal
    access_actions = {
        "decide": "decide",
        "respond": "respond",
        "confirm": "confirm",
        "reject_override": "confirm",
    }
    access_purpose = "plaatsingstafel"

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return serializers.ProposalDetailSerializer
        return serializers.ProposalSerializer

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        # Every proposal this API serializes (list, detail, every action's answer) passes the
        # one reader rule: the consent check at read time and the names rule. The list's read
        # is logged here (a detail's by the layer that fetched it).
        if args and isinstance(args[0], (list, Proposal)):
            items = args[0] if isinstance(args[0], list) else [args[0]]
            listed = self.action == "list"
            self._names = selectors.for_reader(
                user=actor(self.request),
                proposals=items,
                request=self.request if listed else None,
                purpose=self.access_purpose if listed else "",
            )
        return super().get_serializer(*args, **kwargs)

    def get_base_queryset(self) -> Any:
        qs = selectors.proposal_detail_queryset().order_by("meeting", "pk")
        meeting = self.request.query_params.get("meeting")
        return qs.filter(meeting_id=meeting) if meeting and meeting.isdigit() else qs

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["names"] = getattr(self, "_names", {})
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page if page is not None else self.get_queryset())
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def _decision(self, request: Request, service: Any) -> Response:
        proposal = self.get_object()
        data = serializers.DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = service(
            actor=actor(request), proposal=proposal, request=request, **data.validated_data
        )
        return Response(self.get_serializer(proposal).data)

    @action_schema(
        request=serializers.DecisionInputSerializer, response=serializers.ProposalSerializer
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """The corporation approves or declines (decision: approved|declined, reason, text)."""
        return self._decision(request, services.proposal_decide)

    @action_schema(
        request=serializers.DecisionInputSerializer, response=serializers.ProposalSerializer
    )
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str | None = None) -> Response:
        """The client's answer (decision: accepted|refused, reason, text)."""
        return self._decision(request, services.proposal_respond)

    @action_schema(
        request=serializers.ReasonInputSerializer, response=serializers.ProposalSerializer
    )
    @action(detail=True, methods=["post"], url_path="reject-override")
    def reject_override(self, request: Request, pk: str | None = None) -> Response:
        """A second municipality user refuses an override (four eyes; reason required)."""
        proposal = self.get_object()
        proposal = services.proposal_override_reject(
            actor=actor(request),
            proposal=proposal,
            reason=str(request.data.get("reason", "") if isinstance(request.data, dict) else ""),
            request=request,
        )
        return Response(self.get_serializer(proposal).data)

    @action_schema(request=None, response=serializers.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """A second municipality user confirms an override (four eyes)."""
        proposal = self.get_object()
        proposal = services.proposal_override_confirm(
            actor=actor(request), proposal=proposal, request=request
        )
        return Response(self.get_serializer(proposal).data)
