"""Pages for signals. Thin: fetch through the layer, parse with a form, call one service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts import access
from accounts.access.views import ProtectedView
from accounts.errors import DomainError, add_to_form
from accounts.models import AccessAction
from matching.placements.models import Agreement, Party
from matching.placements.services import parties_of

from . import selectors, services
from .forms import (
    AnswerForm,
    CloseForm,
    EscalateForm,
    FollowUpForm,
    PeriodForm,
    PlanActionForm,
    SignalFilterForm,
    SignalForm,
)
from .models import PlanAction, Signal, SignalCategory, SignalState


class SignalListView(ProtectedView, TemplateView):
    template_name = "aftercare/signal_list.html"
    access_model = Signal
    access_action = "list"
    access_purpose = "nazorg"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = SignalFilterForm(self.request.GET or {"state": "open"})
        filters = form.cleaned_data if form.is_valid() else {"state": "open"}
        signals = selectors.signal_list(
            user=self.actor, state=filters.get("state", ""), category=filters.get("category", "")
        )
        page = Paginator(signals, 25).get_page(self.request.GET.get("page"))
        access.audit(
            "aftercare.signal.listed",
            actor=self.actor,
            target=Signal,
            object_id=f"{len(page.object_list)} getoond",
            rule=self.access_rule,
            purpose=self.access_purpose,
            request=self.request,
        )
        waiting = {s.pk for s in services.open_for(self.actor)}
        return super().get_context_data(
            form=form,
            page=page,
            waiting=waiting,
            states=SignalState,
            today=timezone.localdate(),
            **kwargs,
        )


def _step_forms(request: HttpRequest, signal: Signal, **bound: forms.Form) -> dict[str, Any]:
    """The small forms this reader may use now, bound ones (with errors) kept."""
    user = request.user
    sides = parties_of(user, signal.placement)  # type: ignore[arg-type]
    ctx: dict[str, Any] = {"sides": sides}
    if not sides or signal.state == SignalState.CLOSED:
        return ctx
    if signal.other_party in sides:
        if signal.state == SignalState.RAISED:
            ctx["can_acknowledge"] = True
        if signal.state in (SignalState.RAISED, SignalState.ACKNOWLEDGED):
            ctx["answer_form"] = bound.get("answer") or AnswerForm()
    ctx["plan_form"] = bound.get("plan") or PlanActionForm()
    ctx["follow_up_form"] = bound.get("follow_up")
    ctx["close_form"] = bound.get("close") or CloseForm()
    if signal.escalated_at is None:
        ctx["escalate_form"] = bound.get("escalate") or EscalateForm()
    return ctx


def signal_context(request: HttpRequest, signal: Signal, **bound: forms.Form) -> dict[str, Any]:
    return {
        "signal": signal,
        "placement": signal.placement,
        "agreement": signal.agreement,
        "actions": list(signal.actions.all()),
        "events": list(signal.events.select_related("actor")),
        "today": timezone.localdate(),
        **_step_forms(request, signal, **bound),
    }


class SignalMixin(ProtectedView):
    kwargs: dict[str, Any]
    access_model = Signal
    access_lookup = ("pk", "pk")
    access_purpose = "nazorg"

    def get_access_queryset(self) -> Any:
        return Signal.objects.select_related(
            "placement", "placement__board", "placement__neighbourhood", "agreement"
        )


class SignalDetailView(SignalMixin, TemplateView):
    template_name = "aftercare/signal_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**signal_context(self.request, self.object), **kwargs)


STEPS: dict[str, tuple[str, type[forms.Form] | None]] = {
    "ontvangst": ("acknowledge", None),
    "antwoord": ("answer", AnswerForm),
    "actie": ("plan", PlanActionForm),
    "opvolging": ("plan", FollowUpForm),
    "afsluiten": ("close", CloseForm),
    "voorleggen": ("escalate", EscalateForm),
}
BOUND_NAME = {
    "antwoord": "answer",
    "actie": "plan",
    "opvolging": "follow_up",
    "afsluiten": "close",
    "voorleggen": "escalate",
}


class SignalStepView(SignalMixin, TemplateView):
    """One step on a signal (POST only): acknowledge, answer, plan, follow up, close, escalate."""

    template_name = "aftercare/signal_detail.html"
    http_method_names = ["post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if kwargs.get("step") not in STEPS:
            raise Http404(_("Niet gevonden."))
        return super().dispatch(request, *args, **kwargs)

    def get_access_action(self) -> str:
        return STEPS[self.kwargs["step"]][0]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        step = self.kwargs["step"]
        form_class = STEPS[step][1]
        form = form_class(request.POST) if form_class else None
        signal = self.object
        if form is None or form.is_valid():
            data = form.cleaned_data if form else {}
            try:
                self._run(step, signal, data)
            except (DomainError, PlanAction.DoesNotExist) as error:
                if isinstance(error, PlanAction.DoesNotExist):
                    error = DomainError(_("Deze actie hoort niet bij dit signaal."), code="unknown")
                if form is None:
                    messages.error(request, str(error.message))
                    return redirect("aftercare:signal-detail", pk=signal.pk)
                add_to_form(form, error)
            else:
                messages.success(request, _("Vastgelegd."))
                return redirect("aftercare:signal-detail", pk=signal.pk)
        bound = {BOUND_NAME[step]: form} if form is not None else {}
        return self.render_to_response(
            self.get_context_data(**signal_context(request, signal, **bound))
        )

    def _run(self, step: str, signal: Signal, data: dict[str, Any]) -> None:
        actor, request = self.actor, self.request
        if step == "ontvangst":
            services.signal_acknowledge(actor=actor, signal=signal, request=request)
        elif step == "antwoord":
            services.signal_answer(actor=actor, signal=signal, request=request, **data)
        elif step == "actie":
            services.plan_action_add(actor=actor, signal=signal, request=request, **data)
        elif step == "opvolging":
            action = PlanAction.objects.get(pk=data["action"], signal=signal)
            services.plan_action_update(
                actor=actor,
                action=action,
                done_on=data.get("done_on"),
                follow_up=data.get("follow_up", ""),
                request=request,
            )
        elif step == "afsluiten":
            services.signal_close(actor=actor, signal=signal, request=request, **data)
        else:
            services.signal_escalate(actor=actor, signal=signal, request=request, **data)


class SignalCreateView(ProtectedView, TemplateView):
    """Raise a signal on an agreement. The page says what the other party will see."""

    template_name = "aftercare/signal_form.html"
    kwargs: dict[str, Any]
    access_model = Agreement
    access_action = "view"
    access_lookup = ("pk", "pk")
    access_purpose = "nazorg"

    def get_access_queryset(self) -> Any:
        return Agreement.objects.select_related("placement", "placement__board")

    def _party(self) -> str:
        sides = parties_of(self.actor, self.object.placement)
        if not sides:
            raise Http404(_("Niet gevonden."))
        return (
            Party.CARE_PROVIDER.value if Party.CARE_PROVIDER in sides else Party.CORPORATION.value
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        party = self._party()
        kwargs.setdefault("form", SignalForm(party=party, initial={"observed_on": dt.date.today()}))
        other = Party.CORPORATION if party == Party.CARE_PROVIDER else Party.CARE_PROVIDER
        return super().get_context_data(
            agreement=self.object,
            placement=self.object.placement,
            party=Party(party),
            other=other,
            categories=SignalCategory,
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = SignalForm(request.POST, party=self._party())
        if form.is_valid():
            try:
                signal = services.signal_raise(
                    actor=self.actor, agreement=self.object, request=request, **form.cleaned_data
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("Signaal %(ref)s gemeld; de andere partij is op de hoogte gebracht.")
                    % {"ref": signal.reference},
                )
                return redirect("aftercare:signal-detail", pk=signal.pk)
        return self.render_to_response(self.get_context_data(form=form))


class SignalCountsView(ProtectedView, TemplateView):
    """Per neighbourhood, per month and category: counts only, small numbers suppressed."""

    template_name = "aftercare/counts.html"
    access_model = Signal
    access_action = "counts"
    access_purpose = "nazorg: aantallen per buurt"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = timezone.localdate()
        form = PeriodForm(self.request.GET or None)
        start = today.replace(day=1) - dt.timedelta(days=365)
        end = today
        if form.is_bound and form.is_valid():
            start = form.cleaned_data.get("start") or start
            end = form.cleaned_data.get("end") or end
        months = selectors.counts_per_neighbourhood(user=self.actor, start=start, end=end)
        access.audit(
            "aftercare.signal.counted",
            action=AccessAction.SEARCH,
            actor=self.actor,
            target=Signal,
            object_id="aantallen",
            rule=self.access_rule,
            purpose=self.access_purpose,
            request=self.request,
        )
        return super().get_context_data(
            form=form,
            months=months,
            start=start,
            end=end,
            categories=SignalCategory.choices,
            threshold=selectors.small_number_threshold(),
            **kwargs,
        )


def agenda_section(request: HttpRequest, meeting: Any) -> dict[str, Any] | None:
    """The board's "zorg- en woonoverleg" on the meeting page (registered with the board)."""
    if not access.decide(request.user, "list", Signal):
        return None
    signals = selectors.meeting_agenda(user=request.user, meeting=meeting)  # type: ignore[arg-type]
    if not signals:
        return None
    access.audit(
        "aftercare.signal.listed",
        actor=request.user,
        target=Signal,
        object_id=f"{len(signals)} op de agenda",
        rule="party-or-chair",
        purpose=f"nazorg: agenda {meeting.week_label}",
        request=request,
    )
    return {"template": "aftercare/_meeting_section.html", "signals": signals}
