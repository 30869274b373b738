from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("members", views.MembershipViewSet, basename="membership")
router.register("access-log", views.AccessLogViewSet, basename="accesslog")

urlpatterns = [path("me/", views.MeView.as_view(), name="api-me"), *router.urls]
