"""Monitor API (read-only): the figures of each monitor page, filtered like the page
(`van`, `tot`, `per`, `zorgaanbieder`, `doelgroep`; `jaar` for quotas)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import access
from accounts.access.drf import ProtectedViewSetMixin, actor
from accounts.models import AccessAction

from .. import reports, selectors
from ..models import Quota
from . import serializers

FILTERS = [
    OpenApiParameter("van", str, description="first month, YYYY-MM"),
    OpenApiParameter("tot", str, description="last month, YYYY-MM"),
    OpenApiParameter("per", str, enum=["month", "quarter"]),
]


class MonitorViewSet(ProtectedViewSetMixin, viewsets.GenericViewSet[Quota]):
    access_model = Quota
    access_actions = {
        "flow": "monitor",
        "neighbourhoods": "monitor",
        "board": "monitor",
        "quotas": "quotas",
    }
    access_purpose = "monitor: cijfers van de regio"
    serializer_class = serializers.ReportSerializer
    pagination_class = None

    def _report(self, request: Request, page: str) -> Response:
        user = actor(request)
        v = selectors.viewer(user)
        if v is None:
            raise exceptions.NotFound()
        report = reports.build(page, v, request.query_params)
        if report.form.is_bound and not report.form.is_valid():
            raise exceptions.ValidationError(report.form.errors)
        access.audit(
            f"monitor.{page}.listed",
            action=AccessAction.SEARCH,
            actor=user,
            target=Quota,
            object_id=f"api:{page}",
            rule="member-of-region",
            purpose=self.access_purpose,
            request=request,
        )
        data = {
            "report": report.title,
            "region": v.region_name,
            "period": report.subtitle,
            "suppressed_below": v.threshold,
            "exact": v.exact,
            "tables": [serializers.table_data(t) for t in report.tables],
        }
        return Response(serializers.ReportSerializer(data).data)

    @extend_schema(
        parameters=[
            *FILTERS,
            OpenApiParameter("zorgaanbieder", int),
            OpenApiParameter("doelgroep", str),
        ],
        responses=serializers.ReportSerializer,
    )
    @action(detail=False, methods=["get"])
    def flow(self, request: Request) -> Response:
        """Registered, ready, on the board, proposed, decided, housed, paused, withdrawn."""
        return self._report(request, "flow")

    @extend_schema(parameters=FILTERS, responses=serializers.ReportSerializer)
    @action(detail=False, methods=["get"])
    def neighbourhoods(self, request: Request) -> Response:
        """Placements per neighbourhood against its homes, class and headroom."""
        return self._report(request, "where")

    @extend_schema(
        parameters=[OpenApiParameter("jaar", int)], responses=serializers.ReportSerializer
    )
    @action(detail=False, methods=["get"])
    def quotas(self, request: Request) -> Response:
        """Dwellings let to outflowing clients per month and corporation (the quota page)."""
        return self._report(request, "quotas")

    @extend_schema(parameters=FILTERS, responses=serializers.ReportSerializer)
    @action(detail=False, methods=["get"])
    def board(self, request: Request) -> Response:
        """Proposals per meeting and what became of them; declines per corporation and reason."""
        return self._report(request, "board")
