"""Pages of the placement board. Thin: fetch through the layer, call one service, render.

The meeting screen is one page that includes `_agenda.html`; htmx re-fetches that fragment
every few seconds (`meeting-live`), so everyone at the table sees decisions appear.
"""

from __future__ import annotations

import logging
import time
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import access
from accounts.access.views import ProtectedView
from accounts.errors import DomainError
from accounts.models import AccessAction, Role, User

from . import agenda, rules, selectors, services, tasks
from .models import Board, Meeting, Proposal

logger = logging.getLogger(__name__)


class BoardListView(ProtectedView, TemplateView):
    template_name = "board/board_list.html"
    access_model = Board
    access_action = "list"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        boards = list(selectors.board_list(user=self.actor))
        if len(boards) == 1:
            return redirect("matching:board-detail", pk=boards[0].pk)
        return self.render_to_response({"boards": boards})


class BoardDetailView(ProtectedView, TemplateView):
    template_name = "board/board_detail.html"
    access_model = Board
    access_lookup = ("pk", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            "board": self.object,
            "meetings": selectors.meeting_list(user=self.actor, board=self.object),
        }


class MeetingMixin(ProtectedView):
    access_model = Meeting
    access_lookup = ("pk", "pk")

    def get_access_queryset(self) -> Any:
        return selectors.meeting_detail_queryset()

    def get_access_purpose(self) -> str:
        return selectors.purpose_of_meeting(self.kwargs["pk"])


def _grouping(request: HttpRequest) -> str:
    by = request.GET.get("per", "neighbourhood")
    return by if by in {"neighbourhood", "provider", "corporation"} else "neighbourhood"


def _agenda_version(request: HttpRequest, meeting: Meeting) -> selectors.AgendaVersion:
    view = f"{_grouping(request)}:{get_language()}"
    return selectors.agenda_version(user=cast(User, request.user), meeting=meeting, view=view)


def agenda_context(
    request: HttpRequest, meeting: Meeting, version: selectors.AgendaVersion | None = None
) -> dict[str, Any]:
    by = _grouping(request)
    version = version or _agenda_version(request, meeting)
    user = cast(User, request.user)  # called by protected views only
    proposals = list(selectors.agenda(user=user, meeting=meeting))
    names = selectors.for_reader(user=user, proposals=proposals)
    for p in proposals:
        p.visible_name = names.get(p.pk, "")  # type: ignore[attr-defined]
    roles = access.roles_of(user)
    return {
        "meeting": meeting,
        "groups": selectors.grouped(proposals, by=by),
        "per": by,
        "summary": selectors.summary(proposals),
        "is_chair": Role.BOARD_CHAIR in roles,
        "agenda_etag": version.etag,
    }


def _log_meeting_read(request: HttpRequest, meeting: Meeting, *, what: str, action: str) -> None:
    """One access-log row for a read of the meeting's proposals (agenda, minutes, PDF),
    written by the view, whether the body came from the cache or was just rendered."""
    access.audit(
        f"matching.meeting.{what}",
        action=action,
        actor=cast(User, request.user),
        target=meeting,
        rule=getattr(meeting, "_access_rule", ""),
        purpose=meeting.purpose,
        request=request,
    )


class MeetingDetailView(MeetingMixin, TemplateView):
    """The meeting screen (tafelscherm): agenda, decision states, why no match."""

    template_name = "board/meeting_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        meeting = self.object
        access.audit(
            "matching.meeting.viewed",
            actor=self.actor,
            target=meeting,
            rule=getattr(meeting, "_access_rule", ""),
            purpose=meeting.purpose,
            request=self.request,
        )
        user = self.actor
        is_open = rules.meeting_open(meeting) is None
        version = _agenda_version(self.request, meeting)
        context = {
            "meeting": meeting,
            "per": _grouping(self.request),
            "is_chair": Role.BOARD_CHAIR in access.roles_of(user),
            "agenda_html": agenda_html(self.request, meeting, version),
            # Rendered under its fingerprint (a {% cache %} block): on a hit the list is never
            # computed, so it is passed lazily.
            "no_match_key": selectors.no_match_version(meeting=meeting),
            "no_match": SimpleLazyObject(
                lambda: selectors.no_match_for(user=user, meeting=meeting)
            ),
            "can_generate": is_open and access.decide(user, "generate", meeting).allowed,
            "can_override": is_open and access.decide(user, "override", meeting).allowed,
            "extra_sections": agenda.sections(self.request, meeting),
            # Presentation mode for the shared screen: large type, no navigation (same data).
            "presentation": self.request.GET.get("weergave") == "presentatie",
        }
        context["run"], context["generation"] = selectors.screen_runs(meeting)
        return context


AGENDA_HTML_TTL = 10 * 60


def agenda_html(request: HttpRequest, meeting: Meeting, version: selectors.AgendaVersion) -> str:
    """The rendered agenda, kept in the cache under its version (the user's ETag).

    Rendering 200 rows is most of the screen's cost; the version changes with every decision
    and names the user, so a kept copy is never another user's or out of date. Without a cache
    (Redis down) it is rendered every time.
    """
    key = f"matching:agenda-html:{version.etag}"
    html = cache.get(key)
    if html is None:
        # One render per version: when a meeting opens, every viewer of the same kind asks for
        # the same copy at once. The first takes the render lock; the others wait for its result
        # (a short poll) instead of rendering 200 rows each. Without a cache (Redis down: `add`
        # answers None) or when the render takes too long, a viewer renders for itself.
        lock = f"{key}:rendering"
        if cache.add(lock, 1, AGENDA_RENDER_LOCK_SECONDS) is False:
            html = _wait_for(key, AGENDA_RENDER_WAIT_SECONDS)
        if html is None:
            try:
                html = render_to_string(
                    "board/_agenda.html", agenda_context(request, meeting, version), request=request
                )
                cache.set(key, html, AGENDA_HTML_TTL)
            finally:
                cache.delete(lock)
    return mark_safe(html)  # noqa: S308 - our own template's output, escaped when rendered


AGENDA_RENDER_LOCK_SECONDS = 30
AGENDA_RENDER_WAIT_SECONDS = 10.0


def _wait_for(key: str, seconds: float) -> str | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)
        html = cache.get(key)
        if html is not None:
            return cast(str, html)
    return None


def _rows_key(etag: str) -> str:
    return f"matching:agenda-rows:{etag}"


class MeetingLiveView(MeetingMixin, View):
    """The agenda the meeting screen polls (htmx every 5 s), sent only when it changed.

    The screen sends the version it shows (`If-None-Match`, the ETag of its last answer). Equal
    to the current version: 204 for htmx (nothing to swap), 304 for any other conditional GET,
    after two light queries and no rendering. Changed, with the same rows: only the changed rows
    and the summary, as htmx out-of-band swaps (the row fingerprints of each version sent are
    kept in the cache for 15 minutes). Otherwise (rows came or went, the cache forgot, Redis is
    down): the whole agenda.
    """

    ROWS_TTL = 15 * 60

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        meeting = self.object
        version = _agenda_version(request, meeting)
        sent = request.headers.get("If-None-Match", "")
        htmx = request.headers.get("HX-Request") == "true"
        if sent == version.etag:
            response = HttpResponse(status=204 if htmx else 304)
        else:
            changed = version.changed_since(cache.get(_rows_key(sent))) if sent and htmx else None
            if changed is not None:
                response = self._changed_rows(meeting, version, changed)
            else:
                response = HttpResponse(agenda_html(request, meeting, version))
            cache.set(_rows_key(version.etag), version.rows, self.ROWS_TTL)
            # A body was sent (not 204/304): that is a read of the proposals.
            _log_meeting_read(request, meeting, what="agenda_viewed", action=AccessAction.VIEW)
        response["ETag"] = version.etag
        # The screen keeps the version itself; the browser's cache must not answer for it.
        response["Cache-Control"] = "no-store"
        return response

    def _changed_rows(
        self, meeting: Meeting, version: selectors.AgendaVersion, changed: list[int]
    ) -> HttpResponse:
        user = self.actor
        rows = list(selectors.agenda(user=user, meeting=meeting).filter(pk__in=changed))
        names = selectors.for_reader(user=user, proposals=rows)
        parts = [
            render_to_string(
                "board/_agenda_summary.html",
                {"summary": selectors.summary(version.proposals), "oob": True},
                request=self.request,
            )
        ]
        for p in rows:
            p.visible_name = names.get(p.pk, "")  # type: ignore[attr-defined]
            parts.append(
                render_to_string(
                    "board/_agenda_row.html", {"p": p, "oob": True}, request=self.request
                )
            )
        response = HttpResponse("".join(parts))
        response["HX-Reswap"] = "none"  # only the out-of-band rows and summary are swapped
        return response


class MeetingGenerateView(MeetingMixin, View):
    """ "Berekenen": queue one background run (a second click while it runs joins it)."""

    access_action = "generate"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            run, created = services.generation_request(
                meeting=self.object, actor=self.actor, request=request
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            run.refresh_from_db()  # without a broker it already ran (in-process)
            if run.status == "done":
                messages.success(
                    request,
                    _("Voorstellen berekend: %(n)s koppelingen in %(ms)s ms.")
                    % {"n": run.stats.get("assigned", 0), "ms": run.duration_ms},
                )
            elif not created:
                messages.info(request, _("Er loopt al een berekening voor dit overleg."))
        return redirect("matching:meeting-detail", pk=self.object.pk)


class MeetingGenerationStatusView(MeetingMixin, TemplateView):
    """The generation run's progress (htmx polls it while a run is queued or running)."""

    template_name = "board/_generation_status.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        run = selectors.current_generation(self.object)
        response = self.render_to_response({"meeting": self.object, "generation": run})
        if request.headers.get("HX-Request") and (run is None or not run.is_active):
            response["HX-Refresh"] = "true"  # the run ended: show its proposals
        return response


class MeetingCloseView(MeetingMixin, View):
    """The chair closes the meeting (minutes final; open proposals keep their deadlines)."""

    access_action = "generate"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            services.meeting_close(actor=self.actor, meeting=self.object, request=request)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Het overleg is afgerond; de notulen zijn definitief."))
        return redirect("matching:meeting-detail", pk=self.object.pk)


class MeetingOverrideView(MeetingMixin, View):
    """The chair asks to place beyond headroom / in a stopped complex (four eyes).

    GET `?client=<id>` is the override helper of one client without a proposal: the dwellings
    that fit if a limit is lifted, and the request form. The meeting page loads it when the chair
    opens a client's helper (htmx), or links here without JavaScript; carrying every client's
    list in the page made it megabytes at regional scale.
    """

    access_action = "override"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        meeting = self.object
        if refusal := rules.meeting_open(meeting):
            messages.error(request, refusal.message)
            return redirect("matching:meeting-detail", pk=meeting.pk)
        try:
            client_id = int(request.GET.get("client", ""))
        except ValueError:
            raise Http404 from None
        entry = next(
            (
                c
                for c in selectors.no_match_for(user=self.actor, meeting=meeting)["clients"]
                if c["client_id"] == client_id and c["if_lifted"]
            ),
            None,
        )
        if entry is None:  # since proposed, never without a proposal, or nothing fits
            raise Http404
        context = {"meeting": meeting, "c": selectors.with_lifted_texts(entry)}
        if request.headers.get("HX-Request") == "true":
            return render(request, "board/_override_helper.html", context)
        return render(request, "board/override_helper.html", context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            proposal = services.proposal_override_request(
                actor=self.actor,
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
        _log_meeting_read(
            self.request, self.object, what="minutes_viewed", action=AccessAction.VIEW
        )
        return minutes_context(self.request, self.object)


def minutes_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    return services.minutes_context_for(user=cast(User, request.user), meeting=meeting)


class MeetingMinutesPdfView(MeetingMixin, View):
    """The minutes as PDF, served from its stored file; made by a task when not there yet.

    The permission layer runs on every request (the stored file is the viewer's own); a miss
    queues the render and answers 202 with a page that looks again in a few seconds. The
    access-log row is written once, by the answer that serves the PDF (not by each 202).
    """

    access_action = "minutes"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        meeting = self.object
        user = self.actor
        language = get_language() or settings.LANGUAGE_CODE
        version = services.minutes_pdf_version(meeting=meeting, user=user, language=language)
        path = services.minutes_pdf_stored(meeting=meeting, user=user, version=version)
        if path is None:
            try:
                tasks.render_minutes_pdf.delay(meeting.pk, user.pk, version, language)
            except Exception:
                # No broker: the PDF is made here, slowly, rather than not at all.
                logger.warning("minutes PDF rendered in the request: the broker is down")
                services.minutes_pdf_render(
                    meeting=meeting, user=user, version=version, language=language
                )
            path = services.minutes_pdf_stored(
                meeting=meeting, user=user, version=version
            )  # there already when tasks run in-process
        if path is None:
            pending = render(
                request, "board/minutes_pdf_pending.html", {"meeting": meeting}, status=202
            )
            pending["Retry-After"] = "3"
            return pending  # nothing printed yet: the row is written when the PDF is served
        _log_meeting_read(request, meeting, what="minutes_printed", action=AccessAction.PRINT)
        response = FileResponse(
            path.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"notulen-{meeting.week_label}.pdf",
        )
        response["Cache-Control"] = "private, no-store"
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
        user = self.actor
        parts = selectors.score_parts(p)
        return {
            "p": p,
            "parts": parts,
            "explanation": selectors.explanation_text(p, parts),
            "meeting": p.meeting,
            "name": selectors.for_reader(user=user, proposals=[p]).get(p.pk, ""),
            # Only the two parties hear that it became a placement (and get the link).
            "is_party": p.care_provider_id
            in access.organisation_ids_of(user, Role.CARE_COORDINATOR)
            or p.corporation_id in access.organisation_ids_of(user, Role.HOUSING_CONSULTANT),
            "events": selectors.timeline(p),
            "can_decide": access.decide(user, "decide", p).allowed
            and rules.answer(p, side="consultant") is None,
            "can_respond": access.decide(user, "respond", p).allowed
            and rules.answer(p, side="client") is None,
            "can_confirm": access.decide(user, "confirm", p).allowed
            and rules.override_decision(p, actor_id=user.pk) is None,
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
            actor=self.actor,
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
            actor=self.actor,
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
            actor=self.actor,
            proposal=self.object,
            reason=request.POST.get("reason", ""),
            request=request,
        )


class ProposalConfirmView(_ProposalAction):
    access_action = "confirm"

    def perform(self, request: HttpRequest) -> Any:
        return services.proposal_override_confirm(
            actor=self.actor, proposal=self.object, request=request
        )
