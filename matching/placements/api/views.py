"""Placements API: the same permission layer, selectors and services as the pages.

Services' domain errors propagate to the project's exception handler (accounts.api.exceptions):
field messages 400 (`FieldErrors` gives one per field), a step the state does not allow 409, a
rule that refuses 403, outsiders 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Min, Q
from django.http import HttpResponse
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import access
from accounts.access.drf import ProtectedViewSetMixin, actor
from accounts.api.schema import action_schema
from matching.board.models import Proposal

from .. import documents, selectors, services
from ..models import Agreement, Evaluation, Placement
from . import serializers

STEP = serializers.StepInputSerializer


def _log_search(request: Request, model: Any, count: int, purpose: str) -> None:
    access.audit(
        f"{model._meta.label_lower}.listed",
        actor=actor(request),
        target=model,
        object_id=f"{count} getoond",
        rule=f"{model._meta.label_lower}.list",
        purpose=purpose,
        request=request,
    )


class PlacementViewSet(
    ProtectedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Placement],
):
    access_model = Placement
    access_actions = {"list": "list", "create": "create", "welcome": "welcome"}
    access_purpose = "plaatsingen"

    def get_base_queryset(self) -> Any:
        qs = (
            selectors.placement_detail_queryset()
            .prefetch_related("agreements")
            .order_by("-created_at", "-pk")
        )
        state = self.request.query_params.get("status")
        return qs.filter(status=state) if state else qs

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return serializers.PlacementDetailSerializer
        return serializers.PlacementSerializer

    def _respond(self, rows: list[Placement], *, many: bool = True, **kw: Any) -> Any:
        names = selectors.visible_names(user=actor(self.request), placements=rows)
        context = {**self.get_serializer_context(), "names": names}
        serializer_class = self.get_serializer_class()
        return serializer_class(rows if many else rows[0], many=many, context=context).data

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page if page is not None else self.get_queryset())
        _log_search(request, Placement, len(rows), self.access_purpose)
        data = self._respond(rows)
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._respond([self.get_object()], many=False))

    @action_schema(
        request=serializers.PlacementCreateInputSerializer,
        response=serializers.PlacementDetailSerializer,
        created=True,
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Make a placement from an agreed proposal (proposal id, optional kind)."""
        data = serializers.PlacementCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = selectors.proposals_to_place(user=actor(request)).filter(
            pk=data.validated_data["proposal"]
        )
        found: Proposal | None = proposal.first()
        if found is None:
            raise exceptions.ValidationError(
                {"proposal": ["Geen voorstel met akkoord zonder plaatsing van uw organisatie."]}
            )
        placement = services.placement_create(
            actor=actor(request),
            proposal=found,
            kind=data.validated_data.get("kind") or "",
            request=request,
        )
        placement = selectors.placement_detail_queryset().get(pk=placement.pk)
        self.action = "retrieve"
        return Response(self._respond([placement], many=False), status=status.HTTP_201_CREATED)

    @action_schema(
        request=serializers.WelcomeTalkInputSerializer,
        response=serializers.PlacementDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def welcome(self, request: Request, pk: str | None = None) -> Response:
        """Record the welcome talk (held_on, participants, notes)."""
        placement = self.get_object()
        data = serializers.WelcomeTalkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.welcome_talk_record(
            actor=actor(request), placement=placement, request=request, **data.validated_data
        )
        placement = selectors.placement_detail_queryset().get(pk=placement.pk)
        self.action = "retrieve"
        return Response(self._respond([placement], many=False))


STEPS = (
    "issue",
    "revise",
    "cancel",
    "extend",
    "flip",
    "convert",
    "care_stop",
    "care_resume",
    "end",
)


class AgreementViewSet(
    ProtectedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Agreement],
):
    access_model = Agreement
    access_actions = {
        "list": "list",
        "partial_update": "change",
        "sign": "sign",
        "document": "document",
        **{step: step for step in STEPS},
    }
    access_purpose = "plaatsingen"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self) -> Any:
        open_evaluation = Q(evaluations__held_on__isnull=True, evaluations__cancelled=False)
        return selectors.agreement_detail_queryset().annotate(
            next_evaluation=Min("evaluations__due_on", filter=open_evaluation)
        )

    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return serializers.AgreementSerializer
        return serializers.AgreementDetailSerializer

    def _data(self, agreement: Agreement) -> Any:
        names = selectors.visible_names(user=actor(self.request), placements=[agreement.placement])
        context = {**self.get_serializer_context(), "names": names}
        return serializers.AgreementDetailSerializer(agreement, context=context).data

    def _fresh(self, pk: int) -> Agreement:
        return self.get_base_queryset().get(pk=pk)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = request.query_params
        queryset = selectors.agreement_list(
            user=actor(request),
            state=params.get("state", ""),
            kind=params.get("kind", ""),
            due=params.get("due", ""),
        )
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        _log_search(request, Agreement, len(rows), self.access_purpose)
        names = selectors.visible_names(user=actor(request), placements=[a.placement for a in rows])
        context = {**self.get_serializer_context(), "names": names}
        data = serializers.AgreementSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._data(self.get_object()))

    @action_schema(
        request=serializers.TermsInputSerializer, response=serializers.AgreementDetailSerializer
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change the terms of a draft (whitelisted fields only)."""
        agreement = self.get_object()
        data = serializers.TermsInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.agreement_update_terms(
            actor=actor(request), agreement=agreement, data=data.validated_data, request=request
        )
        return Response(self._data(self._fresh(agreement.pk)))

    def _step(self, request: Request, name: str) -> Response:
        agreement = self.get_object()
        data = serializers.StepInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.agreement_step(
            actor=actor(request),
            agreement=agreement,
            action=name,
            data=data.validated_data,
            request=request,
        )
        return Response(self._data(self._fresh(agreement.pk)))

    @action_schema(request=STEP, response=serializers.AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str | None = None) -> Response:
        """Offer the document for signing (terms complete)."""
        return self._step(request, "issue")

    @action_schema(request=STEP, response=serializers.AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str | None = None) -> Response:
        """Back to draft (reason)."""
        return self._step(request, "revise")

    @action_schema(request=STEP, response=serializers.AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """The placement lapses before anyone moved in (reason)."""
        return self._step(request, "cancel")

    @action_schema(request=STEP, response=serializers.AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str | None = None) -> Response:
        """Extend after the final evaluation (evaluation, end_date, evaluation_on, reason)."""
        return self._step(request, "extend")

    @action_schema(request=STEP, response=serializers.AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def flip(self, request: Request, pk: str | None = None) -> Response:
        """Flip to the tenant after a positive evaluation (evaluation, lease_start)."""
        return self._step(request, "flip")

    @action_schema(request=STEP, response=serializers.AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def convert(self, request: Request, pk: str | None = None) -> Response:
        """Tripartite to ordinary lease after a positive evaluation (evaluation, lease_start)."""
        return self._step(request, "convert")

    @action_schema(request=STEP, response=serializers.AgreementDetailSerializer)
    @action(detail=True, methods=["post"], url_path="care-stop")
    def care_stop(self, request: Request, pk: str | None = None) -> Response:
        """Triangle contract: care stopped (reason, stopped_on); the corporation is alerted."""
        return self._step(request, "care_stop")

    @action_schema(request=STEP, response=serializers.AgreementDetailSerializer)
    @action(detail=True, methods=["post"], url_path="care-resume")
    def care_resume(self, request: Request, pk: str | None = None) -> Response:
        """Triangle contract: care resumed (reason)."""
        return self._step(request, "care_resume")

    @action_schema(request=STEP, response=serializers.AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        """End the agreement (reason, ended_on, optional evaluation)."""
        return self._step(request, "end")

    @action_schema(
        request=serializers.SignInputSerializer, response=serializers.AgreementDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        """Record a party's signature (party, signed_on, signed_by_name), in order."""
        agreement = self.get_object()
        data = serializers.SignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.agreement_sign(
            actor=actor(request), agreement=agreement, request=request, **data.validated_data
        )
        return Response(self._data(self._fresh(agreement.pk)))

    @action(detail=True, methods=["get"])
    def document(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The PDF of a version (?version=, default the latest), for the parties."""
        agreement = self.get_object()
        version = request.query_params.get("version")
        docs = agreement.documents.all()
        document = (
            docs.filter(version=int(version)).first()
            if version and version.isdigit()
            else docs.order_by("-version").first()
        )
        if document is None:
            raise exceptions.NotFound()
        response = HttpResponse(
            documents.render_pdf(document=document, viewer=actor(request)),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'inline; filename="{documents.filename(document)}"'
        return response


class EvaluationViewSet(
    ProtectedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Evaluation],
):
    access_model = Evaluation
    access_actions = {"list": "list", "record": "record", "confirm": "confirm"}
    access_purpose = "plaatsingen"
    serializer_class = serializers.EvaluationSerializer

    def get_base_queryset(self) -> Any:
        qs = selectors.evaluation_detail_queryset().order_by("due_on", "pk")
        agreement = self.request.query_params.get("agreement")
        if agreement and agreement.isdigit():
            qs = qs.filter(agreement_id=agreement)
        if self.request.query_params.get("open") == "true":
            qs = qs.filter(held_on__isnull=True, cancelled=False)
        return qs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        _log_search(
            request,
            Evaluation,
            len(response.data.get("results", response.data)),
            self.access_purpose,
        )
        return response

    @action_schema(
        request=serializers.EvaluationInputSerializer, response=serializers.EvaluationSerializer
    )
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str | None = None) -> Response:
        """Record the outcome (structured fields, judgement, notes)."""
        evaluation = self.get_object()
        data = serializers.EvaluationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = services.evaluation_record(
            actor=actor(request),
            evaluation=evaluation,
            data=data.validated_data,
            request=request,
        )
        return Response(self.get_serializer(evaluation).data)

    @action_schema(request=None, response=serializers.EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """The other party confirms the recorded outcome."""
        evaluation = self.get_object()
        evaluation = services.evaluation_confirm(
            actor=actor(request), evaluation=evaluation, request=request
        )
        return Response(self.get_serializer(evaluation).data)
