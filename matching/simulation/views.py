"""Pages of the what-if simulation. Thin: fetch through the layer, call one service, render.

The scenario page includes `_progress.html`; while a run is queued or running, htmx polls
that fragment, and when the run ends the fragment asks the browser to reload the page so the
results appear. Charts get their data through `json_script` and `static/js/simulation.js`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts import access
from accounts.access.views import ProtectedView
from accounts.errors import DomainError, add_to_form
from matching.board import selectors as board_selectors
from matching.board.models import Board

from . import selectors, services
from .forms import ScenarioForm
from .models import Scenario
from .permissions import PURPOSE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_COMPARED = 4


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class IndexView(ProtectedView, TemplateView):
    """The menu entry: straight to the board's scenarios when the user has one board."""

    template_name = "simulation/index.html"
    access_model = Scenario
    access_action = "list"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        boards = list(board_selectors.board_list(user=self.actor))
        if len(boards) == 1:
            return redirect("simulation:scenario-list", board=boards[0].pk)
        return self.render_to_response({"boards": boards})


class BoardScenariosView(ProtectedView, TemplateView):
    template_name = "simulation/scenario_list.html"
    access_model = Board
    access_lookup = ("pk", "board")
    access_purpose = PURPOSE

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        board = self.object
        return {
            "board": board,
            "scenarios": selectors.scenario_list(user=self.actor, board=board),
            "can_create": access.decide(self.actor, "create", Scenario(board=board)).allowed,
            "max_compared": MAX_COMPARED,
        }


class ScenarioCreateView(ProtectedView, FormView):
    """A new scenario for a board: the board must be visible (404), the role right (403)."""

    template_name = "simulation/scenario_form.html"
    form_class = ScenarioForm
    access_model = Scenario
    access_action = "create"
    access_purpose = PURPOSE

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            self.board = access.get_object_or_404(
                request, Board, "view", purpose=PURPOSE, pk=kwargs["board"]
            )
            # Chair or analyst of *this* board's municipality, not just of some municipality.
            access.require(request, "create", Scenario(board=self.board), purpose=PURPOSE)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        flows = selectors.flows_prefill(self.board)
        return {
            "clients_per_week": flows["clients_per_week"],
            "dwellings_per_week": flows["dwellings_per_week"],
            "departure_rate": flows["departure_rate"],
            "urgent_share": flows["urgent_share"],
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            board=self.board, flows=selectors.flows_prefill(self.board), **kwargs
        )

    def form_valid(self, form: ScenarioForm) -> HttpResponse:
        try:
            scenario = services.scenario_create(
                actor=self.actor, board=self.board, data=form.cleaned_data, request=self.request
            )
        except DomainError as error:
            add_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Scenario aangemaakt. Reken het door."))
        return redirect("simulation:scenario-detail", pk=scenario.pk)


class ScenarioMixin(ProtectedView):
    access_model = Scenario
    access_lookup = ("pk", "pk")
    access_purpose = PURPOSE

    def get_access_queryset(self) -> Any:
        return selectors.scenario_queryset()


class ScenarioDetailView(ScenarioMixin, TemplateView):
    template_name = "simulation/scenario_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        scenario = self.object
        result = selectors.latest_result(scenario)
        context: dict[str, Any] = {
            "scenario": scenario,
            "board": scenario.board,
            "run": selectors.latest_run(scenario),
            "result": result,
            "can_change": access.decide(self.actor, "change", scenario).allowed,
            "can_share": access.decide(self.actor, "share", scenario).allowed,
            "threshold": services.small_number_threshold(),
        }
        if result is not None:
            context["runs"] = [result]
            context["rows"] = selectors.summary_rows([result])
            context["weeks"] = selectors.run_weeks(result)
            context["chart"] = selectors.chart_data([result])
            context["parameters"] = selectors.parameter_rows([result])
            context["buckets"] = [
                (selectors.WAIT_BUCKET_LABELS.get(k, k), v)
                for k, v in result.summary.get("still_waiting_buckets", {}).items()
            ]
        return context


class ScenarioUpdateView(ScenarioMixin, FormView):
    template_name = "simulation/scenario_form.html"
    form_class = ScenarioForm
    access_action = "change"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(board=self.object.board, scenario=self.object, **kwargs)

    def form_valid(self, form: ScenarioForm) -> HttpResponse:
        # The form wrote its values onto the instance; the service works from the data.
        scenario = Scenario.objects.get(pk=self.object.pk)
        try:
            services.scenario_update(
                actor=self.actor, scenario=scenario, data=form.cleaned_data, request=self.request
            )
        except DomainError as error:
            add_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Scenario opgeslagen."))
        return redirect("simulation:scenario-detail", pk=scenario.pk)


class ScenarioDeleteView(ScenarioMixin, View):
    access_action = "delete"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        board_id = self.object.board_id
        try:
            services.scenario_delete(actor=self.actor, scenario=self.object, request=request)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("simulation:scenario-detail", pk=self.object.pk)
        messages.success(request, _("Scenario verwijderd."))
        return redirect("simulation:scenario-list", board=board_id)


class RunStartView(ScenarioMixin, View):
    access_action = "run"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            services.simulation_start(actor=self.actor, scenario=self.object, request=request)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("simulation:scenario-detail", pk=self.object.pk)


class RunCancelView(ScenarioMixin, View):
    access_action = "cancel"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            services.simulation_cancel(actor=self.actor, scenario=self.object, request=request)
            messages.info(request, _("De berekening wordt gestopt."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("simulation:scenario-detail", pk=self.object.pk)


class ProgressView(ScenarioMixin, TemplateView):
    """The fragment the scenario page polls while a run is busy."""

    template_name = "simulation/_progress.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        run = selectors.latest_run(self.object)
        response = self.render_to_response(
            {
                "scenario": self.object,
                "run": run,
                "can_change": access.decide(self.actor, "change", self.object).allowed,
            }
        )
        if request.headers.get("HX-Request") and run is not None and not run.is_active:
            response["HX-Refresh"] = "true"  # the run ended: show its results
        return response


class ShareView(ScenarioMixin, View):
    access_action = "share"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        shared = request.POST.get("shared") == "1"
        try:
            services.scenario_share(
                actor=self.actor, scenario=self.object, shared=shared, request=request
            )
            messages.success(
                request,
                _("Gedeeld met de tafel.") if shared else _("Niet meer gedeeld met de tafel."),
            )
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("simulation:scenario-detail", pk=self.object.pk)


class ExportView(ScenarioMixin, View):
    access_action = "export"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            data = services.results_export(
                actor=self.actor, scenarios=[self.object], request=request
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("simulation:scenario-detail", pk=self.object.pk)
        return _xlsx(data, f"scenario-{self.object.pk}.xlsx")


class CompareMixin(ProtectedView):
    """Two or more scenarios of one board side by side, oldest first; each one fetched through
    the layer (an invisible id is a 404 with a refused row, like any other object)."""

    access_model = Board
    access_lookup = ("pk", "board")
    access_purpose = PURPOSE

    def compared(self) -> list[Scenario]:
        ids = list(dict.fromkeys(self.request.GET.getlist("s")))[:MAX_COMPARED]
        scenarios = [
            access.get_object_or_404(
                self.request,
                selectors.scenario_queryset().filter(board=self.object),
                "view",
                purpose=PURPOSE,
                pk=pk,
            )
            for pk in ids
        ]
        # The first made is the baseline the differences are taken from.
        return sorted(scenarios, key=lambda s: (s.created_at, s.pk))


class CompareView(CompareMixin, TemplateView):
    template_name = "simulation/compare.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scenarios = self.compared()
        runs = [r for r in (selectors.latest_result(s) for s in scenarios) if r is not None]
        if len(runs) < 2:
            messages.info(request, _("Kies twee of meer scenario's met uitkomsten."))
            return redirect("simulation:scenario-list", board=self.object.pk)
        return self.render_to_response(
            {
                "board": self.object,
                "runs": runs,
                "rows": selectors.summary_rows(runs),
                "parameters": selectors.parameter_rows(runs),
                "chart": selectors.chart_data(runs),
                "same_snapshot": len({r.snapshot_digest for r in runs}) == 1,
                "export_query": "&".join(f"s={r.scenario_id}" for r in runs),
            }
        )


class CompareExportView(CompareMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        scenarios = self.compared()
        back = reverse("simulation:scenario-list", args=[self.object.pk])
        if not scenarios:
            messages.info(request, _("Kies twee of meer scenario's met uitkomsten."))
            return redirect(back)
        try:
            data = services.results_export(actor=self.actor, scenarios=scenarios, request=request)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(back)
        return _xlsx(data, f"scenario-vergelijking-{self.object.pk}.xlsx")
