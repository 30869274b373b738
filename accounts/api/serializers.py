from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import (
    ROLES_BY_KIND,
    AccessLogEntry,
    AccessResult,
    Membership,
    Organisation,
    Role,
    RoleGrant,
    User,
)


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    region = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "region"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    organisation = serializers.PrimaryKeyRelatedField[Organisation](read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "organisation",
            "email",
            "full_name",
            "role",
            "is_active",
            "created_at",
            "deactivated_at",
        ]
        read_only_fields = fields


class RoleGrantSerializer(serializers.ModelSerializer[RoleGrant]):
    """A role request awaiting (or decided by) a second organisation admin."""

    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    organisation = serializers.PrimaryKeyRelatedField[Organisation](read_only=True)

    class Meta:
        model = RoleGrant
        fields = ["id", "organisation", "email", "full_name", "role", "status", "requested_at"]
        read_only_fields = fields


class MemberInviteSerializer(serializers.Serializer[Membership]):
    """Writable fields of an invite: nothing else (organisation comes from the actor)."""

    organisation = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        org = self.context["organisations"].get(attrs["organisation"])
        if org is None:
            raise serializers.ValidationError({"organisation": "Onbekende organisatie."})
        if attrs["role"] not in ROLES_BY_KIND[org.kind]:
            raise serializers.ValidationError(
                {"role": "Deze rol bestaat niet bij dit soort organisatie."}
            )
        attrs["organisation"] = org
        return attrs


class RoleSerializer(serializers.Serializer[Membership]):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    role = serializers.ChoiceField(choices=Role.choices)


class MeSerializer(serializers.ModelSerializer[User]):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "memberships"]
        read_only_fields = fields

    @extend_schema_field(RoleSerializer(many=True))
    def get_memberships(self, user: User) -> list[dict[str, object]]:
        from accounts import access

        return [RoleSerializer(m).data for m in access.memberships_of(user)]


class AccessLogEntrySerializer(serializers.ModelSerializer[AccessLogEntry]):
    client_reference = serializers.SerializerMethodField()

    def get_client_reference(self, entry: AccessLogEntry) -> str:
        """A refused row names no client to the requester's admins (issue 13: the log must
        not tell what a 404 hid); the client's own overview, read by its care provider,
        lists the attempt with it."""
        return "" if entry.result == AccessResult.REFUSED else entry.client_reference

    class Meta:
        model = AccessLogEntry
        exclude: list[str] = []
        read_only_fields = [f.name for f in AccessLogEntry._meta.fields]
