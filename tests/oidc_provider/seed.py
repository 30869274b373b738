"""Fill the test provider's database: users and registered clients (run by the fixture)."""

from __future__ import annotations

import json
import sys


def seed(spec: dict[str, object]) -> None:
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    mfa, _ = Group.objects.get_or_create(name="mfa")
    for entry in spec["users"]:  # type: ignore[attr-defined]
        user = User.objects.create_user(
            username=entry["email"], email=entry["email"], password=entry["password"]
        )
        if entry.get("mfa"):
            user.groups.add(mfa)
    for client in spec["clients"]:  # type: ignore[attr-defined]
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=client["redirect_uri"],
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )


if __name__ == "__main__":
    import django

    django.setup()
    seed(json.loads(sys.stdin.read()))
