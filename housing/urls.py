from django.urls import path

from . import views

app_name = "housing"

urlpatterns = [
    path("woningen/", views.DwellingListView.as_view(), name="dwelling-list"),
    path("woningen/nieuw/", views.DwellingCreateView.as_view(), name="dwelling-create"),
    path("woningen/<int:pk>/", views.DwellingDetailView.as_view(), name="dwelling-detail"),
    path("woningen/<int:pk>/bewerken/", views.DwellingEditView.as_view(), name="dwelling-edit"),
    *[
        path(
            f"woningen/<int:pk>/{action}/",
            views.DwellingTransitionView.as_view(transition=action),
            name=f"dwelling-{action}",
        )
        for action in views.TRANSITION_LABELS
    ],
    path("complexen/", views.ComplexListView.as_view(), name="complex-list"),
    path("complexen/nieuw/", views.ComplexCreateView.as_view(), name="complex-create"),
    path("complexen/<int:pk>/", views.ComplexDetailView.as_view(), name="complex-detail"),
    path("complexen/<int:pk>/stop/", views.ComplexStopView.as_view(), name="complex-stop"),
    path(
        "complexen/<int:pk>/stop/<int:stop_pk>/opheffen/",
        views.ComplexStopLiftView.as_view(),
        name="complex-stop-lift",
    ),
    path(
        "complexen/<int:pk>/portieken/",
        views.StairwellCreateView.as_view(),
        name="stairwell-create",
    ),
    path("portieken/<int:pk>/maximum/", views.StairwellLimitView.as_view(), name="stairwell-limit"),
    path("portieken/<int:pk>/aantal/", views.StairwellCountView.as_view(), name="stairwell-count"),
    path("buurten/", views.NeighbourhoodListView.as_view(), name="neighbourhood-list"),
    path(
        "buurten/<str:code>/", views.NeighbourhoodDetailView.as_view(), name="neighbourhood-detail"
    ),
    path(
        "buurten/<str:code>/invoeren/",
        views.IndicatorEntryView.as_view(),
        name="indicator-entry",
    ),
    path("kaart/", views.MapView.as_view(), name="map"),
    path("kaart/buurten.geojson", views.MapDataView.as_view(), name="map-data"),
    path("draagkracht/<str:code>/", views.WeightsView.as_view(), name="weights"),
    path("import/", views.ImportListView.as_view(), name="import-list"),
    path("import/sjabloon/<str:kind>/", views.ImportTemplateView.as_view(), name="import-template"),
    path("import/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("import/<int:pk>/verwerken/", views.ImportApplyView.as_view(), name="import-apply"),
]
