from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access, selectors, services
from accounts.access.drf import IsVerifiedUser, ProtectedViewSetMixin, actor
from accounts.models import AccessLogEntry, Membership, Organisation, RoleGrant

from .serializers import (
    AccessLogEntrySerializer,
    MemberInviteSerializer,
    MembershipSerializer,
    MeSerializer,
    OrganisationSerializer,
    RoleGrantSerializer,
)


class MeView(APIView):
    """The signed-in user and their roles. Reveals nothing about anyone else."""

    permission_classes = [IsVerifiedUser]
    access_self_only = True

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(actor(request)).data)


class OrganisationViewSet(ProtectedViewSetMixin, viewsets.ReadOnlyModelViewSet[Organisation]):
    access_model = Organisation
    serializer_class = OrganisationSerializer

    def get_base_queryset(self) -> Any:
        return Organisation.objects.select_related("region").order_by("name")


class MembershipViewSet(
    ProtectedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Membership],
):
    access_model = Membership
    access_actions = {"list": "list", "deactivate": "deactivate"}
    access_purpose = "ledenbeheer"
    serializer_class = MembershipSerializer

    def get_base_queryset(self) -> Any:
        return Membership.objects.select_related("user", "organisation").order_by("id")

    @extend_schema(
        request=MemberInviteSerializer,
        responses={
            201: MembershipSerializer,
            202: OpenApiResponse(
                RoleGrantSerializer,
                description="A role that reads client data: awaiting a second admin.",
            ),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organisations = {o.pk: o for o in selectors.organisation_list(user=actor(request))}
        serializer = MemberInviteSerializer(
            data=request.data, context={"organisations": organisations}
        )
        serializer.is_valid(raise_exception=True)
        membership = services.member_invite(actor=actor(request), **serializer.validated_data)
        if isinstance(membership, RoleGrant):
            return Response(RoleGrantSerializer(membership).data, status=status.HTTP_202_ACCEPTED)
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        membership = self.get_object()
        membership = services.membership_deactivate(actor=actor(request), membership=membership)
        return Response(MembershipSerializer(membership).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "event",
                str,
                description="Eén gebeurtenis (placements.agreement.extended) of een familie "
                "(placements.agreement).",
            )
        ]
    )
)
class AccessLogViewSet(ProtectedViewSetMixin, viewsets.ReadOnlyModelViewSet[AccessLogEntry]):
    access_model = AccessLogEntry
    serializer_class = AccessLogEntrySerializer

    def get_base_queryset(self) -> Any:
        event = self.request.query_params.get("event", "")[:100]
        return selectors.with_event(AccessLogEntry.objects.all(), event)

    # Reading the log is a read of personal data (who opened which client's file), so each
    # answered list and row writes one row of its own, after the rows were read (as the page).
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        page = request.query_params.get("page", "1")[:10]
        self._audit(request, "accounts.access_log.listed", f"toegangslog inzien (pagina {page})")
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        self._audit(request, "accounts.access_log.viewed", "toegangslog inzien", str(kwargs["pk"]))
        return response

    def _audit(self, request: Request, event: str, purpose: str, object_id: str = "") -> None:
        user = actor(request)
        access.audit(
            event,
            actor=user,
            target=AccessLogEntry,
            object_id=object_id,
            rule=access.decide(user, "view", AccessLogEntry).rule,
            purpose=purpose,
            request=request,
        )


__all__ = ["AccessLogViewSet", "MeView", "MembershipViewSet", "OrganisationViewSet", "access"]
