from django.urls import path

from . import oidc, views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path(
        "accounts/login/organisatie/",
        oidc.OrganisationSignInView.as_view(),
        name="login-organisation",
    ),
    path(
        "accounts/login/organisatie/terug/",
        oidc.OrganisationSignInCallbackView.as_view(),
        name="oidc-callback",
    ),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", views.MFAView.as_view(), name="mfa"),
    path("accounts/inschrijven/<str:secret>/", views.EnrolView.as_view(), name="enrol"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "accounts/password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "accounts/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("accounts/api-token/", views.ApiTokenView.as_view(), name="api-token"),
    path("accounts/passkeys/", views.PasskeyListView.as_view(), name="passkeys"),
    path(
        "accounts/passkeys/<int:pk>/verwijderen/",
        views.PasskeyDeleteView.as_view(),
        name="passkey-delete",
    ),
    path(
        "accounts/api-token/<int:pk>/intrekken/",
        views.ApiTokenRevokeView.as_view(),
        name="api-token-revoke",
    ),
    path("leden/", views.MemberHomeView.as_view(), name="member-list"),
    path("organisaties/<int:pk>/leden/", views.MemberListView.as_view(), name="members"),
    path(
        "organisaties/<int:pk>/leden/uitnodigen/",
        views.MemberInviteView.as_view(),
        name="member-invite",
    ),
    path(
        "leden/<int:pk>/beeindigen/", views.MemberDeactivateView.as_view(), name="member-deactivate"
    ),
    path(
        "leden/<int:pk>/tweede-factor/bevestigen/",
        views.MemberSecondFactorView.as_view(),
        name="member-second-factor-confirm",
    ),
    path(
        "leden/<int:pk>/tweede-factor/opnieuw/",
        views.MemberSecondFactorResetView.as_view(),
        name="member-second-factor-reset",
    ),
    path(
        "leden/rolverzoek/<int:pk>/bevestigen/",
        views.RoleGrantConfirmView.as_view(),
        name="role-grant-confirm",
    ),
    path(
        "leden/rolverzoek/<int:pk>/afwijzen/",
        views.RoleGrantRefuseView.as_view(),
        name="role-grant-refuse",
    ),
    path("toegangslog/", views.AccessLogView.as_view(), name="access-log"),
    path(
        "verwerkingsregister/",
        views.ProcessingRecordsView.as_view(),
        name="processing-records",
    ),
    path(
        "verwerkingsregister/pdf/",
        views.ProcessingRecordsPdfView.as_view(),
        name="processing-records-pdf",
    ),
    path(
        "verwerkingsregister/markdown/",
        views.ProcessingRecordsMarkdownView.as_view(),
        name="processing-records-markdown",
    ),
    path("meldingen/", views.NotificationListView.as_view(), name="notifications"),
]
