from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("tafel/", views.BoardListView.as_view(), name="board-list"),
    path("tafel/<int:pk>/", views.BoardDetailView.as_view(), name="board-detail"),
    path("tafel/overleg/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("tafel/overleg/<int:pk>/live/", views.MeetingLiveView.as_view(), name="meeting-live"),
    path(
        "tafel/overleg/<int:pk>/berekenen/",
        views.MeetingGenerateView.as_view(),
        name="meeting-generate",
    ),
    path(
        "tafel/overleg/<int:pk>/afronden/", views.MeetingCloseView.as_view(), name="meeting-close"
    ),
    path(
        "tafel/overleg/<int:pk>/overschrijden/",
        views.MeetingOverrideView.as_view(),
        name="meeting-override",
    ),
    path("tafel/overleg/<int:pk>/notulen/", views.MeetingMinutesView.as_view(), name="minutes"),
    path(
        "tafel/overleg/<int:pk>/notulen.pdf",
        views.MeetingMinutesPdfView.as_view(),
        name="minutes-pdf",
    ),
    path("tafel/voorstel/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal-detail"),
    path(
        "tafel/voorstel/<int:pk>/besluit/",
        views.ProposalDecideView.as_view(),
        name="proposal-decide",
    ),
    path(
        "tafel/voorstel/<int:pk>/antwoord/",
        views.ProposalRespondView.as_view(),
        name="proposal-respond",
    ),
    path(
        "tafel/voorstel/<int:pk>/bevestigen/",
        views.ProposalConfirmView.as_view(),
        name="proposal-confirm",
    ),
    path(
        "tafel/voorstel/<int:pk>/niet-bevestigen/",
        views.ProposalRejectOverrideView.as_view(),
        name="proposal-reject-override",
    ),
]
