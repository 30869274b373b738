"""Pages of the placement board. Thin: fetch through the layer, call one service, render.

The meeting screen is one page that includes `_agenda.html`; htmx re-fetches that fragment
every few seconds (`meeting-live`), so everyone at the table sees decisions appear.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import access
from accounts.access import log
from accounts.access.views import ProtectedView
from accounts.errors import DomainError
from accounts.models import AccessAction, Role

from . import selectors, services
from .models import Board, Meeting, Proposal, ProposalStatus


class BoardListView(ProtectedView, TemplateView):
    template_name = "board/board_list.html"
    access_model = Board
    access_action = "list"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        boards = list(selectors.board_list(user=request.user))
        if len(boards) == 1:
            return redirect("matching:board-detail", pk=boards[0].pk)  # type: ignore[return-value]
        return self.render_to_response({"boards": boards})


class BoardDetailView(ProtectedView, TemplateView):
    template_name = "board/board_detail.html"
    access_model = Board
    access_lookup = ("pk", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            "board": self.object,
            "meetings": selectors.meeting_list(user=self.request.user, board=self.object),
        }


class MeetingMixin(ProtectedView):
    access_model = Meeting
    access_lookup = ("pk", "pk")

    def get_access_queryset(self) -> Any:
        return selectors.meeting_detail_queryset()

    def get_access_purpose(self) -> str:
        return selectors.purpose_of_meeting(self.kwargs["pk"])


def agenda_context(
    request: HttpRequest, meeting: Meeting, *, log_read: bool = True
) -> dict[str, Any]:
    by = request.GET.get("per", "neighbourhood")
    if by not in {"neighbourhood", "provider", "corporation"}:
        by = "neighbourhood"
    proposals = list(selectors.agenda(user=request.user, meeting=meeting))
    names = selectors.for_reader(
        user=request.user,
        proposals=proposals,
        request=request if log_read else None,
        purpose=meeting.purpose,
    )
    for p in proposals:
        p.visible_name = names.get(p.pk, "")  # type: ignore[attr-defined]
    roles = access.roles_of(request.user)
    return {
        "meeting": meeting,
        "groups": selectors.grouped(proposals, by=by),
        "per": by,
        "summary": selectors.summary(proposals),
        "is_chair": Role.BOARD_CHAIR in roles,
    }


class MeetingDetailView(MeetingMixin, TemplateView):
    """The meeting screen (tafelscherm): agenda, decision states, why no match."""

    template_name = "board/meeting_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        meeting = self.object
        log.record(
            actor=self.request.user,
            action=AccessAction.VIEW,
            target=meeting,
            rule=getattr(meeting, "_access_rule", ""),
            purpose=meeting.purpose,
            request=self.request,
        )
        context = agenda_context(self.request, meeting, log_read=False)  # logged above
        context["no_match"] = selectors.no_match_for(user=self.request.user, meeting=meeting)
        context["can_generate"] = access.decide(self.request.user, "generate", meeting).allowed
        context["run"] = selectors.latest_run(meeting)
        return context


class MeetingLiveView(MeetingMixin, TemplateView):
    """The agenda fragment the meeting screen polls (htmx)."""

    template_name = "board/_agenda.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return agenda_context(self.request, self.object)


class MeetingGenerateView(MeetingMixin, View):
    access_action = "generate"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            run = services.proposals_generate(
                meeting=self.object, actor=request.user, request=request
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Voorstellen berekend: %(n)s koppelingen in %(ms)s ms.")
                % {"n": run.stats.get("assigned", 0), "ms": run.duration_ms},
            )
        return redirect("matching:meeting-detail", pk=self.object.pk)


class MeetingCloseView(MeetingMixin, View):
    """The chair closes the meeting (minutes final; open proposals keep their deadlines)."""

    access_action = "generate"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            services.meeting_close(actor=request.user, meeting=self.object, request=request)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Het overleg is afgerond; de notulen zijn definitief."))
        return redirect("matching:meeting-detail", pk=self.object.pk)


class MeetingOverrideView(MeetingMixin, View):
    """The chair asks to place beyond headroom / in a stopped complex (four eyes)."""

    access_action = "override"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            proposal = services.proposal_override_request(
                actor=request.user,
                meeting=self.object,
                client_id=int(request.POST.get("client", 0) or 0),
                dwelling_id=int(request.POST.get("dwelling", 0) or 0),
                reason=request.POST.get("reason", ""),
                request=request,
            )
        except (DomainError, ValueError) as error:
            messages.error(request, getattr(error, "message", _("Kies een cliënt en een woning.")))
            return redirect("matching:meeting-detail", pk=self.object.pk)
        messages.success(
            request, _("Overschrijding gevraagd; een tweede persoon van de gemeente bevestigt.")
        )
        return redirect("matching:proposal-detail", pk=proposal.pk)


class MeetingMinutesView(MeetingMixin, TemplateView):
    template_name = "board/minutes.html"
    access_action = "minutes"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return minutes_context(self.request, self.object, action=AccessAction.VIEW)


def minutes_context(request: HttpRequest, meeting: Meeting, *, action: str) -> dict[str, Any]:
    proposals = selectors.minutes(user=request.user, meeting=meeting)
    names = selectors.for_reader(
        user=request.user,
        proposals=proposals,
        request=request,
        purpose=f"{meeting.purpose}: notulen",
        action=action,
    )
    for p in proposals:
        p.visible_name = names.get(p.pk, "")  # type: ignore[attr-defined]
    return {
        "meeting": meeting,
        "proposals": proposals,
        "summary": selectors.summary(proposals),
        "follow_ups": [
            p
            for p in proposals
            if p.status in (ProposalStatus.OPEN, ProposalStatus.AWAITING_CONFIRMATION)
        ],
        "no_match": selectors.no_match_for(user=request.user, meeting=meeting),
    }


class MeetingMinutesPdfView(MeetingMixin, View):
    access_action = "minutes"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from weasyprint import HTML  # imported here: loading pango is slow

        html = render_to_string(
            "board/minutes_pdf.html",
            minutes_context(request, self.object, action=AccessAction.PRINT),
            request=request,
        )
        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="notulen-{self.object.week_label}.pdf"'
        )
        return response


class ProposalMixin(ProtectedView):
    access_model = Proposal
    access_lookup = ("pk", "pk")

    def get_access_queryset(self) -> Any:
        return selectors.proposal_detail_queryset()

    def get_access_purpose(self) -> str:
        return selectors.purpose_of_proposal(self.kwargs["pk"])


class ProposalDetailView(ProposalMixin, TemplateView):
    template_name = "board/proposal_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        p = self.object
        user = self.request.user
        return {
            "p": p,
            "meeting": p.meeting,
            "name": selectors.for_reader(user=user, proposals=[p]).get(p.pk, ""),
            # Only the two parties hear that it became a placement (and get the link).
            "is_party": p.care_provider_id
            in access.organisation_ids_of(user, Role.CARE_COORDINATOR)
            or p.corporation_id in access.organisation_ids_of(user, Role.HOUSING_CONSULTANT),
            "events": selectors.timeline(p),
            "can_decide": access.decide(user, "decide", p).allowed and not p.consultant_decision,
            "can_respond": access.decide(user, "respond", p).allowed and not p.client_decision,
            "can_confirm": access.decide(user, "confirm", p).allowed
            and p.status == ProposalStatus.AWAITING_CONFIRMATION
            and p.override_requested_by_id != user.pk,
            "decline_reasons": services.CONSULTANT_DECLINE_REASONS,
            "refusal_reasons": services.CLIENT_REFUSAL_REASONS,
        }


class _ProposalAction(ProposalMixin, View):
    def perform(self, request: HttpRequest) -> Any:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            self.perform(request)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Vastgelegd."))
        return redirect("matching:proposal-detail", pk=self.object.pk)


class ProposalDecideView(_ProposalAction):
    access_action = "decide"

    def perform(self, request: HttpRequest) -> Any:
        return services.proposal_decide(
            actor=request.user,
            proposal=self.object,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            text=request.POST.get("text", ""),
            request=request,
        )


class ProposalRespondView(_ProposalAction):
    access_action = "respond"

    def perform(self, request: HttpRequest) -> Any:
        return services.proposal_respond(
            actor=request.user,
            proposal=self.object,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            text=request.POST.get("text", ""),
            request=request,
        )


class ProposalRejectOverrideView(_ProposalAction):
    access_action = "confirm"

    def perform(self, request: HttpRequest) -> Any:
        return services.proposal_override_reject(
            actor=request.user,
            proposal=self.object,
            reason=request.POST.get("reason", ""),
            request=request,
        )


class ProposalConfirmView(_ProposalAction):
    access_action = "confirm"

    def perform(self, request: HttpRequest) -> Any:
        return services.proposal_override_confirm(
            actor=request.user, proposal=self.object, request=request
        )
