"""Serializers for the board API. Output only what the pages show; input whitelists fields."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import Board, Meeting, Proposal, ProposalEvent


class BoardSerializer(serializers.ModelSerializer[Board]):
    region = serializers.CharField(source="region.slug")

    class Meta:
        model = Board
        fields = ["id", "name", "region", "meeting_weekday", "meeting_time", "decision_days"]


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    class Meta:
        model = Meeting
        fields = ["id", "board", "date", "week_label", "status", "generated_at", "closed_at"]


class EventSerializer(serializers.ModelSerializer[ProposalEvent]):
    actor = serializers.CharField(source="actor.full_name", default=None, allow_null=True)

    class Meta:
        model = ProposalEvent
        fields = ["at", "actor", "kind", "message"]


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    reference = serializers.CharField(source="profile.reference")
    client_name = serializers.SerializerMethodField()
    dwelling = serializers.SerializerMethodField()
    neighbourhood = serializers.CharField(source="neighbourhood.code")

    class Meta:
        model = Proposal
        fields = [
            "id", "meeting", "reference", "client_name", "status", "score", "breakdown",
            "alternatives", "explanation", "profile", "dwelling", "neighbourhood",
            "capacity_before", "capacity_after", "deadline", "consultant_decision",
            "consultant_reason", "consultant_text", "client_decision", "client_reason",
            "client_text", "override_kind", "override_reason", "stalled_at", "closed_at",
            "close_reason",
        ]  # fmt: skip

    def get_client_name(self, obj: Proposal) -> str | None:
        names: dict[int, str] = self.context.get("names", {})
        return names.get(obj.pk) or None

    def get_dwelling(self, obj: Proposal) -> dict[str, Any]:
        d = obj.dwelling
        return {
            "id": d.pk,
            "address": f"{d.street} {d.number}{d.suffix}, {d.city}",
            "rent": str(d.net_rent),
            "bedrooms": d.bedrooms,
            "corporation": obj.corporation_id,
        }


class ProposalDetailSerializer(ProposalSerializer):
    events = EventSerializer(many=True, read_only=True)

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "events"]


class DecisionInputSerializer(serializers.Serializer[Any]):
    decision = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ReasonInputSerializer(serializers.Serializer[Any]):
    """The body of refusing an override: the reason (required by the service)."""

    reason = serializers.CharField(max_length=500)


class GenerateResultSerializer(serializers.Serializer[Any]):
    run = serializers.IntegerField()
    duration_ms = serializers.IntegerField(allow_null=True)
