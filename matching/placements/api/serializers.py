"""Serializers for the placements API. Output only what the pages show to the same reader:
care terms and evaluation details only for the parties; names only as `visible_names`
allows. Input serializers whitelist their fields; services do the rest."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from accounts import validation

from .. import selectors
from ..models import (
    NUISANCE_REPORTS_MAX,
    Agreement,
    AgreementKind,
    Condition,
    Evaluation,
    Independence,
    Judgement,
    Network,
    Party,
    Placement,
    RentPayment,
    Signature,
)
from ..permissions import sees_care_data

CARE_TERMS = (
    "support_hours_per_week",
    "contact_person",
    "contact_phone",
    "conditions",
    "conditions_text",
    "care_contract_reference",
)
EVALUATION_DETAILS = (
    "living_independently",
    "rent_paid",
    "nuisance_reports",
    "care_continuing",
    "social_network",
    "notes",
)


class _ReaderAware:
    """Drops care-only fields for a reader who is not a party (the municipality)."""

    care_fields: tuple[str, ...] = ()

    def _placement(self, obj: Any) -> Placement:
        raise NotImplementedError

    def to_representation(self, obj: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(obj)  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        if request is None or not sees_care_data(request.user, self._placement(obj)):
            for field in self.care_fields:
                data.pop(field, None)
        return data


class SignatureSerializer(serializers.ModelSerializer[Signature]):
    class Meta:
        model = Signature
        fields = ["party", "version", "signed_on", "signed_by_name", "recorded_at"]


class AgreementSerializer(_ReaderAware, serializers.ModelSerializer[Agreement]):
    care_fields = CARE_TERMS
    client_reference = serializers.CharField(source="placement.client_reference")
    client_name = serializers.SerializerMethodField()
    address = serializers.CharField(source="placement.dwelling.address")
    neighbourhood = serializers.CharField(source="placement.neighbourhood.code")
    care_provider = serializers.CharField(source="placement.care_provider.name")
    corporation = serializers.CharField(source="placement.corporation.name")
    next_evaluation = serializers.DateField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = Agreement
        fields = [
            "id", "placement", "previous", "kind", "state", "lease_holder", "client_reference",
            "client_name", "address", "neighbourhood", "care_provider", "corporation",
            "lease_start", "end_date", "evaluation_on", "next_evaluation", "monthly_rent",
            "version", "issued_at", "activated_on", "ended_on", "care_stopped_on",
            *CARE_TERMS,
        ]  # fmt: skip

    def _placement(self, obj: Agreement) -> Placement:
        return obj.placement

    def get_client_name(self, obj: Agreement) -> str | None:
        names: dict[int, str] = self.context.get("names", {})
        return names.get(obj.placement_id) or None


class AgreementDetailSerializer(AgreementSerializer):
    signatures = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta(AgreementSerializer.Meta):
        fields = [*AgreementSerializer.Meta.fields, "signatures", "documents", "timeline"]

    def get_signatures(self, obj: Agreement) -> list[dict[str, Any]]:
        request = self.context["request"]
        signatures = selectors.signatures_for(user=request.user, agreement=obj)
        return SignatureSerializer(signatures, many=True).data  # type: ignore[return-value]

    def get_documents(self, obj: Agreement) -> list[dict[str, Any]]:
        request = self.context.get("request")
        show = request is not None and sees_care_data(request.user, obj.placement)
        return [
            {
                "version": d.version,
                "title": d.title,
                "created_at": d.created_at,
                "pdf": f"/api/v1/agreements/{obj.pk}/document/?version={d.version}"
                if show
                else None,
                "page": reverse("placements:agreement-document", args=[obj.pk, d.version])
                if show
                else None,
            }
            for d in selectors.documents_of(obj)
        ]

    def get_timeline(self, obj: Agreement) -> list[dict[str, Any]]:
        request = self.context["request"]
        return [
            {
                "at": e.at,
                "actor": e.actor or None,
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "reason": e.reason,
                "evaluation": e.evaluation_id,
            }
            for e in selectors.timeline_for(user=request.user, agreement=obj)
        ]


class PlacementSerializer(serializers.ModelSerializer[Placement]):
    client_name = serializers.SerializerMethodField()
    address = serializers.CharField(source="dwelling.address")
    neighbourhood = serializers.CharField(source="neighbourhood.code")
    care_provider = serializers.CharField(source="care_provider.name")
    corporation = serializers.CharField(source="corporation.name")
    agreements: serializers.PrimaryKeyRelatedField[Agreement] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Placement
        fields = [
            "id", "proposal", "board", "client_reference", "client_name", "dwelling", "address",
            "neighbourhood", "care_provider", "corporation", "status", "housed_on", "created_at",
            "closed_at", "agreements",
        ]  # fmt: skip

    def get_client_name(self, obj: Placement) -> str | None:
        names: dict[int, str] = self.context.get("names", {})
        return names.get(obj.pk) or None


class PlacementDetailSerializer(PlacementSerializer):
    welcome_talk = serializers.SerializerMethodField()

    class Meta(PlacementSerializer.Meta):
        fields = [*PlacementSerializer.Meta.fields, "welcome_talk"]

    def get_welcome_talk(self, obj: Placement) -> dict[str, Any] | None:
        talk = getattr(obj, "welcome_talk", None)
        if talk is None:
            return None
        request = self.context.get("request")
        data = {"held_on": talk.held_on}
        if request is not None and sees_care_data(request.user, obj):
            data.update(participants=talk.participants, notes=talk.notes)
        return data


class EvaluationSerializer(_ReaderAware, serializers.ModelSerializer[Evaluation]):
    care_fields = EVALUATION_DETAILS
    confirmed = serializers.BooleanField(source="is_confirmed", read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id", "agreement", "kind", "due_on", "held_on", "judgement", "recorded_party",
            "recorded_at", "confirmed", "confirmed_at", "decision", "cancelled",
            *EVALUATION_DETAILS,
        ]  # fmt: skip

    def _placement(self, obj: Evaluation) -> Placement:
        return obj.agreement.placement


# --- Input ----------------------------------------------------------------------------------


class PlacementCreateInputSerializer(serializers.Serializer[Any]):
    proposal = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AgreementKind.choices, required=False, allow_blank=True)


class WelcomeTalkInputSerializer(serializers.Serializer[Any]):
    held_on = serializers.DateField(validators=[validation.HAPPENED])
    participants = serializers.CharField(max_length=300)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class TermsInputSerializer(serializers.Serializer[Any]):
    lease_start = serializers.DateField(validators=[validation.HAPPENED], required=False)
    end_date = serializers.DateField(
        validators=[validation.PLANNED], required=False, allow_null=True
    )
    evaluation_on = serializers.DateField(
        validators=[validation.PLANNED], required=False, allow_null=True
    )
    support_hours_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True
    )
    contact_person = serializers.CharField(max_length=150, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    conditions = serializers.ListField(
        child=serializers.ChoiceField(choices=Condition.choices), required=False
    )
    conditions_text = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    care_contract_reference = serializers.CharField(max_length=60, required=False, allow_blank=True)


class StepInputSerializer(serializers.Serializer[Any]):
    """Input of a step; which fields count depends on the step (the service checks)."""

    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    evaluation = serializers.IntegerField(required=False, allow_null=True)
    end_date = serializers.DateField(
        validators=[validation.PLANNED], required=False, allow_null=True
    )
    evaluation_on = serializers.DateField(
        validators=[validation.PLANNED], required=False, allow_null=True
    )
    lease_start = serializers.DateField(
        validators=[validation.HAPPENED], required=False, allow_null=True
    )
    ended_on = serializers.DateField(
        validators=[validation.HAPPENED], required=False, allow_null=True
    )
    stopped_on = serializers.DateField(
        validators=[validation.HAPPENED], required=False, allow_null=True
    )


class SignInputSerializer(serializers.Serializer[Any]):
    party = serializers.ChoiceField(choices=Party.choices)
    signed_on = serializers.DateField(
        validators=[validation.HAPPENED], required=False, allow_null=True
    )
    signed_by_name = serializers.CharField(max_length=150, required=False, allow_blank=True)


class EvaluationInputSerializer(serializers.Serializer[Any]):
    held_on = serializers.DateField(validators=[validation.HAPPENED])
    living_independently = serializers.ChoiceField(choices=Independence.choices)
    rent_paid = serializers.ChoiceField(choices=RentPayment.choices)
    nuisance_reports = serializers.IntegerField(min_value=0, max_value=NUISANCE_REPORTS_MAX)
    care_continuing = serializers.BooleanField()
    social_network = serializers.ChoiceField(choices=Network.choices)
    judgement = serializers.ChoiceField(choices=Judgement.choices)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
