"""Demo board for the Veerhaven region: last week's meeting decided, this week's proposed.

Idempotent: the board and meetings are get-or-create, generation is keyed per meeting, and
last week's decisions are only taken while it is not yet closed.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from accounts.access import SystemActor
from accounts.models import Membership, Region, Role, User

from . import services
from .models import Meeting, MeetingStatus, Proposal, ProposalStatus

REGION_SLUG = "veerhaven"
DEMO = SystemActor("demo")


def _member(org_id: int, role: str) -> User | None:
    m = (
        Membership.objects.filter(organisation_id=org_id, role=role, is_active=True)
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    return m.user if m else None


def seed(*, stdout: TextIO) -> None:
    region = Region.objects.filter(slug=REGION_SLUG).first()
    if region is None:
        stdout.write("  matching: no demo region (run accounts first)")
        return
    chair = User.objects.filter(email="voorzitter@gemeente.demo").first()
    board = services.board_create(region=region, name="Plaatsingstafel Veerhaven", chair=chair)
    today = timezone.localdate()
    last = services.meeting_for_week(board=board, day=today - dt.timedelta(days=7))
    this = services.meeting_for_week(board=board, day=today)
    if last.status != MeetingStatus.CLOSED:
        services.proposals_generate(meeting=last, actor=DEMO, key=f"demo:{last.pk}")
        _decide_last_week(last)
    if this.status == MeetingStatus.PLANNED:
        services.proposals_generate(meeting=this, actor=DEMO, key=f"demo:{this.pk}")
    run = this.runs.order_by("-started_at").first()
    stdout.write(
        f"  matching: {board.name}; {last.week_label} afgerond "
        f"({last.proposals.filter(status=ProposalStatus.AGREED).count()} akkoord), "
        f"{this.week_label}: {this.proposals.filter(status=ProposalStatus.OPEN).count()} open "
        f"voorstellen" + (f", berekend in {run.duration_ms} ms" if run else "")
    )


def _decide_last_week(meeting: Meeting) -> None:
    """A realistic mix: most agreed, one declined by the corporation, one refused."""
    proposals = list(
        Proposal.objects.filter(meeting=meeting, status=ProposalStatus.OPEN).order_by("pk")
    )
    for i, p in enumerate(proposals):
        consultant = _member(p.corporation_id, Role.HOUSING_CONSULTANT)
        coordinator = _member(p.care_provider_id, Role.CARE_COORDINATOR)
        if consultant is None or coordinator is None:
            continue
        try:
            if i % 5 == 3:
                services.proposal_decide(
                    actor=consultant,
                    proposal=p,
                    decision="declined",
                    reason="stairwell_situation",
                    text="Eerst een gesprek met de bewonerscommissie.",
                )
                continue
            services.proposal_decide(actor=consultant, proposal=p, decision="approved")
            if i % 5 == 4:
                services.proposal_respond(
                    actor=coordinator,
                    proposal=p,
                    decision="refused",
                    reason="network",
                    text="Te ver van de dagbesteding.",
                )
            else:
                services.proposal_respond(
                    actor=coordinator, proposal=p, decision="accepted", text="Woning bezichtigd."
                )
        except services.DomainError:
            continue
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(
            status=MeetingStatus.CLOSED, closed_at=timezone.now()
        )
