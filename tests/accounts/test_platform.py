"""Settings, health check, security headers, API errors and the demo command."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Membership, Organisation, Role, RoleGrant, User
from tests.accounts.factories import member

ROOT = Path(__file__).resolve().parents[2]


def _run_django(env_overrides: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env_overrides})
    return subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    result = _run_django({"DEBUG": "false"}, "print('started')")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_settings_start_with_a_development_key_when_debug_is_on():
    result = _run_django({"DEBUG": "true"}, "print('started')")
    assert result.returncode == 0, result.stderr


def test_the_deploy_check_is_clean_with_production_settings():
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "k3y-" + "q8Zr!vT2#pLw9&nB5@xY7$mC1^dF6*hJ0%sK4(gA3)eU" * 2,
        "ALLOWED_HOSTS": "woonbrug.example.nl",
        "HTTPS": "true",
    }
    code = "from django.core.management import call_command; call_command('check', '--deploy', '--fail-level', 'WARNING')"
    result = _run_django(env, code)
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["broker"] in {"ok", "eager (in-process)"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_the_interface_speaks_dutch_and_switches_to_english(client):
    assert "Aanmelden" in client.get(reverse("accounts:login")).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Sign in" in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.django_db
def test_api_errors_name_the_field(login):
    admin = member(Role.ORG_ADMIN)
    organisation = admin.memberships.get().organisation
    response = login(admin).post(
        "/api/v1/members/",
        {"organisation": organisation.pk, "email": "not-an-email", "full_name": "", "role": "x"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert {e["attr"] for e in body["errors"]} == {"email", "full_name", "role"}


@pytest.mark.django_db
def test_the_api_schema_is_served_to_verified_users_only(client, login):
    assert client.get("/api/schema/").status_code in {401, 403}
    response = login(member(Role.ANALYST)).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/members/" in response.content


@pytest.mark.django_db
def test_an_org_admin_invites_a_colleague_who_receives_a_link(
    login, django_capture_on_commit_callbacks
):
    admin = member(Role.ORG_ADMIN)
    organisation = admin.memberships.get().organisation
    second_admin = member(Role.ORG_ADMIN, organisation)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin).post(
            reverse("accounts:member-invite", args=[organisation.pk]),
            {"full_name": "Ans de Wit", "email": "Ans@Example.nl", "role": Role.CARE_COORDINATOR},
        )
    assert response.status_code == 302
    grant = RoleGrant.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        login(second_admin).post(reverse("accounts:role-grant-confirm", args=[grant.pk]))
    invited = User.objects.get(email="ans@example.nl")
    assert not invited.has_usable_password()
    assert invited.memberships.get().role == Role.CARE_COORDINATOR
    links = [m for m in mail.outbox if "/accounts/inschrijven/" in m.body]
    assert len(links) == 1 and links[0].to == ["ans@example.nl"]


@pytest.mark.django_db
def test_an_invite_with_a_role_the_organisation_cannot_hold_gets_a_field_error(login):
    admin = member(Role.ORG_ADMIN)
    organisation = admin.memberships.get().organisation  # a care provider
    response = login(admin).post(
        reverse("accounts:member-invite", args=[organisation.pk]),
        {"full_name": "Ans de Wit", "email": "ans@example.nl", "role": Role.BOARD_CHAIR},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["role"]
    assert not User.objects.filter(email="ans@example.nl").exists()


@pytest.mark.django_db
def test_the_demo_command_builds_the_region_twice_without_duplicates():
    call_command("seed_demo", stdout=StringIO())
    counts = (Organisation.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert counts[0] == 9
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {"municipality", "care_provider", "housing_corporation"}
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)


@pytest.mark.django_db
def test_the_purge_task_forgets_only_ended_sessions():
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import LoginSession
    from accounts.tasks import purge_login_sessions

    user = member(Role.ANALYST)
    old = LoginSession.objects.create(user=user, session_key="old")
    LoginSession.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=13))
    LoginSession.objects.create(user=user, session_key="new")
    assert purge_login_sessions.delay().get() == 1
    assert purge_login_sessions.delay().get() == 0
    assert list(LoginSession.objects.values_list("session_key", flat=True)) == ["new"]


@pytest.mark.django_db
def test_an_english_browser_still_gets_dutch_until_english_is_chosen(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Aanmelden" in page.content.decode()
    assert page["Content-Language"] == "nl"
