"""The five races of issue 14, 20 rounds each, as real concurrent transactions on PostgreSQL
(two threads released together by a barrier), on the demo region:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woonbrug_races python -m benchmarks.races

1. decision ∥ recalculation: a consultant approves an open proposal while the chair
   recalculates → lost decisions (the approval gone, or the proposal superseded);
2. withdrawal ∥ recalculation: a client withdraws consent while the chair recalculates →
   open proposals for a client without consent;
3. consent record ∥ withdraw; 4. PATCH ∥ PATCH of two fields; 5. reassign ∥ reassign.
Every race also counts deadlocks and other errors. Prints one table (see benchmarks/README.md).
The database is migrated and seeded first (`seed_demo`); use a database of its own.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROUNDS = int(os.environ.get("RACE_ROUNDS", "20"))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup() -> None:
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (races need real locks).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("REQUIRE_MFA", "false")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)


def race(*calls: Callable[[], Any]) -> list[Any]:
    """The tests' race helper (one barrier start, results or exceptions in order)."""
    from tests.races import race as tests_race

    return tests_race(*calls)


def classify(results: list[Any], tally: Counter[str]) -> None:
    from accounts.errors import DomainError

    for r in results:
        if isinstance(r, Exception) and not isinstance(r, DomainError):
            tally["deadlocks" if "deadlock" in str(r).lower() else "errors"] += 1


def main() -> None:
    setup()
    from accounts.models import User
    from cases import services as case_services
    from cases.models import Client, Consent, LegalBasis
    from matching.board import services
    from matching.board.models import Meeting, MeetingStatus, Proposal, ProposalStatus

    chair = User.objects.get(email="voorzitter@gemeente.demo")
    meeting = Meeting.objects.exclude(status=MeetingStatus.CLOSED).order_by("-date").first()
    assert meeting is not None
    today = dt.date.today()
    rows = []

    def consent_and_ready(client: Client, actor: User) -> None:
        case_services.consent_record(
            actor=actor, client=client, legal_basis=LegalBasis.EXPLICIT_CONSENT,
            text_version="race", given_on=today, valid_until=today + dt.timedelta(days=300),
        )  # fmt: skip
        client.refresh_from_db()
        if client.status == "draft":
            case_services.client_transition(actor=actor, client=client, action="mark_ready")

    # 1. decision ∥ recalculation
    tally: Counter[str] = Counter()
    started = time.perf_counter()
    for _ in range(ROUNDS):
        services.proposals_generate(meeting=meeting, actor=chair)
        p = (
            Proposal.objects.filter(
                meeting=meeting, status=ProposalStatus.OPEN, consultant_decision=""
            )
            .select_related("corporation")
            .first()
        )
        if p is None:
            tally["skipped"] += 1
            continue
        consultant = User.objects.filter(
            memberships__organisation_id=p.corporation_id, memberships__role="housing_consultant"
        ).first()
        results = race(
            lambda: services.proposals_generate(meeting=meeting, actor=chair),
            lambda p=p, c=consultant: services.proposal_decide(
                actor=c, proposal=Proposal.objects.get(pk=p.pk), decision="approved"
            ),
        )
        classify(results, tally)
        p.refresh_from_db()
        if not isinstance(results[1], Exception) and (
            p.consultant_decision != "approved" or p.status == ProposalStatus.SUPERSEDED
        ):
            tally["lost decisions"] += 1
        # Harness reset (not a service): the proposal is undecided again for the next round.
        Proposal.objects.filter(pk=p.pk, status=ProposalStatus.OPEN).update(
            consultant_decision="", consultant_by=None, consultant_at=None
        )
    rows.append(("decision ∥ recalculation", tally, time.perf_counter() - started))

    # 2. withdrawal ∥ recalculation
    tally = Counter()
    started = time.perf_counter()
    for _ in range(ROUNDS):
        services.proposals_generate(meeting=meeting, actor=chair)
        p = Proposal.objects.filter(meeting=meeting, status=ProposalStatus.OPEN).first()
        client = p.client if p else Client.objects.filter(status="ready").first()
        if client is None:
            tally["skipped"] += 1
            continue
        coordinator = client.coordinator
        results = race(
            lambda: services.proposals_generate(meeting=meeting, actor=chair),
            lambda c=client, a=coordinator: case_services.consent_withdraw(
                actor=a, client=Client.objects.get(pk=c.pk)
            ),
        )
        classify(results, tally)
        open_ = Proposal.objects.filter(
            client=client, status__in=[ProposalStatus.OPEN, ProposalStatus.AWAITING_CONFIRMATION]
        ).exists()
        consented = Consent.objects.filter(client=client, ended_at__isnull=True).exists()
        if open_ and not consented:
            tally["proposals without consent"] += 1
        if not consented:
            consent_and_ready(Client.objects.get(pk=client.pk), coordinator)
    rows.append(("withdrawal ∥ recalculation", tally, time.perf_counter() - started))

    # 3. consent record ∥ withdraw
    tally = Counter()
    started = time.perf_counter()
    client = Client.objects.filter(status="ready").first()
    for _ in range(ROUNDS):
        coordinator = client.coordinator
        results = race(
            lambda c=client, a=coordinator: case_services.consent_record(
                actor=a, client=Client.objects.get(pk=c.pk),
                legal_basis=LegalBasis.EXPLICIT_CONSENT, text_version="race",
                given_on=today, valid_until=today + dt.timedelta(days=300),
            ),
            lambda c=client, a=coordinator: case_services.consent_withdraw(
                actor=a, client=Client.objects.get(pk=c.pk)
            ),
        )  # fmt: skip
        classify(results, tally)
        if Consent.objects.filter(client=client, ended_at__isnull=True).count() > 1:
            tally["two consents in force"] += 1
        if not Consent.objects.filter(client=client, ended_at__isnull=True).exists():
            consent_and_ready(Client.objects.get(pk=client.pk), coordinator)
    rows.append(("consent record ∥ withdraw", tally, time.perf_counter() - started))

    # 4. PATCH ∥ PATCH
    tally = Counter()
    started = time.perf_counter()
    for i in range(ROUNDS):
        coordinator = client.coordinator
        adults, children = 1 + i % 3, i % 4
        results = race(
            lambda c=client, a=coordinator, v=adults: case_services.client_update(
                actor=a, client=Client.objects.get(pk=c.pk), data={"adults": v}
            ),
            lambda c=client, a=coordinator, v=children: case_services.client_update(
                actor=a, client=Client.objects.get(pk=c.pk), data={"children": v}
            ),
        )
        classify(results, tally)
        profile = Client.objects.get(pk=client.pk).profile
        if (profile.adults, profile.children) != (adults, children):
            tally["lost fields"] += 1
    rows.append(("PATCH ∥ PATCH", tally, time.perf_counter() - started))

    # 5. reassign ∥ reassign
    from guardian.shortcuts import get_users_with_perms

    tally = Counter()
    started = time.perf_counter()
    colleagues = list(
        User.objects.filter(
            memberships__organisation_id=client.care_provider_id,
            memberships__role="care_coordinator",
            memberships__is_active=True,
        ).distinct()
    )
    admin = client.coordinator
    for i in range(ROUNDS):
        a, b = colleagues[i % len(colleagues)], colleagues[(i + 1) % len(colleagues)]
        results = race(
            lambda c=client, u=a, by=admin: case_services.client_reassign(
                actor=by, client=Client.objects.get(pk=c.pk), coordinator=u
            ),
            lambda c=client, u=b, by=admin: case_services.client_reassign(
                actor=by, client=Client.objects.get(pk=c.pk), coordinator=u
            ),
        )
        classify(results, tally)
        fresh = Client.objects.get(pk=client.pk)
        holders = set(get_users_with_perms(fresh, only_with_perms_in=["coordinate_client"]))
        if holders != {fresh.coordinator}:
            tally["grant holders ≠ coordinator"] += 1
            for h in holders - {fresh.coordinator}:  # repair for the next round
                from guardian.shortcuts import remove_perm

                remove_perm("cases.coordinate_client", h, fresh)
        admin = fresh.coordinator
    rows.append(("reassign ∥ reassign", tally, time.perf_counter() - started))

    print(f"| race ({ROUNDS} rounds) | lost / inconsistent | deadlocks | other errors | s |")
    print("|---|---|---|---|---|")
    for name, t, seconds in rows:
        bad = sum(v for k, v in t.items() if k not in {"deadlocks", "errors", "skipped"})
        detail = ", ".join(f"{k} {v}" for k, v in t.items() if k not in {"deadlocks", "errors"})
        print(
            f"| {name} | {bad}{f' ({detail})' if detail else ''} | {t['deadlocks']} | {t['errors']} | {seconds:.1f} |"
        )


if __name__ == "__main__":
    main()
