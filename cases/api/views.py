"""Client API for care-provider users: clients, their profile and consent.

Corporations and the municipality have no client endpoint: for them every URL here is a
404 (they see minimised profiles through board items, issue 6). Single objects are fetched
through the permission layer (404 outside the provider, 403 without the grant, reads logged).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import access
from accounts.access.drf import ProtectedViewSetMixin, actor, is_second_factor_verified
from accounts.models import AccessResult, Role
from cases import selectors, services
from cases.models import Client

from .serializers import (
    ClientDetailSerializer,
    ClientInputSerializer,
    ClientListSerializer,
    ConsentInputSerializer,
    ConsentSerializer,
    TransitionInputSerializer,
)


class ClientViewSet(
    ProtectedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Client],
):
    access_model = Client
    access_actions = {
        "list": "list",
        "create": "create",
        "partial_update": "change",
        "transition": "transition",
        "consents": "view",
        "record_consent": "consent_record",
        "withdraw_consent": "consent_withdraw",
        "shared_preview": "view",
    }
    access_purpose = "cliëntdossier"
    lookup_field = "reference"
    lookup_value_regex = r"WB-[0-9]{4}-[0-9]{5}"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self) -> Any:
        return selectors.client_detail_queryset().prefetch_related(
            "profile__preferred_municipalities",
            "profile__preferred_districts",
            "profile__excluded_neighbourhoods",
        )

    def get_serializer_class(self) -> Any:
        return ClientListSerializer if self.action == "list" else ClientDetailSerializer

    def check_permissions(self, request: Request) -> None:
        # Only care coordinators have client endpoints; for anyone else they do not exist.
        user = request.user
        if (
            user.is_authenticated
            and is_second_factor_verified(request)
            and not access.organisation_ids_of(user, Role.CARE_COORDINATOR)
        ):
            access.audit(
                "cases.client.viewed" if request.method == "GET" else "cases.client.changed",
                actor=user,
                target=Client,
                object_id=str(self.kwargs.get("reference", "")),
                result=AccessResult.REFUSED,
                rule="not-a-care-coordinator",
                purpose=self.access_purpose,
                request=request,
            )
            raise exceptions.NotFound()
        super().check_permissions(request)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = selectors.client_list(
            user=actor(request),
            q=request.query_params.get("q", ""),
            status=request.query_params.get("status", ""),
            target_group=request.query_params.get("target_group", ""),
        )
        page = self.paginate_queryset(queryset)
        access.audit(
            "cases.client.listed",
            actor=actor(request),
            target=Client,
            object_id=f"{len(page or [])} getoond",
            rule="cases.client.list:coordinator",
            purpose=request.headers.get("X-Purpose", "cliëntenoverzicht"),
            request=request,
        )
        return self.get_paginated_response(ClientListSerializer(page, many=True).data)

    @extend_schema(request=ClientInputSerializer, responses={201: ClientDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ClientInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        mark_ready = data.pop("mark_ready", False)
        client = services.client_register(
            actor=actor(request), data=data, mark_ready=mark_ready, request=request
        )
        return Response(self._detail(client), status=status.HTTP_201_CREATED)

    @extend_schema(request=ClientInputSerializer, responses=ClientDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        client = self.get_object()
        serializer = ClientInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        mark_ready = data.pop("mark_ready", False)
        services.client_update(
            actor=actor(request), client=client, data=data, mark_ready=mark_ready, request=request
        )
        return Response(self._detail(client))

    def _detail(self, client: Client) -> dict[str, Any]:
        fresh = self.get_base_queryset().get(pk=client.pk)
        return ClientDetailSerializer(fresh).data

    @extend_schema(request=TransitionInputSerializer, responses=ClientDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, reference: str | None = None) -> Response:
        client = self.get_object()
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.client_transition(
            actor=actor(request), client=client, request=request, **serializer.validated_data
        )
        return Response(self._detail(client))

    @extend_schema(request=None, responses=ConsentSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a client's few consents
    def consents(self, request: Request, reference: str | None = None) -> Response:
        client = self.get_object()
        return Response(ConsentSerializer(selectors.client_consents(client), many=True).data)

    @extend_schema(request=ConsentInputSerializer, responses={201: ConsentSerializer})
    @action(detail=True, methods=["post"], url_path="consent")
    def record_consent(self, request: Request, reference: str | None = None) -> Response:
        client = self.get_object()
        serializer = ConsentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = services.consent_record(
            actor=actor(request), client=client, request=request, **serializer.validated_data
        )
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ClientDetailSerializer)
    @action(detail=True, methods=["post"], url_path="consent/withdraw")
    def withdraw_consent(self, request: Request, reference: str | None = None) -> Response:
        client = self.get_object()
        services.consent_withdraw(actor=actor(request), client=client, request=request)
        return Response(self._detail(client))

    @extend_schema(request=None, responses=dict)
    @action(detail=True, methods=["get"], url_path="shared-preview")
    def shared_preview(self, request: Request, reference: str | None = None) -> Response:
        """Exactly the minimised profile the board parties see (empty-handed without consent)."""
        client = self.get_object()
        return Response(
            {
                "is_shared_now": selectors.is_shared_now(client),
                "profile": selectors.shared_profile_data(client),
            }
        )
