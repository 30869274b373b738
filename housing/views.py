"""Housing pages: dwellings, complexes and stairwells, neighbourhoods, the map, imports.

Thin views: fetch through the permission layer, validate with a form, call one service,
render or redirect. Domain errors become messages (or field errors on the form).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts import access
from accounts.access.views import ProtectedView
from accounts.errors import DomainError, add_to_form
from accounts.models import Organisation, OrganisationKind, Role

from . import capacity, importing, rules, selectors, services
from .forms import (
    ComplexForm,
    CountForm,
    DwellingFilterForm,
    DwellingForm,
    IndicatorEntryForm,
    LimitForm,
    StairwellForm,
    StopForm,
    TransitionForm,
    UploadForm,
    WeightsForm,
)
from .models import (
    Complex,
    ComplexStop,
    Dwelling,
    DwellingEvent,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Municipality,
    Neighbourhood,
    NeighbourhoodIndicator,
    Stairwell,
)
from .permissions import corporation_ids

PAGE_SIZE = 50


def _acting_organisation(request: HttpRequest, *roles: str) -> Organisation:
    """The organisation the user acts for (their first membership with one of `roles`)."""
    for m in access.memberships_of(request.user):
        if m.role in roles:
            return m.organisation
    raise PermissionDenied


# --- Dwellings ------------------------------------------------------------------------------


class DwellingListView(ProtectedView, TemplateView):
    """My dwellings (and, on the board, other corporations'), with filters."""

    access_model = Dwelling
    access_action = "view"
    template_name = "housing/dwelling_list.html"

    def get_template_names(self) -> list[str]:
        if self.request.headers.get("HX-Request"):
            return ["housing/_dwelling_rows.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = DwellingFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        qs = selectors.dwelling_list(
            user=self.request.user, **{k: v for k, v in filters.items() if v not in ("", None)}
        )
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": page,
            "dwellings": page.object_list,
            "query": query.urlencode(),
            "own_ids": corporation_ids(self.request.user),
            "can_create": access.decide(self.request.user, "create", Dwelling).allowed,
        }


class _DwellingFormMixin:
    request: HttpRequest

    def form_kwargs(self, corporation_id: int, region_id: int) -> dict[str, Any]:
        return {
            "neighbourhoods": access.scope(self.request.user, Neighbourhood)
            .filter(district__municipality__region_id=region_id)
            .order_by("name"),
            "complexes": Complex.objects.filter(corporation_id=corporation_id).order_by("name"),
        }


class DwellingCreateView(_DwellingFormMixin, ProtectedView, View):
    access_model = Dwelling
    access_action = "create"
    template_name = "housing/dwelling_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        corporation = _acting_organisation(request, Role.HOUSING_CONSULTANT)
        form = DwellingForm(**self.form_kwargs(corporation.pk, corporation.region_id))
        return render(request, self.template_name, {"form": form, "corporation": corporation})

    def post(self, request: HttpRequest) -> HttpResponse:
        corporation = _acting_organisation(request, Role.HOUSING_CONSULTANT)
        form = DwellingForm(request.POST, **self.form_kwargs(corporation.pk, corporation.region_id))
        if form.is_valid():
            try:
                dwelling = services.dwelling_create(
                    actor=self.actor, corporation=corporation, **form.cleaned_data
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Woning opgeslagen als concept."))
                return redirect("housing:dwelling-detail", pk=dwelling.pk)
        return render(
            request, self.template_name, {"form": form, "corporation": corporation}, status=400
        )


class DwellingDetailView(ProtectedView, TemplateView):
    access_model = Dwelling
    access_lookup = ("pk", "pk")
    access_purpose = "woning"
    template_name = "housing/dwelling_detail.html"

    def get_access_queryset(self) -> Any:
        return Dwelling.objects.select_related(
            "corporation", "neighbourhood__district__municipality", "complex", "stairwell"
        ).prefetch_related(
            Prefetch("events", queryset=DwellingEvent.objects.select_related("actor"))
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user, d = self.request.user, self.object
        actions = [
            (name, label)
            for name, label in TRANSITION_LABELS.items()
            if access.decide(user, name, d).allowed
            and rules.dwelling_transition(d, TRANSITION_TARGETS[name]) is None
        ]
        return {
            **super().get_context_data(**kwargs),
            "dwelling": d,
            "show_notes": selectors.dwelling_notes_visible(user, d),
            "events": d.events.all(),
            "actions": actions,
            "can_edit": access.decide(user, "change", d).allowed and rules.dwelling_edit(d) is None,
            "transition_form": TransitionForm(),
            "complex_visible": bool(d.complex_id) and access.visible(user, d.complex),
        }


class DwellingEditView(_DwellingFormMixin, ProtectedView, View):
    access_model = Dwelling
    access_action = "change"
    access_lookup = ("pk", "pk")
    template_name = "housing/dwelling_form.html"

    def form(self, data: Any = None) -> DwellingForm:
        d = self.object
        return DwellingForm(
            data, instance=d, **self.form_kwargs(d.corporation_id, d.corporation.region_id)
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, self.template_name, {"form": self.form(), "dwelling": self.object})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        original = Dwelling.objects.get(pk=self.object.pk)
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services.dwelling_update(actor=self.actor, dwelling=original, **form.cleaned_data)
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Woning bijgewerkt."))
                return redirect("housing:dwelling-detail", pk=original.pk)
        return render(request, self.template_name, {"form": form, "dwelling": original}, status=400)


TRANSITION_LABELS = {
    "offer": gettext_lazy("Aanbieden aan de tafel"),
    "reserve": gettext_lazy("Reserveren"),
    "release": gettext_lazy("Reservering vrijgeven"),
    "let": gettext_lazy("Verhuurd"),
    "withdraw": gettext_lazy("Intrekken"),
    "reopen": gettext_lazy("Terug naar concept"),
}
TRANSITION_TARGETS = {
    "offer": "offered",
    "reserve": "reserved",
    "release": "offered",
    "let": "let",
    "withdraw": "withdrawn",
    "reopen": "draft",
}


class DwellingTransitionView(ProtectedView, View):
    """POST only: move a dwelling through its lifecycle (one URL per action)."""

    access_model = Dwelling
    access_lookup = ("pk", "pk")
    transition = ""  # set per URL: as_view(transition="offer")
    http_method_names = ["post"]

    def get_access_action(self) -> str:
        return self.transition

    def get_access_queryset(self) -> Any:
        return Dwelling.objects.select_related("corporation", "complex")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = TransitionForm(request.POST)
        form.is_valid()
        note = form.cleaned_data.get("note", "")
        service = getattr(services, f"dwelling_{self.transition}")
        extra = (
            {"to_outflow": form.cleaned_data.get("to_outflow", False)}
            if self.transition == "let"
            else {}
        )
        try:
            service(actor=self.actor, dwelling=self.object, note=note, **extra)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Status bijgewerkt: %(status)s.") % {"status": self.object.get_status_display()},
            )
        return redirect("housing:dwelling-detail", pk=pk)


# --- Complexes and stairwells ---------------------------------------------------------------


class ComplexListView(ProtectedView, TemplateView):
    access_model = Complex
    access_action = "list"
    template_name = "housing/complex_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        q = self.request.GET.get("q", "")
        page = Paginator(selectors.complex_list(user=self.request.user, q=q), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "complexes": page.object_list,
            "q": q,
            "can_create": access.decide(self.request.user, "create", Complex).allowed,
        }


class ComplexCreateView(ProtectedView, View):
    access_model = Complex
    access_action = "create"
    template_name = "housing/complex_form.html"

    def form(
        self, request: HttpRequest, corporation: Organisation, data: Any = None
    ) -> ComplexForm:
        neighbourhoods = access.scope(request.user, Neighbourhood).filter(
            district__municipality__region_id=corporation.region_id
        )
        return ComplexForm(data, neighbourhoods=neighbourhoods.order_by("name"))

    def get(self, request: HttpRequest) -> HttpResponse:
        corporation = _acting_organisation(request, Role.HOUSING_CONSULTANT)
        return render(request, self.template_name, {"form": self.form(request, corporation)})

    def post(self, request: HttpRequest) -> HttpResponse:
        corporation = _acting_organisation(request, Role.HOUSING_CONSULTANT)
        form = self.form(request, corporation, request.POST)
        if form.is_valid():
            try:
                obj = services.complex_create(
                    actor=self.actor, corporation=corporation, **form.cleaned_data
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Complex aangemaakt."))
                return redirect("housing:complex-detail", pk=obj.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class ComplexDetailView(ProtectedView, TemplateView):
    access_model = Complex
    access_lookup = ("pk", "pk")
    template_name = "housing/complex_detail.html"

    def get_access_queryset(self) -> Any:
        return Complex.objects.select_related("corporation", "neighbourhood").prefetch_related(
            Prefetch(
                "stops", queryset=ComplexStop.objects.select_related("decided_by", "lifted_by")
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user, c = self.request.user, self.object
        return {
            **super().get_context_data(**kwargs),
            "complex": c,
            "active_stop": c.active_stop(),
            "stops": c.stops.all(),
            "stairwells": selectors.stairwells_of(user=user, complex=c),
            "dwellings": access.scope(user, Dwelling).filter(complex=c).select_related("stairwell"),
            "can_stop": access.decide(user, "stop", c).allowed,
            "can_add_stairwell": access.decide(user, "add_stairwell", c).allowed,
            "can_set_limit": access.decide(
                user, "stop", c
            ).allowed,  # the board chair of the region
            "can_record_count": access.decide(user, "change", c).allowed,  # the owning corporation
            "stop_form": StopForm(),
            "stairwell_form": StairwellForm(),
        }


class ComplexStopView(ProtectedView, View):
    access_model = Complex
    access_action = "stop"
    access_lookup = ("pk", "pk")
    http_method_names = ["post"]

    def get_access_queryset(self) -> Any:
        return Complex.objects.select_related("corporation")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = StopForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(str(e) for e in errors))
            return redirect("housing:complex-detail", pk=pk)
        try:
            services.complex_stop(actor=self.actor, complex=self.object, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Plaatsingsstop ingesteld."))
        return redirect("housing:complex-detail", pk=pk)


class ComplexStopLiftView(ComplexStopView):
    def post(self, request: HttpRequest, pk: int, stop_pk: int) -> HttpResponse:  # type: ignore[override]
        stop = self.object.stops.filter(pk=stop_pk).first()
        if stop is None:
            messages.error(request, _("Deze stop bestaat niet."))
            return redirect("housing:complex-detail", pk=pk)
        try:
            services.complex_stop_lift(actor=self.actor, stop=stop)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Plaatsingsstop opgeheven."))
        return redirect("housing:complex-detail", pk=pk)


class StairwellCreateView(ProtectedView, View):
    access_model = Complex
    access_action = "add_stairwell"
    access_lookup = ("pk", "pk")
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = StairwellForm(request.POST)
        if form.is_valid():
            try:
                services.stairwell_create(
                    actor=self.actor, complex=self.object, name=form.cleaned_data["name"]
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Portiek toegevoegd."))
        else:
            messages.error(request, _("Geef de portiek een naam."))
        return redirect("housing:complex-detail", pk=pk)


class _StairwellNumberView(ProtectedView, View):
    access_model = Stairwell
    access_lookup = ("pk", "pk")
    http_method_names = ["post"]
    form_class: ClassVar[type[django_forms.Form]]

    def get_access_queryset(self) -> Any:
        return Stairwell.objects.select_related("complex__corporation")

    def call(self, value: int) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.call(next(iter(form.cleaned_data.values())))
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("Portiek %(name)s bijgewerkt.") % {"name": self.object.name}
                )
        else:
            messages.error(request, _("Vul een geldig aantal in."))
        return redirect("housing:complex-detail", pk=self.object.complex_id)


class StairwellLimitView(_StairwellNumberView):
    access_action = "set_limit"
    form_class = LimitForm

    def call(self, value: int) -> None:
        services.stairwell_set_limit(actor=self.actor, stairwell=self.object, max_vulnerable=value)


class StairwellCountView(_StairwellNumberView):
    access_action = "record_count"
    form_class = CountForm

    def call(self, value: int) -> None:
        services.stairwell_record_count(
            actor=self.actor, stairwell=self.object, current_vulnerable=value
        )


# --- Neighbourhoods, capacity, the map -------------------------------------------------------


class NeighbourhoodListView(ProtectedView, TemplateView):
    access_model = Neighbourhood
    access_action = "view_capacity"
    template_name = "housing/neighbourhood_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        q = self.request.GET.get("q", "")
        page = Paginator(
            selectors.neighbourhood_list(user=self.request.user, q=q), PAGE_SIZE
        ).get_page(self.request.GET.get("page"))
        results = selectors.capacities(page.object_list)
        user = self.request.user
        rows = [(n, selectors.capacity_for_reader(user, results[n.pk])) for n in page.object_list]
        municipalities = access.scope(self.request.user, Municipality).order_by("name")
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "rows": rows,
            "q": q,
            "municipalities": municipalities,
        }


class NeighbourhoodDetailView(ProtectedView, TemplateView):
    access_model = Neighbourhood
    access_action = "view_capacity"
    access_lookup = ("code", "code")
    template_name = "housing/neighbourhood_detail.html"

    def get_access_queryset(self) -> Any:
        return Neighbourhood.objects.select_related("district__municipality")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        n, user = self.object, self.request.user
        return {
            **super().get_context_data(**kwargs),
            "neighbourhood": n,
            "result": selectors.capacity_for_reader(user, selectors.neighbourhood_capacity(n)),
            "history": access.scope(user, NeighbourhoodIndicator)
            .filter(neighbourhood=n)
            .order_by("-year"),
            "complexes": selectors.complex_list(user=user, neighbourhood=n.code),
            "stopped": selectors.stopped_complex_ids(),
            "liveability_labels": capacity.LIVEABILITY_LABELS,
            "can_enter": access.decide(user, "enter_indicators", n).allowed,
            "entry_form": kwargs.get("entry_form")
            or IndicatorEntryForm(initial={"year": timezone.localdate().year}),
        }


class IndicatorEntryView(NeighbourhoodDetailView):
    """The governing municipality's analyst enters the LVB and psychiatric shares by hand."""

    access_action = "enter_indicators"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        form = IndicatorEntryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.indicator_enter(
                    actor=self.actor,
                    neighbourhood=self.object,
                    year=data["year"],
                    values={k: data.get(k) for k in services.MANUAL_FIELDS},
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("De aandelen zijn opgeslagen."))
                return redirect("housing:neighbourhood-detail", code=code)
        return self.render_to_response(self.get_context_data(entry_form=form), status=400)


class MapView(ProtectedView, TemplateView):
    """The veerkrachtkaart: neighbourhoods coloured by carrying capacity, offered dwellings."""

    access_model = Neighbourhood
    access_action = "view_capacity"
    template_name = "housing/map.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "tile_url": settings.MAP_TILE_URL,
            "data_url": reverse("housing:map-data"),
            "classes": [
                (capacity.GREEN, _("groen: ruimte")),
                (capacity.AMBER, _("oranje: voorzichtig")),
                (capacity.RED, _("rood: geen ruimte")),
                (capacity.UNKNOWN, _("geen gegevens")),
            ],
        }


class MapDataView(ProtectedView, View):
    access_model = Neighbourhood
    access_action = "view_capacity"

    def get(self, request: HttpRequest) -> JsonResponse:
        response = JsonResponse(selectors.map_features(user=request.user))
        response["Cache-Control"] = "private, max-age=60"
        return response


class WeightsView(ProtectedView, View):
    """A municipality's capacity weights and their history; its own staff change them."""

    access_model = Municipality
    access_action: ClassVar[dict[str, str]] = {"GET": "view", "POST": "configure"}
    access_lookup = ("code", "code")
    template_name = "housing/weights.html"

    def render(self, form: WeightsForm, status: int = 200) -> HttpResponse:
        m = self.object
        changes = (
            m.capacity_weights.changes.select_related("changed_by")
            if hasattr(m, "capacity_weights")
            else []
        )
        return render(
            self.request,
            self.template_name,
            {
                "municipality": m,
                "form": form,
                "changes": changes,
                "labels": {k: v[1] for k, v in capacity.WEIGHT_FIELDS.items()},
                "can_configure": access.decide(self.request.user, "configure", m).allowed,
            },
            status=status,
        )

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        return self.render(WeightsForm(initial_weights=selectors.weights_for(self.object)))

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        form = WeightsForm(request.POST, initial_weights=selectors.weights_for(self.object))
        if form.is_valid():
            try:
                services.capacity_weights_update(
                    actor=self.actor,
                    municipality=self.object,
                    values=form.weights,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Draagkrachtmodel bijgewerkt."))
                return redirect("housing:weights", code=code)
        return self.render(form, status=400)


# --- Imports --------------------------------------------------------------------------------


class ImportListView(ProtectedView, View):
    """Upload a file; it is checked and shown before anything is written."""

    access_model = ImportBatch
    access_action = "create"
    template_name = "housing/import_list.html"

    def organisation(self) -> Organisation:
        return _acting_organisation(self.request, Role.ANALYST, Role.HOUSING_CONSULTANT)

    def render(self, form: UploadForm, status: int = 200) -> HttpResponse:
        batches = (
            access.scope(self.request.user, ImportBatch)
            .select_related("uploaded_by")
            .defer("content")[:20]
        )
        kinds = [
            (kind, ImportKind(kind).label, importing.accepted(kind), IMPORT_SOURCES[kind])
            for kind in self.kinds()
        ]
        return render(
            self.request,
            self.template_name,
            {"form": form, "batches": batches, "kinds": kinds},
            status=status,
        )

    def kinds(self) -> tuple[str, ...]:
        kind = OrganisationKind(self.organisation().kind)
        return tuple(services.KINDS_BY_ORGANISATION.get(kind, ()))

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(UploadForm(kinds=self.kinds()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES, kinds=self.kinds())
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch, _report = services.import_upload(
                    actor=self.actor,
                    organisation=self.organisation(),
                    kind=form.cleaned_data["kind"],
                    filename=upload.name,
                    content=upload.read(),
                    options=form.options,
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                return redirect("housing:import-detail", pk=batch.pk)
        return self.render(form, status=400)


# Where each kind of file is published, for the import page.
IMPORT_SOURCES = {
    "boundaries": gettext_lazy(
        "CBS/PDOK Wijk- en buurtkaart (GeoJSON, RD New of WGS84, elk jaar sinds 2017; "
        "service.pdok.nl/cbs/wijkenbuurten) of de open data van uw gemeente."
    ),
    "indicators": gettext_lazy(
        "CBS Kerncijfers wijken en buurten (opendata.cbs.nl: OData-CSV of StatLine-export "
        "'CSV met statistische symbolen'), de kerncijfers in de wijk- en buurtkaart, en de "
        "Leefbaarometer 3.0 open data 'scores buurten' (leefbaarometer.nl). Het aandeel LVB en "
        "psychische problematiek heeft geen openbaar bestand: vul ze per buurt in of gebruik "
        "het sjabloon."
    ),
    "dwellings": gettext_lazy(
        "De woningexport uit uw eigen verhuursysteem (CSV of XLSX met Nederlandse kolomnamen)."
    ),
}


class ImportTemplateView(ProtectedView, View):
    """An empty template of a kind, with one example row."""

    access_model = ImportBatch
    access_action = "create"

    def get(self, request: HttpRequest, kind: str) -> HttpResponse:
        if kind not in ImportKind.values:
            raise Http404
        filename, content, content_type = importing.template(kind)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# What the import counted, said in full on the preview (the report's keys are short).
COUNT_LABELS = {
    "gemeente": gettext_lazy("regels voor de hele gemeente, overgeslagen"),
    "wijk": gettext_lazy("regels per wijk, overgeslagen"),
    "land": gettext_lazy("regels voor heel Nederland, overgeslagen"),
    "buiten de regio": gettext_lazy("buurten buiten uw regio, niet geïmporteerd"),
}


def note_parts(note: str) -> tuple[str, str]:
    """A long note (a list of columns) as a one-line summary and the list to unfold."""
    head, sep, tail = note.partition(": ")
    return (head, tail) if sep and len(note) > 200 else (note, "")


class ImportDetailView(ProtectedView, TemplateView):
    """The preview: the rows as read, what changes, and every error grouped by problem."""

    access_model = ImportBatch
    access_lookup = ("pk", "pk")
    template_name = "housing/import_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        batch = self.object
        report = (
            services.import_preview(batch=batch) if batch.status != ImportStatus.APPLIED else None
        )
        return {
            **super().get_context_data(**kwargs),
            "batch": batch,
            "report": report,
            "error_groups": report.shown_error_groups if report else [],
            "errors_not_shown": report.errors_not_shown if report else 0,
            "preview_rows": report.preview if report else [],
            "notes": [note_parts(n) for n in report.notes] if report else [],
            "counts": [(COUNT_LABELS.get(k, k), n) for k, n in report.counts.items()]
            if report
            else [],
            "can_apply": batch.status == "pending" and report is not None and report.ok,
        }


class ImportApplyView(ProtectedView, View):
    access_model = ImportBatch
    access_action = "apply"
    access_lookup = ("pk", "pk")
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            report = services.import_apply(actor=self.actor, batch=self.object)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if report.ok:
                messages.success(request, _("%(n)s regels verwerkt.") % {"n": report.written})
            else:
                messages.error(request, _("Niets verwerkt: het bestand bevat fouten."))
        return redirect("housing:import-detail", pk=pk)
