"""The one guard, the one error path and the one audit call that every service uses."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts import access
from accounts.access import SYSTEM, SystemActor
from accounts.api.exceptions import exception_handler
from accounts.errors import DomainError, FieldErrors, Forbidden, add_to_form
from accounts.models import AccessAction, AccessLogEntry, Membership, Role
from tests.accounts.factories import member

pytestmark = pytest.mark.django_db


# --- access.authorize -------------------------------------------------------------------------


def test_authorize_returns_the_rule_that_allowed_it():
    admin = member(Role.ORG_ADMIN)
    other = member(Role.CARE_COORDINATOR, admin.memberships.get().organisation)
    rule = access.authorize(admin, "deactivate", other.memberships.get())
    assert rule == "accounts.membership.deactivate:org-admin"


def test_authorize_hides_an_object_outside_the_scope():
    admin = member(Role.ORG_ADMIN)
    stranger = member(Role.CARE_COORDINATOR)  # another organisation
    with pytest.raises(Forbidden) as error:
        access.authorize(admin, "deactivate", stranger.memberships.get())
    assert (error.value.code, error.value.hidden, error.value.rule) == (
        "not_found",
        True,
        "not-visible",
    )


def test_authorize_refuses_a_visible_object_the_rule_refuses():
    coordinator = member(Role.CARE_COORDINATOR)
    own = coordinator.memberships.get()  # visible (self) but only an admin may deactivate
    with pytest.raises(Forbidden) as error:
        access.authorize(coordinator, "deactivate", own)
    assert (error.value.code, error.value.hidden) == ("forbidden", False)
    assert error.value.rule == "accounts.membership.deactivate:org-admin"


def test_authorize_checks_class_level_rules_for_a_model():
    assert access.authorize(member(Role.ORG_ADMIN), "create", Membership)
    with pytest.raises(Forbidden):
        access.authorize(member(Role.CARE_COORDINATOR), "create", Membership)


@pytest.mark.parametrize("actor", [None, "anonymous"])
def test_authorize_refuses_no_actor_and_anonymous(actor):
    from django.contrib.auth.models import AnonymousUser

    target = member(Role.ORG_ADMIN).memberships.get()
    with pytest.raises(Forbidden) as error:
        access.authorize(AnonymousUser() if actor else None, "view", target)
    assert error.value.rule == "default-deny:anonymous"


def test_the_system_actor_passes_and_names_itself():
    target = member(Role.ORG_ADMIN).memberships.get()
    assert access.authorize(SYSTEM, "deactivate", target) == "system:system"
    assert access.authorize(SystemActor("board.deadlines"), "x", target) == "system:board.deadlines"
    assert access.memberships_of(SYSTEM) == [] and access.user_or_none(SYSTEM) is None


# --- access.audit -----------------------------------------------------------------------------


def test_audit_writes_the_event_and_derives_the_action_from_it():
    actor = member(Role.ORG_ADMIN)
    target = actor.memberships.get()
    viewed = access.audit("accounts.membership.viewed", actor=actor, target=target, rule="r")
    ended = access.audit("accounts.membership.deactivated", actor=actor, target=target, rule="r")
    made = access.audit(
        "accounts.membership.invited", actor=actor, target=target, action=AccessAction.CREATE
    )
    assert (viewed.event, viewed.action) == ("accounts.membership.viewed", "view")
    assert (ended.event, ended.action) == ("accounts.membership.deactivated", "change")
    assert made.action == "create"


@pytest.mark.parametrize("event", ["", "viewed", "cases.viewed", "Cases.Client.Viewed", "a..b"])
def test_audit_refuses_an_event_that_is_not_a_dotted_name(event):
    with pytest.raises(ValueError):
        access.audit(event, actor=SYSTEM, target="test.object", object_id="1")
    assert not AccessLogEntry.objects.exists()


def test_a_system_row_names_the_system_part_and_no_person():
    entry = access.audit(
        "test.object.changed", actor=SystemActor("board.deadlines"), target="test.object"
    )
    assert (entry.user_id, entry.user_email, entry.organisation_id) == (None, "", None)
    assert (entry.channel, entry.rule) == ("system", "system:board.deadlines")


# --- one error path: the form helper and the API handler ------------------------------------


class _Form(forms.Form):
    name = forms.CharField(required=False)


def test_add_to_form_puts_messages_at_their_fields_and_the_rest_above_the_form():
    form = _Form(data={})
    form.is_valid()
    add_to_form(form, FieldErrors({"name": ["te kort", "te vaag"], "elsewhere": ["mis"]}))
    add_to_form(form, DomainError("fout", field="name", code="x"))
    add_to_form(form, DomainError("algemeen"))
    assert form.errors["name"] == ["te kort", "te vaag", "fout"]
    assert form.non_field_errors() == ["mis", "algemeen"]


def test_field_errors_carry_a_code_per_field_to_the_form_and_the_api():
    error = FieldErrors({"name": ["te kort"], "elsewhere": ["mis"]}, codes={"name": "min_length"})
    assert error.codes == {"name": "min_length", "elsewhere": "invalid"}
    form = _Form(data={})
    form.is_valid()
    add_to_form(form, error)
    assert form.has_error("name", "min_length") and form.has_error(NON_FIELD_ERRORS, "invalid")
    status, data = _api(error)
    assert status == 400
    assert [(e["attr"], e["code"]) for e in data["errors"]] == [
        ("name", "min_length"),
        ("elsewhere", "invalid"),
    ]


def _api(error: Exception) -> tuple[int, dict]:
    request = APIRequestFactory().post("/api/v1/x/")
    response = exception_handler(error, {"view": APIView(), "request": request})
    assert response is not None
    return response.status_code, response.data


def test_the_api_answers_a_field_error_with_400_and_its_code():
    status, data = _api(DomainError("Geef een naam.", field="name", code="required"))
    assert status == 400
    assert data["errors"] == [{"code": "required", "detail": "Geef een naam.", "attr": "name"}]


def test_the_api_answers_field_errors_one_entry_per_message():
    status, data = _api(FieldErrors({"a": ["x", "y"], "b": ["z"]}))
    assert status == 400
    assert [(e["attr"], e["detail"]) for e in data["errors"]] == [
        ("a", "x"),
        ("a", "y"),
        ("b", "z"),
    ]


def test_the_api_answers_a_conflict_with_409_and_its_code():
    status, data = _api(DomainError("Al gesloten.", code="meeting_closed", conflict=True))
    assert status == 409
    assert data["errors"][0]["code"] == "meeting_closed"


def test_the_api_answers_forbidden_with_403_and_hidden_with_404():
    assert _api(Forbidden(rule="r"))[0] == 403
    status, data = _api(Forbidden(rule="not-visible", hidden=True))
    assert status == 404
    assert "not-visible" not in str(data)  # no trace of why it was hidden


# --- the access log can be filtered by event ---------------------------------------------------


def _log_with_events(admin):
    for event in (
        "placements.agreement.extended",
        "placements.agreement.signed",
        "cases.client.viewed",
    ):
        access.audit(event, actor=admin, target="test.object", object_id="1")


def test_the_access_log_page_filters_by_a_family_chosen_by_name(login):
    """The page offers families by name (one event alone is the API's `?event=`)."""
    admin = member(Role.ORG_ADMIN)
    _log_with_events(admin)
    client = login(admin)
    family = client.get(reverse("accounts:access-log"), {"event": "placements.agreement"})
    assert {e.event for e in family.context["page"]} == {
        "placements.agreement.extended",
        "placements.agreement.signed",
    }
    assert b"placements.agreement.signed" in family.content


def test_the_access_log_api_filters_by_event(login):
    admin = member(Role.ORG_ADMIN)
    _log_with_events(admin)
    response = login(admin).get("/api/v1/access-log/", {"event": "cases.client.viewed"})
    assert response.status_code == 200
    assert [row["event"] for row in response.json()["results"]] == ["cases.client.viewed"]
