"""The housing API: neighbourhoods (read), complexes, stairwells and dwellings (corporations write).

Every viewset goes through the permission layer (`ProtectedViewSetMixin`); writes call the
services, whose domain errors the project's exception handler turns into 400/403/404/409.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import access
from accounts.access.drf import ProtectedViewSetMixin, actor
from accounts.models import Role

from .. import selectors, services
from ..models import Complex, Dwelling, Neighbourhood, NeighbourhoodIndicator, Stairwell
from . import serializers as s


def _corporation(request: Request) -> Any:
    for m in access.memberships_of(request.user):
        if m.role == Role.HOUSING_CONSULTANT:
            return m.organisation
    raise exceptions.PermissionDenied()


def _flag(value: str | None) -> bool | None:
    return {"true": True, "1": True, "false": False, "0": False}.get((value or "").lower())


class NeighbourhoodViewSet(ProtectedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Neighbourhoods of your region. Filters: `municipality` (GM code), `district` (WK code),
    `q` (name or code). The detail carries capacity and indicators for roles that may see them."""

    access_model = Neighbourhood
    lookup_field = "code"
    serializer_class = s.NeighbourhoodSerializer

    def get_base_queryset(self) -> Any:
        return Neighbourhood.objects.select_related("district__municipality").order_by("code")

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        params = self.request.query_params
        if params.get("municipality"):
            qs = qs.filter(district__municipality__code=params["municipality"].upper())
        if params.get("district"):
            qs = qs.filter(district__code=params["district"].upper())
        if params.get("q"):
            qs = qs.filter(name__icontains=params["q"]) | qs.filter(
                code__icontains=params["q"].upper()
            )
        return qs

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        context = dict(self.get_serializer_context())
        if access.decide(request.user, "view_capacity", obj):
            context["capacity"] = selectors.capacity_for_reader(
                request.user, selectors.neighbourhood_capacity(obj)
            )
            context["indicators"] = (
                access.scope(request.user, NeighbourhoodIndicator)
                .filter(neighbourhood=obj)
                .order_by("-year")
            )
        return Response(s.NeighbourhoodDetailSerializer(obj, context=context).data)


class ComplexViewSet(
    ProtectedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Complexes of your corporation (the municipality sees the region's). Filters:
    `neighbourhood` (BU code), `stopped` (true/false). POST `{id}/stop/` closes it (board chair)."""

    access_model = Complex
    access_actions = {"list": "list", "stop": "stop"}
    serializer_class = s.ComplexSerializer

    def get_base_queryset(self) -> Any:
        return (
            Complex.objects.select_related("corporation", "neighbourhood")
            .prefetch_related("stops")
            .order_by("name")
        )

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        params = self.request.query_params
        if params.get("neighbourhood"):
            qs = qs.filter(neighbourhood__code=params["neighbourhood"].upper())
        stopped = _flag(params.get("stopped"))
        if stopped is not None:
            ids = selectors.stopped_complex_ids()
            qs = qs.filter(pk__in=ids) if stopped else qs.exclude(pk__in=ids)
        return qs

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.complex_create(
            actor=actor(self.request),
            corporation=_corporation(self.request),
            neighbourhood=data["neighbourhood"],
            code=data["code"],
            name=data["name"],
        )

    @action(detail=True, methods=["post"])
    def stop(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        data = s.StopSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.complex_stop(actor=actor(request), complex=obj, **data.validated_data)
        return Response(
            s.ComplexSerializer(Complex.objects.prefetch_related("stops").get(pk=obj.pk)).data
        )


class StairwellViewSet(
    ProtectedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Stairwells. Filter: `complex` (id). POST `{id}/count/` records the current number of
    vulnerable households (corporation); POST `{id}/limit/` sets the maximum (board chair)."""

    access_model = Stairwell
    access_actions = {"list": "list", "count": "record_count", "limit": "set_limit"}
    serializer_class = s.StairwellSerializer

    def get_base_queryset(self) -> Any:
        return Stairwell.objects.select_related("complex__corporation").order_by(
            "complex_id", "name"
        )

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        if self.request.query_params.get("complex", "").isdigit():
            qs = qs.filter(complex_id=int(self.request.query_params["complex"]))
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.StairwellInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complex_obj = data.validated_data["complex"]
        if not access.visible(request.user, complex_obj):
            raise exceptions.ValidationError({"complex": ["Onbekend complex."]})
        obj = services.stairwell_create(
            actor=actor(request),
            complex=complex_obj,
            name=data.validated_data["name"],
        )
        return Response(s.StairwellSerializer(obj).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def count(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        data = s.CountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        obj = services.stairwell_record_count(
            actor=actor(request),
            stairwell=obj,
            **data.validated_data,
        )
        return Response(s.StairwellSerializer(obj).data)

    @action(detail=True, methods=["post"])
    def limit(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        data = s.LimitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        obj = services.stairwell_set_limit(
            actor=actor(request), stairwell=obj, **data.validated_data
        )
        return Response(s.StairwellSerializer(obj).data)


TRANSITIONS = ("offer", "withdraw", "reopen", "reserve", "release", "let")


class DwellingViewSet(
    ProtectedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Dwellings you may see: your corporation's, and others' while on the board.

    Filters: `status`, `neighbourhood` (BU code), `dwelling_type`, `owner` (own/others),
    `min_bedrooms`, `max_rent`, `quota` (true/false), `step_free` (true/false), `q`.
    Lifecycle: POST `{id}/offer/`, `withdraw/`, `reopen/`, `reserve/`, `release/`, `let/`.
    """

    access_model = Dwelling
    access_actions = {name: name for name in TRANSITIONS}
    serializer_class = s.DwellingSerializer

    def get_queryset(self) -> Any:
        p = self.request.query_params
        filters: dict[str, Any] = {
            k: p[k] for k in ("status", "neighbourhood", "dwelling_type", "owner", "q") if p.get(k)
        }
        if p.get("min_bedrooms", "").isdigit():
            filters["min_bedrooms"] = int(p["min_bedrooms"])
        if p.get("max_rent"):
            try:
                filters["max_rent"] = float(p["max_rent"])
            except ValueError:
                raise exceptions.ValidationError({"max_rent": ["Geen getal."]}) from None
        for flag in ("quota", "step_free"):
            if _flag(p.get(flag)) is not None:
                filters[flag] = _flag(p.get(flag))
        return selectors.dwelling_list(user=self.request.user, **filters)

    def get_serializer_class(self) -> Any:
        return (
            s.DwellingInputSerializer
            if self.action in {"create", "update", "partial_update"}
            else s.DwellingSerializer
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.DwellingInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        obj = services.dwelling_create(
            actor=actor(request),
            corporation=_corporation(request),
            **data.validated_data,
        )
        return Response(s.DwellingSerializer(obj).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        data = s.DwellingInputSerializer(
            obj,
            data=request.data,
            partial=kwargs.get("partial", False),
            context=self.get_serializer_context(),
        )
        data.is_valid(raise_exception=True)
        obj = services.dwelling_update(actor=actor(request), dwelling=obj, **data.validated_data)
        return Response(s.DwellingSerializer(obj).data)

    def _transition(self, request: Request, name: str) -> Response:
        obj = self.get_object()
        data = s.TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extra = {"to_outflow": data.validated_data["to_outflow"]} if name == "let" else {}
        obj = getattr(services, f"dwelling_{name}")(
            actor=actor(request),
            dwelling=obj,
            note=data.validated_data["note"],
            **extra,
        )
        return Response(s.DwellingSerializer(obj).data)

    @action(detail=True, methods=["post"])
    def offer(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "offer")

    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "withdraw")

    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "reopen")

    @action(detail=True, methods=["post"])
    def reserve(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "reserve")

    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "release")

    @action(detail=True, methods=["post"])
    def let(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "let")
