from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("placements", views.PlacementViewSet, basename="placements-placement")
router.register("agreements", views.AgreementViewSet, basename="placements-agreement")
router.register("evaluations", views.EvaluationViewSet, basename="placements-evaluation")

urlpatterns = router.urls
