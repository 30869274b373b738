"""API tokens expire, can be revoked, follow the idle rule unless they are integration tokens,
and are listed with their last use (issue 13, hole 8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accounts import tokens
from accounts.errors import DomainError, Forbidden
from accounts.models import AccessLogEntry, ApiToken, Role
from tests.accounts.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def api(key: str, url: str = "/api/v1/organisations/") -> int:
    return Client().get(url, HTTP_AUTHORIZATION=f"Token {key}").status_code


def test_a_fresh_token_answers(db):
    user = member(Role.CARE_COORDINATOR)
    token, key = tokens.api_token_create(actor=user, user=user, name="test")
    assert api(key) == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert ApiToken.objects.get().digest != key and key not in token.digest


def test_a_thirty_day_old_token_no_longer_answers(db, settings):
    user = member(Role.CARE_COORDINATOR)
    operator = UserFactory(is_staff=True)
    # An integration token, so the idle rule cannot be what stops it.
    token, key = tokens.api_token_create(actor=operator, user=user, name="x", integration=True)
    created = timezone.now() - timedelta(days=30, minutes=1)
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=created, expires_at=created + timedelta(days=30), last_used_at=None
    )
    assert api(key) == 401


def test_the_expiry_is_a_setting(db, settings):
    settings.API_TOKEN_DAYS = 7
    user = member(Role.CARE_COORDINATOR)
    token, _key = tokens.api_token_create(actor=user, user=user, name="test")
    assert timedelta(days=6, hours=23) < token.expires_at - token.created_at <= timedelta(days=7)


def test_a_personal_token_unused_past_the_idle_limit_dies(db, settings):
    user = member(Role.CARE_COORDINATOR)
    token, key = tokens.api_token_create(actor=user, user=user, name="test")
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - idle)
    assert api(key) == 401


def test_an_integration_token_made_by_a_platform_admin_has_no_idle_rule(db, settings):
    user = member(Role.CARE_COORDINATOR)
    operator = UserFactory(is_staff=True)
    token, key = tokens.api_token_create(
        actor=operator, user=user, name="Koppeling cliëntsysteem", integration=True
    )
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE * 10)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - idle)
    assert api(key) == 200


def test_only_a_platform_admin_makes_integration_tokens_through_the_one_guard(db):
    user = member(Role.ORG_ADMIN)
    with pytest.raises(Forbidden) as integration:
        tokens.api_token_create(actor=user, user=user, name="x", integration=True)
    assert integration.value.rule == (
        "accounts.apitoken.create:own-personal-or-platform-admin-integration"
    )
    with pytest.raises(Forbidden):  # a personal token for someone else, even by an admin
        tokens.api_token_create(actor=user, user=member(Role.CARE_COORDINATOR), name="x")
    operator = UserFactory(is_staff=True)
    with pytest.raises(Forbidden):  # a platform admin makes integration tokens, not personal
        tokens.api_token_create(actor=operator, user=user, name="x")
    assert not ApiToken.objects.exists()


def test_an_integration_token_needs_a_name(db):
    operator = UserFactory(is_staff=True)
    with pytest.raises(DomainError) as unnamed:
        tokens.api_token_create(
            actor=operator, user=member(Role.CARE_COORDINATOR), name=" ", integration=True
        )
    assert unnamed.value.code == "required" and unnamed.value.field == "name"


def test_the_log_names_the_rule_that_allowed_the_token(db):
    user = member(Role.CARE_COORDINATOR)
    token, _key = tokens.api_token_create(actor=user, user=user, name="x")
    tokens.api_token_revoke(actor=user, token=token)
    rules = set(
        AccessLogEntry.objects.filter(object_id=f"api-token:{token.prefix}").values_list(
            "rule", flat=True
        )
    )
    assert rules == {
        "accounts.apitoken.create:own-personal-or-platform-admin-integration",
        "accounts.apitoken.revoke:own",
    }


def test_nobody_revokes_another_persons_token_not_even_a_platform_admin(db):
    owner = member(Role.CARE_COORDINATOR)
    token, key = tokens.api_token_create(actor=owner, user=owner, name="x")
    for other in (member(Role.ORG_ADMIN), UserFactory(is_staff=True)):
        with pytest.raises(Forbidden) as refused:
            tokens.api_token_revoke(actor=other, token=token)
        assert refused.value.hidden
    assert api(key) == 200


def test_the_command_refuses_an_integration_token_by_someone_not_a_platform_admin(db):
    user = member(Role.CARE_COORDINATOR)
    with pytest.raises(CommandError):
        call_command(
            "api_token_create", user=user.email, name="ECD", by=user.email, integration=True
        )
    assert not ApiToken.objects.exists()


def test_the_command_issues_a_named_integration_token(db, capsys):
    user = member(Role.CARE_COORDINATOR)
    operator = UserFactory(is_staff=True)
    call_command(
        "api_token_create", user=user.email, name="ECD", by=operator.email, integration=True
    )
    key = capsys.readouterr().out.split()[0]
    assert api(key) == 200
    assert ApiToken.objects.get().is_integration


def test_the_page_lists_tokens_with_last_use_and_revokes_them(db, login):
    user = member(Role.CARE_COORDINATOR)
    browser = login(user)
    created = browser.post("/accounts/api-token/", {"name": "Rapportage"})
    assert created.status_code == 200
    key = created.context["new_token"]
    assert api(key) == 200
    page = browser.get("/accounts/api-token/")
    (listed,) = page.context["tokens"]
    assert listed.name == "Rapportage" and listed.last_used_at is not None
    assert listed.state == "active"
    assert browser.post(f"/accounts/api-token/{listed.pk}/intrekken/").status_code == 302
    assert api(key) == 401
    assert AccessLogEntry.objects.filter(object_id=f"api-token:{listed.prefix}").count() == 2


def test_a_token_needs_a_name_a_clear_message_and_nothing_made(db, login):
    browser = login(member(Role.CARE_COORDINATOR))
    response = browser.post("/accounts/api-token/", {"name": ""})
    assert response.status_code == 400 and "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_another_users_token_is_not_found(db, login):
    owner = member(Role.CARE_COORDINATOR)
    token, key = tokens.api_token_create(actor=owner, user=owner, name="x")
    other = login(member(Role.CARE_COORDINATOR))
    assert other.post(f"/accounts/api-token/{token.pk}/intrekken/").status_code == 404
    assert api(key) == 200


def test_a_garbage_token_is_401_not_500(db):
    assert api("nonsense") == 401
    assert Client().get("/api/v1/organisations/", HTTP_AUTHORIZATION="Token a b").status_code == 401


def test_a_dead_token_is_401_with_the_scheme_and_no_credentials_is_still_403(db):
    """A request that presented a token learns the token failed (401, `WWW-Authenticate:
    Token`, the reason); one without credentials is refused as before (403)."""
    user = member(Role.CARE_COORDINATOR)
    token, key = tokens.api_token_create(actor=user, user=user, name="test")
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=31),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    answer = Client().get("/api/v1/clients/", HTTP_AUTHORIZATION=f"Token {key}")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Token"
    assert answer.json()["errors"][0]["detail"] == "Deze API-sleutel is verlopen."
    assert Client().get("/api/v1/clients/").status_code == 403
