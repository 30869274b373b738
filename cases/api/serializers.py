"""Client API serializers. Input serializers whitelist writable fields; organisation, owner,
coordinator and status are never writable here (status moves only through `transition`)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts import validation
from cases import selectors
from cases.lifecycle import TRANSITIONS
from cases.models import (
    AgreementType,
    Client,
    Consent,
    ConsentEndReason,
    LegalBasis,
    TargetGroup,
    UrgencyDecidedBy,
    UrgencyReason,
)


class ClientListSerializer(serializers.ModelSerializer[Client]):
    coordinator = serializers.CharField(source="coordinator.full_name", read_only=True)
    target_group = serializers.CharField(source="profile.target_group", read_only=True)
    has_valid_consent = serializers.BooleanField(read_only=True)

    class Meta:
        model = Client
        fields = [
            "reference",
            "status",
            "target_group",
            "registered_at",
            "ready_since",
            "coordinator",
            "has_valid_consent",
        ]
        read_only_fields = fields


class CareSerializer(serializers.Serializer[Any]):
    full_name = serializers.CharField()
    date_of_birth = serializers.DateField(validators=[validation.BIRTH], allow_null=True)
    phone = serializers.CharField()
    email = serializers.CharField()
    contact_details = serializers.CharField()
    care_history = serializers.CharField()
    exclusion_reasons = serializers.CharField()


class ProfileSerializer(serializers.Serializer[Any]):
    adults = serializers.IntegerField()
    children = serializers.IntegerField()
    monthly_income = serializers.IntegerField(allow_null=True)
    step_free = serializers.BooleanField()
    ground_floor_or_lift = serializers.BooleanField()
    wheelchair = serializers.BooleanField()
    max_floor = serializers.IntegerField(allow_null=True)
    preferred_municipality_codes = serializers.SerializerMethodField()
    preferred_district_codes = serializers.SerializerMethodField()
    excluded_neighbourhood_codes = serializers.SerializerMethodField()
    support_hours_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True
    )
    support_team_district_code = serializers.SerializerMethodField()
    agreement_type = serializers.CharField()
    target_group = serializers.CharField()
    earliest_move_date = serializers.DateField(validators=[validation.PLANNED], allow_null=True)
    pets = serializers.BooleanField()
    pets_description = serializers.CharField()
    note_for_corporation = serializers.CharField()
    urgency_reason = serializers.CharField()
    urgency_decided_by = serializers.CharField()
    urgency_decided_on = serializers.DateField(validators=[validation.HAPPENED], allow_null=True)
    urgency_valid_until = serializers.DateField(validators=[validation.PLANNED], allow_null=True)

    def get_preferred_municipality_codes(self, profile: Any) -> list[str]:
        return [m.code for m in profile.preferred_municipalities.all()]

    def get_preferred_district_codes(self, profile: Any) -> list[str]:
        return [d.code for d in profile.preferred_districts.all()]

    def get_excluded_neighbourhood_codes(self, profile: Any) -> list[str]:
        return [n.code for n in profile.excluded_neighbourhoods.all()]

    def get_support_team_district_code(self, profile: Any) -> str | None:
        return profile.support_team_district.code if profile.support_team_district else None


class ConsentSerializer(serializers.ModelSerializer[Consent]):
    recorded_by = serializers.CharField(source="recorded_by.full_name", read_only=True)
    # Empty while the consent runs: documented as such (a read-only choice field would not be).
    end_reason = serializers.ChoiceField(
        choices=ConsentEndReason.choices, allow_blank=True, read_only=True
    )
    is_valid_today = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = [
            "id", "legal_basis", "text_version", "scope", "given_on", "valid_until", "recorded_by",
            "recorded_at", "ended_at", "end_reason", "is_valid_today",
        ]  # fmt: skip
        read_only_fields = fields

    def get_is_valid_today(self, consent: Consent) -> bool:
        from django.utils import timezone

        return consent.is_valid_on(timezone.localdate())


class ClientDetailSerializer(serializers.ModelSerializer[Client]):
    """The full case for the owning care provider: care-only data included (and logged)."""

    coordinator = serializers.CharField(source="coordinator.full_name", read_only=True)
    care = CareSerializer(read_only=True)
    profile = ProfileSerializer(read_only=True)
    consent = serializers.SerializerMethodField()
    shared_preview = serializers.SerializerMethodField()
    has_valid_consent = serializers.BooleanField(read_only=True)

    class Meta:
        model = Client
        fields = [
            "reference", "status", "registered_at", "ready_since", "housed_on", "coordinator",
            "has_valid_consent", "consent", "care", "profile", "shared_preview",
        ]  # fmt: skip
        read_only_fields = fields

    def get_consent(self, client: Client) -> dict[str, Any] | None:
        consent = selectors.current_consent(client)
        return ConsentSerializer(consent).data if consent else None

    def get_shared_preview(self, client: Client) -> dict[str, Any]:
        return selectors.shared_profile_data(client)


class ClientInputSerializer(serializers.Serializer[Any]):
    """Writable fields of a client (care-only and profile). All optional: a draft may be
    incomplete. Domain rules (adult present, income not negative, move date, known codes)
    are the service's, returned per field."""

    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(
        validators=[validation.BIRTH], required=False, allow_null=True
    )
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    contact_details = serializers.CharField(required=False, allow_blank=True)
    care_history = serializers.CharField(required=False, allow_blank=True)
    exclusion_reasons = serializers.CharField(required=False, allow_blank=True)
    adults = serializers.IntegerField(required=False)
    children = serializers.IntegerField(required=False)
    monthly_income = serializers.IntegerField(required=False, allow_null=True)
    step_free = serializers.BooleanField(required=False)
    ground_floor_or_lift = serializers.BooleanField(required=False)
    wheelchair = serializers.BooleanField(required=False)
    max_floor = serializers.IntegerField(required=False, allow_null=True)
    preferred_municipality_codes = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False
    )
    preferred_district_codes = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False
    )
    excluded_neighbourhood_codes = serializers.ListField(
        child=serializers.CharField(max_length=12), required=False
    )
    support_hours_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True
    )
    support_team_district_code = serializers.CharField(
        max_length=10, required=False, allow_blank=True, allow_null=True
    )
    agreement_type = serializers.ChoiceField(
        choices=AgreementType.choices, required=False, allow_blank=True
    )
    target_group = serializers.ChoiceField(
        choices=TargetGroup.choices, required=False, allow_blank=True
    )
    earliest_move_date = serializers.DateField(
        validators=[validation.PLANNED], required=False, allow_null=True
    )
    pets = serializers.BooleanField(required=False)
    pets_description = serializers.CharField(max_length=100, required=False, allow_blank=True)
    note_for_corporation = serializers.CharField(max_length=500, required=False, allow_blank=True)
    urgency_reason = serializers.ChoiceField(
        choices=UrgencyReason.choices, required=False, allow_blank=True
    )
    urgency_decided_by = serializers.ChoiceField(
        choices=UrgencyDecidedBy.choices, required=False, allow_blank=True
    )
    urgency_decided_on = serializers.DateField(
        validators=[validation.HAPPENED], required=False, allow_null=True
    )
    urgency_valid_until = serializers.DateField(
        validators=[validation.PLANNED], required=False, allow_null=True
    )
    mark_ready = serializers.BooleanField(required=False, default=False, write_only=True)


class TransitionInputSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(
        choices=sorted(a for a, t in TRANSITIONS.items() if not t.system)
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ConsentInputSerializer(serializers.Serializer[Any]):
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)
    text_version = serializers.CharField(max_length=40)
    given_on = serializers.DateField(validators=[validation.HAPPENED])
    valid_until = serializers.DateField(validators=[validation.PLANNED])
