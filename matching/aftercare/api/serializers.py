from __future__ import annotations

from rest_framework import serializers

from accounts import validation

from ..models import (
    DESCRIPTION_MAX,
    PARTY_CHOICES,
    TEXT_MAX,
    Outcome,
    PlanAction,
    Severity,
    Signal,
    SignalCategory,
)


class PlanActionSerializer(serializers.ModelSerializer[PlanAction]):
    class Meta:
        model = PlanAction
        fields = ["id", "description", "owner_party", "due_on", "done_on", "follow_up"]
        read_only_fields = fields


class SignalSerializer(serializers.ModelSerializer[Signal]):
    agreement = serializers.IntegerField(source="agreement_id", read_only=True)
    client_reference = serializers.CharField(source="placement.client_reference", read_only=True)
    actions = PlanActionSerializer(many=True, read_only=True)
    # Empty until the signal is closed (a read-only model field would lose its blank choice
    # in the schema).
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Signal
        fields = [
            "id",
            "reference",
            "agreement",
            "client_reference",
            "raised_by_party",
            "category",
            "observed_on",
            "description",
            "severity",
            "already_done",
            "state",
            "raised_at",
            "acknowledge_due",
            "answer_due",
            "acknowledged_at",
            "assessment",
            "proposed_action",
            "answered_at",
            "escalated_at",
            "escalation_reason",
            "closed_at",
            "outcome",
            "close_note",
            "actions",
        ]
        read_only_fields = fields


class SignalCreateSerializer(serializers.Serializer[None]):
    agreement = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    category = serializers.ChoiceField(choices=SignalCategory.choices)
    observed_on = serializers.DateField(validators=[validation.HAPPENED])
    description = serializers.CharField(max_length=DESCRIPTION_MAX)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MEDIUM)
    already_done = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class AnswerSerializer(serializers.Serializer[None]):
    assessment = serializers.CharField(max_length=TEXT_MAX)
    proposed_action = serializers.CharField(max_length=TEXT_MAX)


class PlanActionInputSerializer(serializers.Serializer[None]):
    description = serializers.CharField(max_length=300)
    owner_party = serializers.ChoiceField(choices=PARTY_CHOICES)
    due_on = serializers.DateField(validators=[validation.PLANNED])


class CloseSerializer(serializers.Serializer[None]):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class EscalateSerializer(serializers.Serializer[None]):
    reason = serializers.CharField(max_length=500)
