from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from accounts import views as account_views

api_patterns = [
    path("", include("accounts.api.urls")),
    path("", include("cases.api.urls")),
    path("", include("housing.api.urls")),
    path("", include("matching.board.api.urls")),
    path("", include("matching.simulation.api.urls")),
    path("", include("matching.placements.api.urls")),
    path("", include("matching.aftercare.api.urls")),
    path("", include("matching.monitor.api.urls")),
]

urlpatterns = [
    path("", account_views.HomeView.as_view(), name="home"),
    path("", include("accounts.urls")),
    path("", include("accounts.passkey_urls")),
    path("", include("cases.urls")),
    path("", include("housing.urls")),
    path("", include("matching.board.urls")),
    path("", include("matching.simulation.urls")),
    path("", include("matching.placements.urls")),
    path("", include("matching.aftercare.urls")),
    path("", include("matching.monitor.urls")),
    path("healthz", account_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]
