from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("monitor", views.MonitorViewSet, basename="monitor")

urlpatterns = router.urls
