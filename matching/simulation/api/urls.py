from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("simulation/scenarios", views.ScenarioViewSet, basename="simulation-scenario")

urlpatterns = router.urls
