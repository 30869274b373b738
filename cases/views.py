"""The coordinator's pages: client list, intake, client page, and its actions.

Thin views: fetch through the permission layer, parse with a form, call one service,
render or redirect. Everyone who is not a care coordinator gets a 404 on every URL here
(corporations and the municipality must not even learn that client pages exist).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import access, formatting
from accounts.access.views import ProtectedView
from accounts.errors import FieldErrors, add_to_form
from accounts.models import AccessResult, Organisation, Role

from . import rules, selectors, services
from .forms import (
    ClientFilterForm,
    ClientForm,
    ConsentForm,
    NoteForm,
    ReassignForm,
    TransitionForm,
)
from .lifecycle import TRANSITIONS
from .models import Client, ClientStatus, ConsentScope
from .rent import IncomeBracket

PURPOSE = "cliëntdossier"


class CoordinatorView(ProtectedView):
    """Protected, and a 404 (with a refused log row) for anyone without the coordinator role."""

    access_model = Client
    access_purpose = PURPOSE

    def get_access_queryset(self) -> Any:
        return selectors.client_detail_queryset()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and not access.organisation_ids_of(user, Role.CARE_COORDINATOR):
            access.audit(
                "cases.client.viewed" if request.method == "GET" else "cases.client.changed",
                actor=user,
                target=Client,
                object_id=str(kwargs.get("reference", "")),
                result=AccessResult.REFUSED,
                rule="not-a-care-coordinator",
                purpose=self.access_purpose,
                request=request,
            )
            raise Http404(_("Niet gevonden."))
        return super().dispatch(request, *args, **kwargs)


class ClientObjectView(CoordinatorView):
    access_lookup = ("reference", "reference")

    def done(self) -> HttpResponse:
        return redirect("cases:client-detail", reference=self.object.reference)


class ClientListView(CoordinatorView, TemplateView):
    template_name = "cases/client_list.html"
    access_action = "list"
    access_purpose = "cliëntenoverzicht"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = ClientFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        clients = selectors.client_list(
            user=self.actor,
            q=filters.get("q") or "",
            status=filters.get("status") or "",
            target_group=filters.get("target_group") or "",
            min_waiting_days=filters.get("waiting"),
            mine=bool(filters.get("mine")),
            order=filters.get("order") or "registered",
        )
        page = Paginator(clients, 25).get_page(self.request.GET.get("page"))
        rows = [(client, *selectors.waiting_days(client)) for client in page.object_list]
        # The search itself is logged (never the search text: it may be a name).
        access.audit(
            "cases.client.listed",
            actor=self.actor,
            target=Client,
            object_id=f"{len(rows)} getoond",
            rule=self.access_rule,
            purpose=self.access_purpose,
            request=self.request,
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(form=form, page=page, rows=rows, querystring=query.urlencode())
        return context


class ClientCreateView(CoordinatorView, TemplateView):
    template_name = "cases/client_form.html"
    access_action = "create"
    access_purpose = "intake"

    def provider(self) -> Organisation:
        ids = access.organisation_ids_of(self.request.user, Role.CARE_COORDINATOR)
        return Organisation.objects.get(pk=min(ids))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        provider = self.provider()
        context.setdefault("form", ClientForm(region_id=provider.region_id))
        context["provider"] = provider
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        provider = self.provider()
        form = ClientForm(request.POST, region_id=provider.region_id)
        if form.is_valid():
            try:
                client = services.client_register(
                    actor=self.actor,
                    data=form.service_data(),
                    care_provider=provider,
                    mark_ready="mark_ready" in request.POST,
                    request=request,
                )
            except services.DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request, _("Cliënt %(ref)s is geregistreerd.") % {"ref": client.reference}
                )
                return redirect("cases:client-detail", reference=client.reference)
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _preview_context(client: Client) -> dict[str, Any]:
    shared = selectors.shared_profile_data(client)
    return {
        "shared": shared,
        "shared_rows": shared_rows(shared),
        "is_shared_now": selectors.is_shared_now(client),
    }


class ClientDetailView(ClientObjectView, TemplateView):
    template_name = "cases/client_detail.html"
    access_action = "view"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        client = self.object
        user = self.request.user
        since_registration, since_ready = selectors.waiting_days(client)
        context.update(
            client=client,
            care=client.care,
            profile=client.profile,
            since_registration=since_registration,
            since_ready=since_ready,
            consent=selectors.current_consent(client),
            consents=selectors.client_consents(client)[:10],
            history=selectors.client_history(client),
            notes=selectors.client_notes(client),
            actions=rules.offered_actions(client),
            can_change=access.decide(user, "change", client).allowed,
            can_reassign=access.decide(user, "reassign", client).allowed,
            consent_form=ConsentForm(),
            note_form=NoteForm(),
            reassign_form=ReassignForm(
                coordinators=selectors.coordinators_of(client.care_provider_id)
            ),
            missing=[
                str(ClientForm.base_fields[f].label) if f in ClientForm.base_fields else f
                for f in services.missing_for_ready(client)
            ]
            if rules.shows_missing_for_ready(client)
            else [],
            consent_scope=ConsentScope.SHARE_PROFILE_WITH_BOARD.label,
            **_preview_context(client),
        )
        return context


class ClientPreviewView(ClientObjectView, TemplateView):
    """Exactly what the board parties will see of this client (same function as the board)."""

    template_name = "cases/client_preview.html"
    access_action = "view"
    access_purpose = "voorvertoning gedeelde gegevens"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(client=self.object, **_preview_context(self.object))
        return context


class ClientEditView(ClientObjectView, TemplateView):
    template_name = "cases/client_form.html"
    access_action = "change"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        client = self.object
        context.setdefault(
            "form",
            ClientForm(
                initial=ClientForm.initial_from(client), region_id=client.care_provider.region_id
            ),
        )
        context.update(client=client, provider=client.care_provider)
        # A button that can never succeed is not offered.
        context["can_mark_ready"] = (
            rules.mark_ready_on_form(client, has_consent=selectors.client_has_valid_consent(client))
            is None
        )
        return context

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        client = self.object
        form = ClientForm(request.POST, region_id=client.care_provider.region_id)
        if form.is_valid():
            try:
                services.client_update(
                    actor=self.actor,
                    client=client,
                    data=form.service_data(),
                    mark_ready="mark_ready" in request.POST,
                    request=request,
                )
            except services.DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("De gegevens zijn opgeslagen."))
                return self.done()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ClientTransitionView(ClientObjectView, View):
    access_action = "transition"

    def post(self, request: HttpRequest, reference: str, action: str) -> HttpResponse:
        if action not in TRANSITIONS or TRANSITIONS[action].system:
            raise Http404(_("Niet gevonden."))
        form = TransitionForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.client_transition(
                actor=self.actor,
                client=self.object,
                action=action,
                reason=reason,
                request=request,
            )
        except FieldErrors as error:
            messages.error(
                request,
                _("Nog niet compleet. Vul eerst in: %(fields)s.")
                % {"fields": missing_labels(error.errors)},
            )
        except services.DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(action)s: de status is nu ‘%(status)s’.")
                % {"action": TRANSITIONS[action].label, "status": self.object.get_status_display()},
            )
        return self.done()


def missing_labels(errors: Mapping[str | None, list[str]]) -> str:
    fields = ClientForm.base_fields
    return ", ".join(
        str(fields[name].label).lower() if name in fields else str(name) for name in errors
    )


class ConsentRecordView(ClientObjectView, TemplateView):
    template_name = "cases/consent_form.html"
    access_action = "consent_record"
    access_purpose = "toestemming vastleggen"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ConsentForm())
        context.update(
            client=self.object, consent_scope=ConsentScope.SHARE_PROFILE_WITH_BOARD.label
        )
        return context

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        form = ConsentForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "confirmed"}
            try:
                services.consent_record(
                    actor=self.actor, client=self.object, request=request, **data
                )
            except services.DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("De toestemming is vastgelegd."))
                return self.done()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ConsentWithdrawView(ClientObjectView, View):
    access_action = "consent_withdraw"
    access_purpose = "toestemming intrekken"

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        try:
            services.consent_withdraw(actor=self.actor, client=self.object, request=request)
        except services.DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("De toestemming is ingetrokken. Andere partijen zien het woonprofiel niet meer."),
            )
        return self.done()


class NoteAddView(ClientObjectView, View):
    access_action = "note_add"
    access_purpose = "notitie toevoegen"

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        form = NoteForm(request.POST)
        try:
            if not form.is_valid():
                raise FieldErrors({"body": [_("Schrijf een notitie.")]})
            services.client_note_add(
                actor=self.actor,
                client=self.object,
                body=form.cleaned_data["body"],
                request=request,
            )
        except services.DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("De notitie is toegevoegd."))
        return self.done()


class ClientReassignView(ClientObjectView, View):
    access_action = "reassign"
    access_purpose = "coördinator wijzigen"

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        form = ReassignForm(
            request.POST, coordinators=selectors.coordinators_of(self.object.care_provider_id)
        )
        if not form.is_valid():
            messages.error(request, _("Kies een zorgcoördinator van uw organisatie."))
            return self.done()
        try:
            services.client_reassign(
                actor=self.actor,
                client=self.object,
                coordinator=form.cleaned_data["coordinator"],
                request=request,
            )
        except services.DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is nu de zorgcoördinator.")
                % {"name": form.cleaned_data["coordinator"]},
            )
        return self.done()


def shared_rows(shared: dict[str, Any]) -> list[tuple[str, str]]:
    """The shared projection as (label, value) rows, for the preview. Built only from
    `selectors.shared_profile_data`, so the preview cannot show more than the board gets."""
    from django.utils.dateparse import parse_date
    from django.utils.formats import date_format

    from . import geography
    from .models import AgreementType, TargetGroup, UrgencyDecidedBy

    def names(kind: str, codes: list[str]) -> str:
        if not codes:
            return "—"
        found = geography.names_by_code(kind, codes)
        return ", ".join(f"{found.get(code, code)} ({code})" for code in codes)

    def yes(flag: bool) -> str:
        return _("ja") if flag else _("nee")

    access_needs = shared["accessibility"]
    needs = [
        label
        for key, label in (
            ("step_free", _("traploos bereikbaar")),
            ("ground_floor_or_lift", _("begane grond of lift")),
            ("wheelchair", _("rolstoeltoegankelijk")),
        )
        if access_needs[key]
    ]
    if access_needs["max_floor"] is not None:
        needs.append(_("hoogstens verdieping %(n)s") % {"n": access_needs["max_floor"]})
    move = parse_date(shared["earliest_move_date"]) if shared["earliest_move_date"] else None
    ready = parse_date(shared["ready_since"]) if shared["ready_since"] else None
    household = shared["household"]
    urgent_until = parse_date(shared["urgent_until"]) if shared.get("urgent_until") else None
    urgency = (
        _("urgent, besloten door %(by)s, geldig tot en met %(until)s")
        % {
            "by": UrgencyDecidedBy(shared["urgency_decided_by"]).label
            if shared.get("urgency_decided_by")
            else "—",
            "until": date_format(urgent_until),
        }
        if urgent_until
        else _("geen urgentieverklaring")
    )
    # The rent limits' own year ("huurgrenzen 2026"), not a stale price level.
    max_rent = (
        formatting.money(shared["max_rent"])
        + " "
        + _("(huurgrenzen %(year)s)") % {"year": shared["rent_limits_year"]}
        if shared["max_rent"]
        else "—"
    )
    return [
        (_("Referentie"), shared["reference"]),
        (_("Status"), str(ClientStatus(shared["status"]).label)),
        (_("Uitstroomklaar sinds"), date_format(ready) if ready else "—"),
        (_("Urgentie"), urgency),
        (
            _("Doelgroep"),
            str(TargetGroup(shared["target_group"]).label) if shared["target_group"] else "—",
        ),
        (
            _("Huishouden"),
            formatting.household(household["adults"], household["children"]),
        ),
        (
            _("Inkomensgroep"),
            str(IncomeBracket.labels.get(shared["income_bracket"] or IncomeBracket.UNKNOWN)),
        ),
        (_("Maximale kale huur (passend toewijzen)"), max_rent),
        (_("Toegankelijkheid"), ", ".join(str(n) for n in needs) or _("geen bijzondere eisen")),
        (_("Voorkeursgemeenten"), names("gm", shared["preferred_municipalities"])),
        (_("Voorkeurswijken"), names("wk", shared["preferred_districts"])),
        (_("Uitgesloten buurten"), names("bu", shared["excluded_neighbourhoods"])),
        (
            _("Begeleiding"),
            _("%(h)s uur per week") % {"h": formatting.hours(shared["support_hours_per_week"])}
            if shared["support_hours_per_week"]
            else "—",
        ),
        (
            _("Werkgebied begeleidingsteam"),
            names("wk", [shared["support_team_district"]])
            if shared["support_team_district"]
            else "—",
        ),
        (
            _("Gewenste afspraakvorm"),
            str(AgreementType(shared["agreement_type"]).label) if shared["agreement_type"] else "—",
        ),
        (_("Vroegste verhuisdatum"), date_format(move) if move else "—"),
        (
            _("Huisdieren"),
            (shared["pets_description"] or yes(True)) if shared["pets"] else yes(False),
        ),
        (_("Toelichting voor de corporatie"), shared["note_for_corporation"] or "—"),
    ]
