"""Pages for the client's privacy rights (see `cases.rights`). Thin: fetch through the layer
(`ClientRights`: coordinators of the client's provider and its privacy officer; everyone
else a 404), parse the period, read, log, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import access, formatting
from accounts.access.views import ProtectedView
from accounts.errors import DomainError
from accounts.models import AccessResult
from cases.models import ClientRights

from . import export, overview, retention
from .forms import ClientReferenceForm, PeriodForm, default_period

PAGE_SIZE = 100


class PrivacyRequestView(ProtectedView, TemplateView):
    """The privacy officer's (and coordinators') start: which client, which request."""

    template_name = "cases/rights/requests.html"
    access_model = ClientRights
    access_action = "request"
    access_purpose = "privacyverzoek"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ClientReferenceForm(request.GET or None)
        if form.is_bound and form.is_valid():
            reference = form.cleaned_data["reference"]
            if self.scoped(ClientRights).filter(reference=reference).exists():
                name = {
                    "access": "cases:client-access-overview",
                    "export": "cases:client-data-export",
                    "erase": "cases:client-erase",
                }[form.cleaned_data["kind"]]
                return redirect(reverse(name, kwargs={"reference": reference}))
            access.audit(
                "cases.client.viewed",
                actor=self.actor,
                target=ClientRights,
                object_id=reference,
                result=AccessResult.REFUSED,
                rule="not-visible",
                purpose=self.access_purpose,
                request=request,
            )
            form.add_error("reference", ClientReferenceForm.not_found_message())
        status = 400 if form.is_bound and form.errors else 200
        return self.render_to_response(self.get_context_data(form=form), status=status)


class AccessOverviewView(ProtectedView, TemplateView):
    """Wie heeft het dossier ingezien: the rows about this client in the chosen period."""

    template_name = "cases/rights/access_overview.html"
    access_model = ClientRights
    access_action = "access_overview"
    access_lookup = ("reference", "reference")
    access_purpose = overview.PURPOSE

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PeriodForm(request.GET or None)
        start, end = default_period()
        if form.is_bound and not form.is_valid():
            overview.record_refused_period(actor=self.actor, client=self.object, request=request)
            context = self.get_context_data(form=form, client=self.object, invalid=True)
            return self.render_to_response(context, status=400)
        if form.is_bound:
            start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        else:
            form = PeriodForm(initial={"date_from": start, "date_to": end})
        # Logged first: the overview the client receives includes its own making.
        overview.record_produced(
            actor=self.actor, client=self.object, start=start, end=end, printed=False,
            request=request,
        )  # fmt: skip
        entries = overview.entries_for(client=self.object, start=start, end=end)
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        if not query:
            query.update({"date_from": start.isoformat(), "date_to": end.isoformat()})
        context = self.get_context_data(
            form=form,
            client=self.object,
            start=start,
            end=end,
            page=page,
            rows=overview.rows(list(page.object_list)),
            summary=overview.summary(entries),
            query=query.urlencode(),
            max_pdf_rows=overview.MAX_PDF_ROWS,
        )
        return self.render_to_response(context)


class AccessOverviewPdfView(ProtectedView, TemplateView):
    """The same overview as a Dutch PDF to hand to the client (its production is logged)."""

    access_model = ClientRights
    access_action = "access_overview"
    access_lookup = ("reference", "reference")
    access_purpose = overview.PURPOSE

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PeriodForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            url = reverse("cases:client-access-overview", kwargs={"reference": kwargs["reference"]})
            return redirect(f"{url}?{request.GET.urlencode()}")
        start, end = (
            (form.cleaned_data["date_from"], form.cleaned_data["date_to"])
            if form.is_bound
            else default_period()
        )
        overview.record_produced(
            actor=self.actor, client=self.object, start=start, end=end, printed=True,
            request=request,
        )  # fmt: skip
        pdf, _count = overview.render_pdf(
            client=self.object, start=start, end=end, viewer=self.actor
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        name = overview.filename(self.object, start, end)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


EXPORT_PURPOSE = "kopie van de gegevens voor de cliënt"


class DataExportMixin(ProtectedView):
    access_model = ClientRights
    access_action = "data_export"
    access_lookup = ("reference", "reference")
    access_purpose = EXPORT_PURPOSE

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.object.anonymised_at is not None:
            # Nothing personal is left: say so instead of handing over an empty shell.
            access.audit(
                "cases.data_export.exported",
                actor=self.actor,
                target="cases.data_export",
                object_id=self.object.reference,
                client_reference=self.object.reference,
                result=AccessResult.REFUSED,
                rule="anonymised",
                purpose=EXPORT_PURPOSE,
                request=request,
            )
            return TemplateResponse(
                request,
                "cases/rights/anonymised.html",
                {"client": self.object},
                status=409,
            )
        return self.respond(request)

    def respond(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError

    def build(self) -> export.Export:
        return export.build(
            client=self.object, produced_by=self.actor.full_name or self.actor.email
        )

    def record(self, event: str, detail: str) -> None:
        access.audit(
            event,
            actor=self.actor,
            target="cases.data_export",
            object_id=self.object.reference,
            client_reference=self.object.reference,
            rule=getattr(self.object, "_access_rule", ""),
            purpose=f"{EXPORT_PURPOSE} ({detail})",
            request=self.request,
        )


class DataExportView(DataExportMixin, TemplateView):
    """Mijn gegevens: what the copy holds, part by part, with the PDF and JSON buttons."""

    template_name = "cases/rights/data_export.html"

    def respond(self, request: HttpRequest) -> HttpResponse:
        built = self.build()
        self.record("cases.data_export.viewed", "overzicht")
        return self.render_to_response(self.get_context_data(client=self.object, export=built))


class DataExportPdfView(DataExportMixin, View):
    """The readable copy (Dutch PDF)."""

    def respond(self, request: HttpRequest) -> HttpResponse:
        built = self.build()
        self.record("cases.data_export.exported", f"pdf, {built.record_count}")
        response = HttpResponse(export.render_pdf(built), content_type="application/pdf")
        name = export.filename(built, "pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class DataExportJsonView(DataExportMixin, View):
    """The machine-readable copy (JSON, every field of every record)."""

    def respond(self, request: HttpRequest) -> HttpResponse:
        built = self.build()
        self.record("cases.data_export.exported", f"json, {built.record_count}")
        response = HttpResponse(
            export.as_json_bytes(built), content_type="application/json; charset=utf-8"
        )
        name = export.filename(built, "json")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class EraseView(ProtectedView, TemplateView):
    """Erasure on the client's request: what would go and what must stay (and why), then the
    privacy officer confirms. Refused with the reason while the case is open."""

    template_name = "cases/rights/erase.html"
    access_model = ClientRights
    access_action = "erase"
    access_lookup = ("reference", "reference")
    access_purpose = "verzoek tot wissen"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        client = self.object
        today = timezone.localdate()
        return super().get_context_data(
            client=client,
            open_reason=retention.open_reason(client),
            kinds=retention.kinds_due(client, today=today),
            contract_kept_until=retention.contract_kept_until(client),
            today=today,
            **kwargs,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_read(status=200)

    def render_read(self, *, status: int) -> HttpResponse:
        """The page names the client and what is kept about them: a read, one row (the
        erase policy logs as a deletion, so the layer writes none of its own for a GET)."""
        access.audit(
            "cases.client.viewed",
            actor=self.actor,
            target=self.object,
            rule=self.object._access_rule,
            purpose=self.access_purpose,
            request=self.request,
        )
        return self.render_to_response(self.get_context_data(), status=status)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("confirm") != "on":
            messages.error(request, _("Vink aan dat de cliënt om wissen heeft gevraagd."))
            return self.render_read(status=400)
        try:
            outcome = retention.client_erase(actor=self.actor, client=self.object, request=request)
        except DomainError as error:
            access.audit(
                "cases.client.anonymised",
                actor=self.actor,
                target=self.object,
                result=AccessResult.REFUSED,
                rule=error.code or "refused",
                purpose="verzoek van de cliënt",
                request=request,
            )
            messages.error(request, error.message)
            return self.render_to_response(self.get_context_data(), status=409)
        if export.CONTRACT in outcome.kinds:
            messages.success(request, _("De gegevens van de cliënt zijn gewist."))
        else:
            messages.success(
                request,
                _(
                    "De persoonlijke en zorggegevens zijn gewist. De afspraken blijven tot "
                    "%(date)s bewaard (fiscale bewaarplicht) en worden daarna vanzelf gewist."
                )
                % {"date": formatting.date(outcome.contract_kept_until)},
            )
        return redirect(reverse("cases:client-erase", kwargs={"reference": self.object.reference}))
