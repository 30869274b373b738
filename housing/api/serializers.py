"""API serializers. Input serializers whitelist what a client may write; corporation, status
and history are never writable: services set them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts import validation
from accounts.api.fields import ScopedCodeField
from accounts.constraints import ConstraintSerializerMixin

from .. import selectors
from ..models import (
    DWELLING_RENT_MAX,
    Complex,
    Dwelling,
    Neighbourhood,
    NeighbourhoodIndicator,
    Stairwell,
)


class NeighbourhoodSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.code")
    municipality = serializers.CharField(source="district.municipality.code")

    class Meta:
        model = Neighbourhood
        fields = ["code", "name", "district", "municipality"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = NeighbourhoodIndicator
        exclude = ["id", "neighbourhood", "imported_at"]


class NeighbourhoodDetailSerializer(NeighbourhoodSerializer):
    boundary = serializers.JSONField()
    capacity = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()

    class Meta(NeighbourhoodSerializer.Meta):
        fields = [*NeighbourhoodSerializer.Meta.fields, "boundary", "capacity", "indicators"]

    def get_capacity(self, obj: Neighbourhood) -> dict[str, Any] | None:
        result = self.context.get("capacity")
        return result.as_dict() if result is not None else None

    def get_indicators(self, obj: Neighbourhood) -> Any:
        indicators = self.context.get("indicators")
        return IndicatorSerializer(indicators, many=True).data if indicators is not None else None


class StairwellSerializer(serializers.ModelSerializer):
    has_room = serializers.BooleanField(read_only=True)

    class Meta:
        model = Stairwell
        fields = [
            "id",
            "complex",
            "name",
            "max_vulnerable",
            "current_vulnerable",
            "has_room",
            "limit_set_at",
        ]
        read_only_fields = ["max_vulnerable", "current_vulnerable", "limit_set_at"]


class StairwellInputSerializer(serializers.Serializer):
    complex = serializers.PrimaryKeyRelatedField(queryset=Complex.objects.all())
    name = serializers.CharField(max_length=120)


class CountSerializer(serializers.Serializer):
    current_vulnerable = serializers.IntegerField(min_value=0, max_value=500)


class LimitSerializer(serializers.Serializer):
    max_vulnerable = serializers.IntegerField(min_value=0, max_value=50)


class ComplexSerializer(serializers.ModelSerializer):
    corporation = serializers.CharField(source="corporation.name", read_only=True)
    neighbourhood = ScopedCodeField(model=Neighbourhood)
    stopped_until = serializers.SerializerMethodField()

    class Meta:
        model = Complex
        fields = ["id", "code", "name", "corporation", "neighbourhood", "stopped_until"]

    def get_stopped_until(self, obj: Complex) -> str | None:
        stop = obj.active_stop()
        return stop.until.isoformat() if stop else None


class StopSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    until = serializers.DateField(validators=[validation.PLANNED])


class DwellingSerializer(serializers.ModelSerializer):
    corporation = serializers.CharField(source="corporation.name", read_only=True)
    neighbourhood = serializers.CharField(source="neighbourhood.code", read_only=True)

    class Meta:
        model = Dwelling
        exclude = ["latitude", "longitude", "created_at"]

    def to_representation(self, instance: Dwelling) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        request = self.context.get("request")
        # Without a request this is the owner's own create/update answer (the service refused
        # everyone else); with one, the notes stay inside the owning corporation.
        if request is not None and not selectors.dwelling_notes_visible(request.user, instance):
            data.pop("notes", None)
        return data


class DwellingInputSerializer(ConstraintSerializerMixin, serializers.ModelSerializer):
    """What a corporation may write. Neighbourhood by CBS code; complex/stairwell by id."""

    neighbourhood = ScopedCodeField(model=Neighbourhood)
    net_rent = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, max_value=DWELLING_RENT_MAX
    )

    class Meta:
        model = Dwelling
        fields = [
            "reference", "street", "number", "suffix", "postcode", "city", "neighbourhood", "complex",
            "stairwell", "dwelling_type", "floor", "has_lift", "rooms", "bedrooms", "living_area",
            "net_rent", "service_costs", "step_free", "ground_floor", "wheelchair", "available_from",
            "counts_toward_quota", "notes",
        ]  # fmt: skip
        validators: list = []  # uniqueness per corporation is the service's job

    def validate_postcode(self, value: str) -> str:
        import re

        value = value.replace(" ", "").upper()
        if not re.match(r"^[1-9][0-9]{3}[A-Z]{2}$", value):
            raise serializers.ValidationError("Geen geldige postcode (1234AB).")
        return value


class TransitionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    to_outflow = serializers.BooleanField(required=False, default=True)
