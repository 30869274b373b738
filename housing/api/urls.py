from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("neighbourhoods", views.NeighbourhoodViewSet, basename="housing-neighbourhood")
router.register("complexes", views.ComplexViewSet, basename="housing-complex")
router.register("stairwells", views.StairwellViewSet, basename="housing-stairwell")
router.register("dwellings", views.DwellingViewSet, basename="housing-dwelling")

urlpatterns = router.urls
