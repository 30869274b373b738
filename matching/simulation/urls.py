from django.urls import path

from . import views

app_name = "simulation"

urlpatterns = [
    path("simulatie/", views.IndexView.as_view(), name="index"),
    path("simulatie/tafel/<int:board>/", views.BoardScenariosView.as_view(), name="scenario-list"),
    path(
        "simulatie/tafel/<int:board>/nieuw/",
        views.ScenarioCreateView.as_view(),
        name="scenario-create",
    ),
    path(
        "simulatie/tafel/<int:board>/vergelijken/",
        views.CompareView.as_view(),
        name="compare",
    ),
    path(
        "simulatie/tafel/<int:board>/vergelijken.xlsx",
        views.CompareExportView.as_view(),
        name="compare-export",
    ),
    path(
        "simulatie/scenario/<int:pk>/", views.ScenarioDetailView.as_view(), name="scenario-detail"
    ),
    path(
        "simulatie/scenario/<int:pk>/wijzigen/",
        views.ScenarioUpdateView.as_view(),
        name="scenario-update",
    ),
    path(
        "simulatie/scenario/<int:pk>/verwijderen/",
        views.ScenarioDeleteView.as_view(),
        name="scenario-delete",
    ),
    path("simulatie/scenario/<int:pk>/starten/", views.RunStartView.as_view(), name="run-start"),
    path("simulatie/scenario/<int:pk>/stoppen/", views.RunCancelView.as_view(), name="run-cancel"),
    path(
        "simulatie/scenario/<int:pk>/voortgang/", views.ProgressView.as_view(), name="run-progress"
    ),
    path("simulatie/scenario/<int:pk>/delen/", views.ShareView.as_view(), name="scenario-share"),
    path(
        "simulatie/scenario/<int:pk>/uitkomsten.xlsx",
        views.ExportView.as_view(),
        name="scenario-export",
    ),
]
