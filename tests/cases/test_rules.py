"""The client's state rules (cases/rules.py): the reason a step is refused now, or None; the
service raises that reason and the pages offer a step only when there is none."""

from __future__ import annotations

import pytest

from accounts.errors import FieldErrors
from cases import rules
from cases.lifecycle import TRANSITIONS
from cases.models import Client, ClientStatus

S = ClientStatus


def client(status: str, before_pause: str = "") -> Client:
    return Client(status=status, status_before_pause=before_pause)


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
@pytest.mark.parametrize("status", list(S))
def test_a_step_applies_only_from_its_source_statuses(action, status):
    transition = TRANSITIONS[action]
    refused = rules.transition_status(client(status), transition)
    if status in transition.sources:
        assert refused is None
    else:
        assert refused is not None and refused.code == "invalid_transition"
        assert refused.conflict and refused.field == "action"


def test_steps_that_interrupt_the_path_need_a_reason():
    assert rules.transition_reason(TRANSITIONS["pause"], "").code == "reason_required"
    assert rules.transition_reason(TRANSITIONS["pause"], "ziekenhuisopname") is None
    assert rules.transition_reason(TRANSITIONS["back_to_draft"], "") is None


def test_resume_returns_a_draft_to_draft_and_anyone_else_to_ready():
    resume = TRANSITIONS["resume"]
    assert rules.target_of(client(S.PAUSED, before_pause=S.DRAFT), resume) == S.DRAFT
    assert rules.target_of(client(S.PAUSED, before_pause=S.ON_BOARD), resume) == S.READY
    assert rules.target_of(client(S.READY), TRANSITIONS["place_on_board"]) == S.ON_BOARD


@pytest.mark.parametrize(
    ("action", "target", "needed"),
    [
        ("mark_ready", S.READY, True),
        ("place_on_board", S.ON_BOARD, True),
        ("match", S.MATCHED, True),
        ("resume", S.READY, True),  # back to ready needs the consent like marking ready
        ("resume", S.DRAFT, False),
        ("back_to_draft", S.DRAFT, False),
        ("withdraw", S.WITHDRAWN, False),
    ],
)
def test_ready_and_the_board_need_a_consent_in_force(action, target, needed):
    transition = TRANSITIONS[action]
    refused = rules.transition_consent(transition, target, has_consent=False)
    assert (refused is not None and refused.code == "no_consent") is needed
    assert rules.transition_consent(transition, target, has_consent=True) is None


def test_ready_and_the_board_need_the_missing_fields_filled_in():
    missing = {"monthly_income": ["Nodig om uitstroomklaar te melden."]}
    refused = rules.transition_complete(TRANSITIONS["mark_ready"], S.READY, missing=missing)
    assert isinstance(refused, FieldErrors) and refused.field_errors == missing
    assert refused.codes == {"monthly_income": "required"}
    assert rules.transition_complete(TRANSITIONS["mark_ready"], S.READY, missing={}) is None
    assert rules.transition_complete(TRANSITIONS["match"], S.MATCHED, missing=missing) is None


def test_the_edit_form_offers_mark_ready_to_a_consented_draft_only():
    assert rules.mark_ready_on_form(client(S.DRAFT), has_consent=True) is None
    assert rules.mark_ready_on_form(client(S.DRAFT), has_consent=False).code == "no_consent"
    refused = rules.mark_ready_on_form(client(S.READY), has_consent=True)
    assert refused.code == "invalid_transition"


def test_the_page_lists_what_is_missing_only_while_marking_ready_is_next():
    assert rules.shows_missing_for_ready(client(S.DRAFT))
    assert not rules.shows_missing_for_ready(client(S.READY))


def test_the_page_offers_the_tables_rows_from_the_status_and_never_a_system_step():
    offered = {t.action for t in rules.offered_actions(client(S.ON_BOARD))}
    assert offered == {"take_off_board", "match", "pause", "withdraw"}
    assert "consent_lost" not in {t.action for t in rules.offered_actions(client(S.READY))}
