from django.urls import path

from . import views
from .rights import views as rights

app_name = "cases"

REF = "<str:reference>"

urlpatterns = [
    path("clienten/", views.ClientListView.as_view(), name="client-list"),
    path("clienten/nieuw/", views.ClientCreateView.as_view(), name="client-create"),
    path(f"clienten/{REF}/", views.ClientDetailView.as_view(), name="client-detail"),
    path(f"clienten/{REF}/bewerken/", views.ClientEditView.as_view(), name="client-edit"),
    path(
        f"clienten/{REF}/voorvertoning/", views.ClientPreviewView.as_view(), name="client-preview"
    ),
    path(
        f"clienten/{REF}/status/<slug:action>/",
        views.ClientTransitionView.as_view(),
        name="client-transition",
    ),
    path(f"clienten/{REF}/toestemming/", views.ConsentRecordView.as_view(), name="consent-record"),
    path(
        f"clienten/{REF}/toestemming/intrekken/",
        views.ConsentWithdrawView.as_view(),
        name="consent-withdraw",
    ),
    path(f"clienten/{REF}/notities/", views.NoteAddView.as_view(), name="note-add"),
    path(
        f"clienten/{REF}/coordinator/", views.ClientReassignView.as_view(), name="client-reassign"
    ),
    path("privacyverzoeken/", rights.PrivacyRequestView.as_view(), name="privacy-requests"),
    path(
        f"clienten/{REF}/inzage/",
        rights.AccessOverviewView.as_view(),
        name="client-access-overview",
    ),
    path(
        f"clienten/{REF}/inzage/pdf/",
        rights.AccessOverviewPdfView.as_view(),
        name="client-access-overview-pdf",
    ),
    path(f"clienten/{REF}/gegevens/", rights.DataExportView.as_view(), name="client-data-export"),
    path(
        f"clienten/{REF}/gegevens/pdf/",
        rights.DataExportPdfView.as_view(),
        name="client-data-export-pdf",
    ),
    path(
        f"clienten/{REF}/gegevens/json/",
        rights.DataExportJsonView.as_view(),
        name="client-data-export-json",
    ),
    path(f"clienten/{REF}/wissen/", rights.EraseView.as_view(), name="client-erase"),
]
