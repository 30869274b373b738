"""The test provider's claims: what Keycloak and Entra ID send, plus two faulty clients."""

from __future__ import annotations

import time
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from .clients import EXPIRED_CLIENT, WRONG_AUDIENCE_CLIENT


class TestProviderValidator(OAuth2Validator):
    # `amr` goes with the openid scope (DOT drops claims it cannot place in a scope).
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "amr": "openid"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        mfa = user.groups.filter(name="mfa").exists()
        return {
            "email": user.email,
            "email_verified": True,
            "name": user.get_full_name(),
            # RFC 8176 values, as Keycloak/Entra ID send them after a second factor.
            "amr": ["pwd", "otp", "mfa"] if mfa else ["pwd"],
        }

    def get_id_token_dictionary(self, token: Any, token_handler: Any, request: Any) -> Any:
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        client_id = request.client.client_id
        if client_id == EXPIRED_CLIENT:
            claims["exp"] = int(time.time()) - 3600  # expired an hour ago
        if client_id == WRONG_AUDIENCE_CLIENT:
            claims["aud"] = "someone-else"
        return claims, expiration_time
