"""Pages for placements and agreements. Thin: fetch through the layer, parse with a form,
call one service, render or redirect.

The agreement page is the working page: terms, parties and signatures, evaluations, the
documents, the timeline, and a small form per step the reader may take now. The
municipality reads the same pages without care terms, evaluation details or names.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import access
from accounts.access.views import ProtectedView
from accounts.errors import DomainError, add_to_form
from accounts.models import Role, User
from matching.board import selectors as board_selectors
from matching.board.models import Proposal

from . import documents, machine, rules, selectors, services
from .forms import (
    ACTION_FORMS,
    AgreementFilterForm,
    EvaluationForm,
    PlacementCreateForm,
    SignForm,
    TermsForm,
    WelcomeTalkForm,
    action_form,
)
from .models import Agreement, AgreementKind, AgreementState, Evaluation, Placement
from .permissions import PARTY, sees_care_data


def _is_party_role(request: HttpRequest) -> bool:
    return bool(access.roles_of(request.user) & {Role.CARE_COORDINATOR, Role.HOUSING_CONSULTANT})


class AgreementListView(ProtectedView, TemplateView):
    """My placements and agreements, with filters (state, kind, due soon, overdue)."""

    template_name = "placements/agreement_list.html"
    access_model = Agreement
    access_action = "list"
    access_purpose = "plaatsingen"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = AgreementFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        agreements = selectors.agreement_list(
            user=self.actor,
            state=filters.get("state") or "",
            kind=filters.get("kind") or "",
            due=filters.get("due") or "",
        )
        page = Paginator(agreements, 25).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        names = selectors.visible_names(user=self.actor, placements=[a.placement for a in rows])
        for a in rows:
            a.visible_name = names.get(a.placement_id, "")  # type: ignore[attr-defined]
            a.due = selectors.due_of(a)  # type: ignore[attr-defined]
        access.audit(
            "placements.agreement.listed",
            actor=self.actor,
            target=Agreement,
            object_id=f"{len(rows)} getoond",
            rule=self.access_rule,
            purpose=self.access_purpose,
            request=self.request,
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            "form": form,
            "page": page,
            "rows": rows,
            "querystring": query.urlencode(),
            "is_party": _is_party_role(self.request),
            "to_place": selectors.proposals_to_place(user=self.actor).count()
            if _is_party_role(self.request)
            else 0,
        }


class OverviewView(ProtectedView, TemplateView):
    """The municipality's aggregate over all agreements of its board(s): no names, no care."""

    template_name = "placements/overview.html"
    access_model = Agreement
    access_action = "overview"
    access_purpose = "monitoring plaatsingen"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        access.audit(
            "placements.agreement.listed",
            actor=self.actor,
            target=Agreement,
            object_id="overzicht",
            rule=self.access_rule,
            purpose=self.access_purpose,
            request=self.request,
        )
        return {"overview": selectors.overview(user=self.actor)}


class ProposalsToPlaceView(ProtectedView, TemplateView):
    """Agreed proposals of the user's organisation that have no placement yet."""

    template_name = "placements/proposals_to_place.html"
    access_model = Placement
    access_action = "create"
    access_purpose = "plaatsingen"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        proposals = list(selectors.proposals_to_place(user=self.actor))
        names = board_selectors.for_reader(user=self.actor, proposals=proposals)
        for p in proposals:
            p.visible_name = names.get(p.pk, "")  # type: ignore[attr-defined]
        access.audit(
            "matching.proposal.listed",
            actor=self.actor,
            target=Proposal,
            object_id=f"{len(proposals)} akkoord zonder plaatsing",
            rule=self.access_rule,
            purpose=self.access_purpose,
            request=self.request,
        )
        return {"proposals": proposals}


class PlacementCreateView(ProtectedView, TemplateView):
    """Choose the agreement type with the parties; the placement is made on submit."""

    template_name = "placements/placement_create.html"
    access_model = Placement
    access_action = "create"
    access_purpose = "plaatsing maken"

    def proposal(self) -> Proposal:
        return access.get_object_or_404(
            self.request,
            selectors.proposals_to_place(user=self.actor),
            "view",
            purpose=self.access_purpose,
            pk=self.kwargs["proposal"],
        )

    def render_form(self, proposal: Proposal, form: PlacementCreateForm) -> HttpResponse:
        name = board_selectors.for_reader(user=self.actor, proposals=[proposal]).get(proposal.pk)
        return self.render_to_response({"proposal": proposal, "form": form, "name": name})

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        proposal = self.proposal()
        preferred = proposal.profile.get("agreement_type") or AgreementKind.FLIP_LEASE
        return self.render_form(proposal, PlacementCreateForm(initial={"kind": preferred}))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        proposal = self.proposal()
        form = PlacementCreateForm(request.POST)
        if form.is_valid():
            try:
                placement = services.placement_create(
                    actor=self.actor,
                    proposal=proposal,
                    kind=form.cleaned_data["kind"],
                    request=request,
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Plaatsing gemaakt: vul de voorwaarden aan."))
                agreement = placement.agreements.get()
                return redirect("placements:agreement-detail", pk=agreement.pk)
        return self.render_form(proposal, form)


# --- One placement -----------------------------------------------------------------------------


class PlacementMixin(ProtectedView):
    kwargs: dict[str, Any]
    access_model = Placement
    access_lookup = ("pk", "pk")

    def get_access_queryset(self) -> Any:
        return selectors.placement_detail_queryset()

    def get_access_purpose(self) -> str:
        return selectors.purpose_of_placement(self.kwargs["pk"])


def placement_context(request: HttpRequest, placement: Placement, **extra: Any) -> dict[str, Any]:
    user = cast(User, request.user)
    can_welcome = access.decide(user, "welcome", placement).allowed
    talk = getattr(placement, "welcome_talk", None)
    form = extra.pop("welcome_form", None)
    if form is None and can_welcome:
        form = WelcomeTalkForm(
            initial={
                "held_on": talk.held_on,
                "participants": talk.participants,
                "notes": talk.notes,
            }
            if talk
            else None
        )
    return {
        "placement": placement,
        "name": selectors.visible_names(user=user, placements=[placement]).get(placement.pk, ""),
        "agreements": selectors.agreements_of(placement),
        "show_care": sees_care_data(user, placement),
        "welcome_talk": talk,
        "welcome_form": form,
        **extra,
    }


class PlacementDetailView(PlacementMixin, TemplateView):
    template_name = "placements/placement_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return placement_context(self.request, self.object)


class WelcomeTalkView(PlacementMixin, TemplateView):
    template_name = "placements/placement_detail.html"
    access_action = "welcome"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = WelcomeTalkForm(request.POST)
        if form.is_valid():
            try:
                services.welcome_talk_record(
                    actor=self.actor, placement=self.object, request=request, **form.cleaned_data
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Welkomstgesprek vastgelegd."))
                return redirect("placements:placement-detail", pk=self.object.pk)
        return self.render_to_response(placement_context(request, self.object, welcome_form=form))


# --- One agreement -----------------------------------------------------------------------------


class AgreementMixin(ProtectedView):
    kwargs: dict[str, Any]
    access_model = Agreement
    access_lookup = ("pk", "pk")

    def get_access_queryset(self) -> Any:
        return selectors.agreement_detail_queryset()

    def get_access_purpose(self) -> str:
        return selectors.purpose_of_agreement(self.kwargs["pk"])


def _sign_form(request: HttpRequest, agreement: Agreement, data: Any = None) -> SignForm | None:
    """The signature form, offered for the party due next if this user records it."""
    if agreement.state != AgreementState.SIGNING or not access.decide(
        request.user, "sign", agreement
    ):
        return None
    signed = {s.party for s in selectors.signatures_of(agreement)}
    due = machine.next_signer(agreement.kind, signed)
    mine = services.parties_of(cast(User, request.user), agreement.placement)
    if due is None or machine.RECORDED_BY[due] not in mine:
        return None if data is None else SignForm(data, parties=[due] if due else [])
    return SignForm(data, parties=[due])


def agreement_context(
    request: HttpRequest,
    agreement: Agreement,
    *,
    bound: forms.Form | None = None,
    bound_action: str = "",
) -> dict[str, Any]:
    user = cast(User, request.user)
    placement = agreement.placement
    evaluations = list(selectors.evaluations_of(agreement))
    steps = []
    for t in machine.available(agreement.kind, agreement.state):
        if t.action == "sign" or not access.decide(user, t.action, agreement):
            continue
        form = bound if bound_action == t.action else action_form(t.action, evaluations=evaluations)
        steps.append({"transition": t, "form": form, "open": bound_action == t.action})
    signatures = selectors.signatures_for(user=user, agreement=agreement)
    signed = {s.party for s in signatures}
    next_party = (
        machine.next_signer(agreement.kind, signed)
        if agreement.state == AgreementState.SIGNING
        else None
    )
    agreement.next_evaluation = next(  # type: ignore[attr-defined]
        (e.due_on for e in evaluations if not e.is_held and not e.cancelled), None
    )
    return {
        "agreement": agreement,
        "placement": placement,
        "name": selectors.visible_names(user=user, placements=[placement]).get(placement.pk, ""),
        "show_care": sees_care_data(user, placement),
        "is_party": PARTY(user, placement),
        "evaluations": evaluations,
        "documents": list(selectors.documents_of(agreement)),
        "timeline": selectors.timeline_for(user=user, agreement=agreement),
        "signatures": signatures,
        "signing_order": machine.SIGNING_ORDER[agreement.kind],
        "next_party": next_party,
        "sign_form": bound if bound_action == "sign" else _sign_form(request, agreement),
        "steps": steps,
        "can_edit": rules.agreement_terms_change(agreement) is None
        and access.decide(user, "change", agreement).allowed,
        "can_document": access.decide(user, "document", agreement).allowed,
        "due": selectors.due_of(agreement),
    }


class AgreementDetailView(AgreementMixin, TemplateView):
    template_name = "placements/agreement_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return agreement_context(self.request, self.object)


class AgreementEditView(AgreementMixin, TemplateView):
    """The terms of a draft agreement."""

    template_name = "placements/agreement_edit.html"
    access_action = "change"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        a = self.object
        form = TermsForm(initial={f: getattr(a, f) for f in services.TERM_FIELDS}, kind=a.kind)
        return self.render_to_response({"agreement": a, "form": form})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        a = self.object
        form = TermsForm(request.POST, kind=a.kind)
        if form.is_valid():
            try:
                services.agreement_update_terms(
                    actor=self.actor, agreement=a, data=form.cleaned_data, request=request
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Voorwaarden opgeslagen."))
                return redirect("placements:agreement-detail", pk=a.pk)
        return self.render_to_response({"agreement": a, "form": form})


class AgreementStepView(AgreementMixin, TemplateView):
    """One step of the table (issue, revise, cancel, extend, flip, convert, care stopped or
    resumed, end), with its own small form on the agreement page."""

    template_name = "placements/agreement_detail.html"
    # POST only: the page that shows the form is the agreement's (a GET here is 405, not a
    # template rendered without its context).
    http_method_names = ["post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if kwargs.get("action") not in ACTION_FORMS:
            raise Http404(_("Niet gevonden."))
        return super().dispatch(request, *args, **kwargs)

    def get_access_action(self) -> str:
        return str(self.kwargs["action"])

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        action = self.kwargs["action"]
        agreement = self.object
        form = action_form(action, request.POST, evaluations=list(agreement.evaluations.all()))
        if form.is_valid():
            try:
                services.agreement_step(
                    actor=self.actor,
                    agreement=agreement,
                    action=action,
                    data=form.cleaned_data,
                    request=request,
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request, machine.TRANSITIONS[action].label + ": " + _("vastgelegd.")
                )
                agreement.refresh_from_db()
                successor = Agreement.objects.filter(previous=agreement).first()
                target = (
                    successor.pk if successor and action in ("flip", "convert") else agreement.pk
                )
                return redirect("placements:agreement-detail", pk=target)
        messages.error(request, _("Niet vastgelegd: zie de melding bij het formulier."))
        fresh = selectors.agreement_detail_queryset().get(pk=agreement.pk)
        return self.render_to_response(
            agreement_context(request, fresh, bound=form, bound_action=action)
        )


class AgreementSignView(AgreementMixin, TemplateView):
    template_name = "placements/agreement_detail.html"
    access_action = "sign"
    http_method_names = ["post"]  # as AgreementStepView

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        agreement = self.object
        form = SignForm(request.POST)
        if form.is_valid():
            try:
                services.agreement_sign(
                    actor=self.actor,
                    agreement=agreement,
                    request=request,
                    **form.cleaned_data,
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Handtekening vastgelegd."))
                return redirect("placements:agreement-detail", pk=agreement.pk)
        messages.error(request, _("Niet vastgelegd: zie de melding bij het formulier."))
        fresh = selectors.agreement_detail_queryset().get(pk=agreement.pk)
        return self.render_to_response(
            agreement_context(request, fresh, bound=form, bound_action="sign")
        )


class AgreementDocumentView(AgreementMixin, View):
    """One version of the agreement's PDF, with the names this reader may see."""

    access_action = "document"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        document = self.object.documents.filter(version=kwargs["version"]).first()
        if document is None:
            raise Http404(_("Niet gevonden."))
        pdf = documents.render_pdf(document=document, viewer=self.actor)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{documents.filename(document)}"'
        return response


# --- Evaluations -------------------------------------------------------------------------------


class EvaluationMixin(ProtectedView):
    kwargs: dict[str, Any]
    access_model = Evaluation
    access_lookup = ("pk", "pk")

    def get_access_queryset(self) -> Any:
        return selectors.evaluation_detail_queryset()

    def get_access_purpose(self) -> str:
        return selectors.purpose_of_evaluation(self.kwargs["pk"])


class EvaluationView(EvaluationMixin, TemplateView):
    """An evaluation: the structured form for the parties, the outcome for the municipality."""

    template_name = "placements/evaluation.html"
    access_action = {"GET": "view", "POST": "record"}

    def context(self, form: EvaluationForm | None) -> dict[str, Any]:
        ev = self.object
        user = self.actor
        placement = ev.agreement.placement
        sides = services.parties_of(user, placement)
        can_record = (
            access.decide(user, "record", ev).allowed
            and rules.evaluation_record(ev, sides=sides) is None
        )
        can_confirm = (
            access.decide(user, "confirm", ev).allowed
            and rules.evaluation_confirm(ev, sides=sides, actor_id=user.pk) is None
        )
        if form is None and can_record:
            form = EvaluationForm(initial=EvaluationForm.initial_from(ev))
        return {
            "evaluation": ev,
            "agreement": ev.agreement,
            "placement": placement,
            "show_care": sees_care_data(user, placement),
            "form": form if can_record else None,
            "can_confirm": can_confirm,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return self.context(None)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = EvaluationForm(request.POST)
        if form.is_valid():
            try:
                services.evaluation_record(
                    actor=self.actor,
                    evaluation=self.object,
                    data=form.service_data(),
                    request=request,
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Evaluatie vastgelegd; de andere partij bevestigt."))
                return redirect("placements:agreement-detail", pk=self.object.agreement_id)
        context = self.context(form)
        context["form"] = form
        return self.render_to_response(context)


class EvaluationConfirmView(EvaluationMixin, View):
    access_action = "confirm"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            services.evaluation_confirm(actor=self.actor, evaluation=self.object, request=request)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("placements:evaluation", pk=self.object.pk)
        messages.success(request, _("Evaluatie bevestigd."))
        return redirect("placements:agreement-detail", pk=self.object.agreement_id)
