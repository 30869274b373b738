from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("boards", views.BoardViewSet, basename="matching-board")
router.register("meetings", views.MeetingViewSet, basename="matching-meeting")
router.register("proposals", views.ProposalViewSet, basename="matching-proposal")

urlpatterns = router.urls
