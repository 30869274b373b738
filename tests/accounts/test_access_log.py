"""The access log: complete rows, written with the action, and append-only in the database."""

from __future__ import annotations

import importlib

import pytest
from django.db import DatabaseError, transaction
from django.test import RequestFactory

from accounts.access import SYSTEM, log
from accounts.models import AccessLogEntry, AccessResult, Role
from tests.accounts.factories import member

pytestmark = pytest.mark.django_db


def test_a_row_records_who_what_which_result_rule_when_where_and_why():
    actor = member(Role.ORG_ADMIN)
    responsible = member(Role.ORG_ADMIN, actor.memberships.get().organisation)
    target = actor.memberships.get()
    request = RequestFactory().get("/leden/", REMOTE_ADDR="192.0.2.7")
    request.user = actor

    entry = log.audit(
        "accounts.membership.viewed",
        actor=actor,
        target=target,
        rule="accounts.membership.view:org-admin-or-self",
        purpose="plaatsingstafel 2026-W48",
        request=request,
        responsible=responsible,
    )

    entry.refresh_from_db()
    assert entry.user_id == actor.pk and entry.user_email == actor.email
    assert entry.organisation_id == target.organisation_id
    assert entry.organisation_name == target.organisation.name
    assert entry.role == Role.ORG_ADMIN
    assert entry.responsible_user_id == responsible.pk
    assert entry.action == "view"
    assert entry.event == "accounts.membership.viewed"
    assert entry.object_type == "accounts.membership"
    assert entry.object_id == f"membership:{target.pk}"
    assert entry.result == AccessResult.SUCCESS
    assert entry.rule == "accounts.membership.view:org-admin-or-self"
    assert entry.purpose == "plaatsingstafel 2026-W48"
    assert entry.ip_address == "192.0.2.7"
    assert entry.channel == "web"
    assert entry.at.utcoffset().total_seconds() == 0  # stored and returned in UTC


def test_the_database_refuses_to_update_a_row():
    entry = log.audit("test.object.viewed", actor=SYSTEM, target="test.object", object_id="1")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(purpose="rewritten history")
    entry.refresh_from_db()
    assert entry.purpose == ""


def test_the_database_refuses_to_delete_a_row():
    entry = log.audit("test.object.viewed", actor=SYSTEM, target="test.object", object_id="1")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_a_row_outlives_the_person_it_names():
    actor = member(Role.CARE_COORDINATOR)
    entry = log.audit("test.object.viewed", actor=actor, target="test.object", object_id="x")
    actor.memberships.all().delete()
    actor.delete()
    entry.refresh_from_db()
    assert entry.user_email == actor.email


def test_a_rolled_back_change_leaves_no_row():
    with pytest.raises(RuntimeError), transaction.atomic():
        log.audit("test.object.changed", actor=SYSTEM, target="test.object", object_id="1")
        raise RuntimeError("the change failed")
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    "object_type, action, purpose, event",
    [
        ("cases.client", "view", "cliëntdossier", "cases.client.viewed"),
        ("cases.client", "change", "cliëntdossier: mark_ready", "cases.client.mark_ready"),
        ("matching.proposal", "change", "tafel 2026-W10: override confirmed",
         "matching.proposal.override_confirmed"),
        ("placements.agreement", "change", "plaatsing WB-2026-00001: extend",
         "placements.agreement.extended"),
        ("housing.dwelling", "create", "", "housing.dwelling.created"),
        ("matching.meeting", "change", "iets: onbekend woord", "matching.meeting.changed"),
    ],
)  # fmt: skip
def test_old_rows_get_the_event_their_type_action_and_purpose_imply(
    object_type, action, purpose, event
):
    migration = importlib.import_module("accounts.migrations.0005_i12_accesslog_event")
    assert migration.event_of(object_type, action, purpose) == event


def test_the_event_backfill_keeps_the_log_append_only():
    # The migration disables (PostgreSQL) or drops and re-creates (SQLite) the trigger.
    entry = log.audit("test.object.viewed", actor=SYSTEM, target="test.object", object_id="1")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(event="")
