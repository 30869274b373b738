from django.urls import path

from . import views

app_name = "monitor"

urlpatterns = [
    path("monitor/", views.FlowView.as_view(), name="flow"),
    path("monitor/buurten/", views.WhereView.as_view(), name="where"),
    path("monitor/contingenten/", views.QuotaView.as_view(), name="quotas"),
    path("monitor/tafel/", views.BoardWorkView.as_view(), name="board"),
    path("monitor/kwartaalrapport.pdf", views.ReportPdfView.as_view(), name="report"),
    path("monitor/<slug:page>/export.<slug:fmt>", views.ExportView.as_view(), name="export"),
]
