from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("signals", views.SignalViewSet, basename="aftercare-signal")

urlpatterns = router.urls
