"""The agreement state machine as one explicit transition table.

    draft → signing → active ─┬─ extend → extended ─┬─ flip    → flipped   (flip lease)
      ↑        │              │                      ├─ convert → converted (tripartite)
      └ revise ┘              │                      └─ end     → ended
    draft/signing → cancelled  └─ care_stop → care_stopped → care_resume → active (triangle)

A table rather than a library, like the client lifecycle (`cases.lifecycle`): ten rows read
at a glance, the guards (signing order, a positive evaluation, dates) are plain functions in
`services`, and every row is tested. Anything not in the table is refused with a message
that names the actions that are possible.

Signing runs in a fixed order per kind (`SIGNING_ORDER`): the client first, then the care
provider confirms the care, and the corporation countersigns last, because the lease takes
effect with the landlord's signature. The last signature activates the agreement.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import AgreementKind as K
from .models import AgreementState as S
from .models import Party

ALL_KINDS = frozenset(K.values)


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    kinds: frozenset[str]
    sources: frozenset[str]
    # None: the service works the target out (a signature activates only when it is the last).
    target: str | None
    # Who may take the step: "party" (care provider or corporation), or one of them.
    by: str
    needs_reason: bool = False
    # "": none; "held": a held final evaluation; "positive": held, positive, confirmed by both.
    needs_evaluation: str = ""
    danger: bool = False


def _t(
    action: str,
    label: str | Promise,
    kinds: set[str] | frozenset[str],
    sources: set[str],
    target: str | None,
    by: str,
    **flags: object,
) -> Transition:
    return Transition(action, label, frozenset(kinds), frozenset(sources), target, by, **flags)  # type: ignore[arg-type]


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("issue", _("Aanbieden ter ondertekening"), ALL_KINDS, {S.DRAFT}, S.SIGNING, "party"),
        _t("sign", _("Handtekening vastleggen"), ALL_KINDS, {S.SIGNING}, None, "party"),
        _t(
            "revise",
            _("Terug naar concept"),
            ALL_KINDS,
            {S.SIGNING},
            S.DRAFT,
            "party",
            needs_reason=True,
        ),
        _t(
            "cancel",
            _("Plaatsing laten vervallen"),
            ALL_KINDS,
            {S.DRAFT, S.SIGNING},
            S.CANCELLED,
            "party",
            needs_reason=True,
            danger=True,
        ),
        _t(
            "extend",
            _("Verlengen"),
            {K.FLIP_LEASE, K.TRIPARTITE},
            {S.ACTIVE, S.EXTENDED},
            S.EXTENDED,
            Party.CORPORATION,
            needs_evaluation="held",
        ),
        _t(
            "flip",
            _("Omklappen naar de huurder"),
            {K.FLIP_LEASE},
            {S.ACTIVE, S.EXTENDED},
            S.FLIPPED,
            Party.CORPORATION,
            needs_evaluation="positive",
        ),
        _t(
            "convert",
            _("Omzetten naar regulier huurcontract"),
            {K.TRIPARTITE},
            {S.ACTIVE, S.EXTENDED},
            S.CONVERTED,
            Party.CORPORATION,
            needs_evaluation="positive",
        ),
        _t(
            "care_stop",
            _("Zorg gestopt melden"),
            {K.TRIANGLE},
            {S.ACTIVE},
            S.CARE_STOPPED,
            Party.CARE_PROVIDER,
            needs_reason=True,
            danger=True,
        ),
        _t(
            "care_resume",
            _("Zorg hervat"),
            {K.TRIANGLE},
            {S.CARE_STOPPED},
            S.ACTIVE,
            Party.CARE_PROVIDER,
            needs_reason=True,
        ),
        _t(
            "end",
            _("Beëindigen"),
            ALL_KINDS,
            {S.ACTIVE, S.EXTENDED, S.CARE_STOPPED},
            S.ENDED,
            Party.CORPORATION,
            needs_reason=True,
            danger=True,
        ),
    ]
}

SIGNING_ORDER: dict[str, tuple[str, ...]] = {
    K.FLIP_LEASE: (Party.CLIENT, Party.CARE_PROVIDER, Party.CORPORATION),
    K.TRIPARTITE: (Party.CLIENT, Party.CARE_PROVIDER, Party.CORPORATION),
    K.TRIANGLE: (Party.CLIENT, Party.CARE_PROVIDER, Party.CORPORATION),
    K.ORDINARY: (Party.CLIENT, Party.CORPORATION),
}

# Which organisation records a party's signature: the client signs with their coordinator.
RECORDED_BY: dict[str, str] = {
    Party.CLIENT: Party.CARE_PROVIDER,
    Party.CARE_PROVIDER: Party.CARE_PROVIDER,
    Party.CORPORATION: Party.CORPORATION,
}


def available(kind: str, state: str) -> list[Transition]:
    """The steps possible for an agreement of `kind` in `state`, in table order."""
    return [t for t in TRANSITIONS.values() if kind in t.kinds and state in t.sources]


def next_signer(kind: str, signed: set[str]) -> str | None:
    """The party whose signature is due next, or None when everyone signed."""
    for party in SIGNING_ORDER[kind]:
        if party not in signed:
            return party
    return None
