"""Monitor pages: thin; figures from `reports.build`, every read logged as a search of
aggregates (no person, so no client read)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import access
from accounts.access.views import ProtectedView
from accounts.errors import DomainError, add_to_form
from accounts.models import AccessAction, Organisation

from . import exports, reports, selectors, services
from .forms import QuotaForm
from .models import Quota

PURPOSE = "monitor: cijfers van de regio"


def _audit(view: ProtectedView, what: str, action: str = AccessAction.SEARCH) -> None:
    access.audit(
        f"monitor.{what}.{'exported' if action == AccessAction.EXPORT else 'listed'}",
        action=action,
        actor=view.actor,
        target=Quota,
        object_id=what,
        rule=getattr(view, "access_rule", ""),
        purpose=PURPOSE,
        request=view.request,
    )


class MonitorMixin(ProtectedView):
    access_model = Quota
    access_action: ClassVar[str | dict[str, str]] = "monitor"
    access_purpose = PURPOSE
    page = "flow"

    def viewer(self) -> selectors.Viewer:
        v = selectors.viewer(self.actor)
        if v is None:
            raise Http404
        return v


class MonitorPageView(MonitorMixin, TemplateView):
    def get_template_names(self) -> list[str]:
        return [f"monitor/{self.page}.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        v = self.viewer()
        report = reports.build(self.page, v, self.request.GET)
        _audit(self, self.page)
        return super().get_context_data(
            v=v,
            report=report,
            form=report.form,
            result=report.result,
            page=self.page,
            threshold=v.threshold,
            chart_data=reports.charts(report),
            query=self.request.GET.urlencode(),
            **kwargs,
        )


class FlowView(MonitorPageView):
    page = "flow"


class WhereView(MonitorPageView):
    page = "where"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["map_data"] = context["result"].map_data
        return context


class BoardWorkView(MonitorPageView):
    page = "board"


class QuotaView(MonitorPageView):
    page = "quotas"
    access_action = {"GET": "quotas", "POST": "create"}

    def _form(self, v: selectors.Viewer, data: Any = None) -> QuotaForm | None:
        if not v.municipality:
            return None
        corporations = [(c.pk, c.name) for c in selectors.quota_corporations(v)]
        return QuotaForm(data, corporations=corporations)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        v = context["v"]
        context.setdefault("quota_form", self._form(v))
        context["history"] = selectors.quota_history(v=v)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        v = self.viewer()
        form = self._form(v, request.POST)
        assert form is not None  # the rule lets only the municipality post
        if form.is_valid():
            data = form.cleaned_data
            corporation = Organisation.objects.get(pk=data["corporation"])
            try:
                quota = services.quota_set(
                    actor=self.actor,
                    corporation=corporation,
                    year=data["year"],
                    dwellings=data["dwellings"],
                    note=data["note"],
                    request=request,
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("Contingent %(year)s van %(name)s vastgesteld op %(n)s woningen.")
                    % {"year": quota.year, "name": corporation.name, "n": quota.dwellings},
                )
                return redirect(f"{request.path}?jaar={quota.year}")
        return self.render_to_response(self.get_context_data(quota_form=form))


class ExportView(MonitorMixin, View):
    """Every table of a page as XLSX or CSV, with the page's filters."""

    def get_access_action(self) -> str:
        return "quotas" if self.kwargs.get("page") == "quotas" else "monitor"

    def get(self, request: HttpRequest, page: str, fmt: str) -> HttpResponse:
        if page not in reports.PAGES or fmt not in ("xlsx", "csv"):
            raise Http404
        v = self.viewer()
        report = reports.build(page, v, request.GET)
        _audit(self, page, AccessAction.EXPORT)
        stamp = timezone.localdate().isoformat()
        name = f"monitor-{page}-{stamp}.{fmt}"
        title = f"{report.title} · {v.region_name} · {report.subtitle}"
        if fmt == "xlsx":
            body: bytes | str = exports.workbook(report.tables, threshold=v.threshold, title=title)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body = "\ufeff" + exports.csv_text(report.tables, threshold=v.threshold)
            content_type = "text/csv; charset=utf-8"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ReportPdfView(MonitorMixin, View):
    """The quarterly report for the council: the same figures, suppressed, as a PDF."""

    def get(self, request: HttpRequest) -> HttpResponse:
        v = self.viewer()
        context = reports.report_quarter(v, request.GET)
        _audit(self, "report", AccessAction.EXPORT)
        pdf = exports.report_pdf(context)
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"monitor-{v.region_name.lower()}-{context['year']}-k{context['quarter']}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
