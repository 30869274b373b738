"""Factories for the board: meetings and proposals, with traits for where a proposal stands.

    ProposalFactory(meeting=m, client=c, dwelling=d)                 # open, no decisions
    ProposalFactory(meeting=m, client=c, dwelling=d, approved=True)  # the corporation agreed
    ProposalFactory(meeting=m, client=c, dwelling=d, agreed=True)    # both agreed: to place

The provider, corporation, neighbourhood and shared profile follow from the client and the
dwelling; the deciding people default to None (pass consultant_by= and client_by=), since a
factory cannot know who in the test world decided.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from matching.board.models import (
    ClientDecision,
    ConsultantDecision,
    Meeting,
    Proposal,
    ProposalStatus,
)


class MeetingFactory(DjangoModelFactory):
    """A board's meeting on `date` (today by default); pass board=."""

    class Meta:
        model = Meeting

    board = None  # required
    date = factory.LazyFunction(timezone.localdate)
    week_label = factory.LazyAttribute(lambda o: _week_label(o.date))


def _week_label(day: dt.date) -> str:
    from matching.board import services

    return services.week_label(day)


def _shared_profile(client: object) -> dict[str, object]:
    from cases import selectors

    return selectors.shared_profile_data(client)


class ProposalFactory(DjangoModelFactory):
    """A proposal of `dwelling` for `client` at `meeting` (all three required)."""

    class Meta:
        model = Proposal

    meeting = None
    client = None
    dwelling = None
    care_provider = factory.LazyAttribute(lambda o: o.client.care_provider)
    corporation = factory.LazyAttribute(lambda o: o.dwelling.corporation)
    neighbourhood = factory.LazyAttribute(lambda o: o.dwelling.neighbourhood)
    status = ProposalStatus.OPEN
    profile = factory.LazyAttribute(lambda o: _shared_profile(o.client))
    deadline = factory.LazyAttribute(lambda o: o.meeting.date + dt.timedelta(days=7))

    class Params:
        approved = factory.Trait(
            consultant_decision=ConsultantDecision.APPROVED,
            consultant_at=factory.LazyFunction(timezone.now),
        )
        accepted = factory.Trait(
            client_decision=ClientDecision.ACCEPTED,
            client_at=factory.LazyFunction(timezone.now),
        )
        agreed = factory.Trait(
            approved=True,
            accepted=True,
            status=ProposalStatus.AGREED,
            closed_at=factory.LazyFunction(timezone.now),
        )
