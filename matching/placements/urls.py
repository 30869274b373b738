from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("plaatsingen/", views.AgreementListView.as_view(), name="agreement-list"),
    path("plaatsingen/overzicht/", views.OverviewView.as_view(), name="overview"),
    path("plaatsingen/te-plaatsen/", views.ProposalsToPlaceView.as_view(), name="proposal-list"),
    path(
        "plaatsingen/nieuw/<int:proposal>/",
        views.PlacementCreateView.as_view(),
        name="placement-create",
    ),
    path("plaatsingen/<int:pk>/", views.PlacementDetailView.as_view(), name="placement-detail"),
    path(
        "plaatsingen/<int:pk>/welkomstgesprek/",
        views.WelcomeTalkView.as_view(),
        name="welcome-talk",
    ),
    path("afspraken/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement-detail"),
    path(
        "afspraken/<int:pk>/voorwaarden/", views.AgreementEditView.as_view(), name="agreement-edit"
    ),
    path("afspraken/<int:pk>/tekenen/", views.AgreementSignView.as_view(), name="agreement-sign"),
    path(
        "afspraken/<int:pk>/stap/<slug:action>/",
        views.AgreementStepView.as_view(),
        name="agreement-step",
    ),
    path(
        "afspraken/<int:pk>/document/<int:version>/",
        views.AgreementDocumentView.as_view(),
        name="agreement-document",
    ),
    path("evaluaties/<int:pk>/", views.EvaluationView.as_view(), name="evaluation"),
    path(
        "evaluaties/<int:pk>/bevestigen/",
        views.EvaluationConfirmView.as_view(),
        name="evaluation-confirm",
    ),
]
