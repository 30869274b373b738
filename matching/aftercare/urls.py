from django.urls import path

from . import views

app_name = "aftercare"

urlpatterns = [
    path("signalen/", views.SignalListView.as_view(), name="signal-list"),
    path("signalen/per-buurt/", views.SignalCountsView.as_view(), name="counts"),
    path("signalen/<int:pk>/", views.SignalDetailView.as_view(), name="signal-detail"),
    path("signalen/<int:pk>/<slug:step>/", views.SignalStepView.as_view(), name="signal-step"),
    path("afspraken/<int:pk>/signaal/", views.SignalCreateView.as_view(), name="signal-create"),
]
