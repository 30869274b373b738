"""Sign-in, second factor, member management, the access log and the health check."""

from __future__ import annotations

import base64
from typing import Any, cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django_otp import login as otp_login
from django_otp_webauthn.models import WebAuthnCredential

from . import (
    access,
    access_log_export,
    grants,
    passkeys,
    records,
    second_factor,
    selectors,
    services,
    tokens,
    worklist,
)
from .access import labels
from .access.views import ProtectedView, PublicView, public
from .errors import DomainError, add_to_form
from .forms import (
    AccessLogFilterForm,
    ApiTokenForm,
    EmailAuthenticationForm,
    EnrolForm,
    InviteMemberForm,
    TokenForm,
)
from .middleware import user_is_verified
from .models import (
    AccessAction,
    AccessLogEntry,
    ApiToken,
    Enrolment,
    Membership,
    Notification,
    Organisation,
    Role,
    RoleGrant,
    User,
)


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


class LoginView(PublicView, auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        if settings.REQUIRE_MFA:
            return reverse("accounts:mfa") + f"?next={self.get_redirect_url() or reverse('home')}"
        return super().get_success_url()


class LogoutView(PublicView, auth_views.LogoutView):
    pass


@method_decorator(never_cache, name="dispatch")
class MFAView(PublicView, View):
    """Second factor at sign-in: a code from the confirmed authenticator app, or a recovery
    code. Never sets up a device: that happens only through an enrolment link, so a password
    (even a new one from a reset) gives a mailbox-holder nothing."""

    template_name = "accounts/mfa.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect(settings.LOGIN_URL)
        if user_is_verified(request.user):
            return redirect(_safe_next(request))
        self.devices = second_factor.usable_devices(request.user)
        return super().dispatch(request, *args, **kwargs)

    def render(self, form: TokenForm | None, status: int = 200) -> HttpResponse:
        passkey = passkeys.has_usable_passkey(cast("User", self.request.user))
        context: dict[str, Any] = {
            "form": form,
            "enrolled": bool(self.devices) or passkey,
            "passkey": passkey,
            "status": second_factor.status(cast("User", self.request.user)),
            "next": _safe_next(self.request),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(TokenForm(devices=self.devices) if self.devices else None)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not self.devices:
            return self.render(None, status=403)
        form = TokenForm(request.POST, devices=self.devices)
        if not form.is_valid():
            return self.render(form)
        otp_login(request, form.device)
        return redirect(_safe_next(request))


@method_decorator(never_cache, name="dispatch")
class EnrolView(PublicView, View):
    """The enrolment link: choose a password and set up the authenticator app, once.

    Signs nobody in; the device works after an organisation admin has confirmed it."""

    template_name = "accounts/enrol.html"
    enrolment: Enrolment

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        enrolment = second_factor.enrolment_for(kwargs["secret"])
        if enrolment is None:
            return render(request, "accounts/enrol_invalid.html", status=404)
        self.enrolment = enrolment
        return super().dispatch(request, *args, **kwargs)

    def render(self, form: EnrolForm, status: int = 200) -> HttpResponse:
        device = second_factor.pending_device(self.enrolment)
        qr = segno.make(device.config_url, micro=False)
        context = {
            "form": form,
            "enrolment": self.enrolment,
            "qr_svg": qr.svg_data_uri(scale=5, border=2),
            "secret_b32": base64.b32encode(device.bin_key).decode().rstrip("="),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, secret: str) -> HttpResponse:
        return self.render(EnrolForm(self.enrolment.user))

    def post(self, request: HttpRequest, secret: str) -> HttpResponse:
        form = EnrolForm(self.enrolment.user, request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            codes = second_factor.enrolment_complete(
                enrolment=self.enrolment,
                password=form.cleaned_data["new_password1"],
                code=form.cleaned_data["token"],
            )
        except DomainError as error:
            add_to_form(form, error)
            return self.render(form, status=409 if error.conflict else 400)
        return render(request, "accounts/enrol_done.html", {"codes": codes})


class PasswordResetView(PublicView, auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(PublicView, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(PublicView, auth_views.PasswordResetConfirmView):
    """Sets a new password (or a first one, from an invitation). Never signs in: the
    second factor is still asked at the next sign-in, so a mailbox alone is not enough."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")
    post_reset_login = False


class PasswordResetCompleteView(PublicView, auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class HomeView(ProtectedView, TemplateView):
    """The start page: what this person's roles can do here."""

    template_name = "home.html"
    access_model = Organisation
    access_action = "view"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["work_items"] = worklist.items_for(self.actor)
        return context


class MemberHomeView(ProtectedView, View):
    """Member management of the organisation the user administers."""

    access_model = Membership
    access_action = "list"

    def get(self, request: HttpRequest) -> HttpResponse:
        org_ids = sorted(access.organisation_ids_of(self.actor, Role.ORG_ADMIN))
        return redirect("accounts:members", pk=org_ids[0])


class OwnOrganisationMixin(ProtectedView):
    """Member management only knows the user's own organisations: any other one is a 404."""

    access_model = Organisation
    access_action = "manage_members"
    access_lookup = ("pk", "pk")
    access_purpose = "ledenbeheer"

    def get_access_queryset(self) -> Any:
        return Organisation.objects.filter(pk__in=access.organisation_ids_of(self.actor))


class MemberListView(OwnOrganisationMixin, TemplateView):
    template_name = "accounts/member_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.object
        members = list(selectors.member_list(user=self.actor, organisation=self.object))
        factors = second_factor.statuses([m.user for m in members])
        for m in members:
            m.second_factor = factors[m.user_id]  # type: ignore[attr-defined]
        context["members"] = members
        context["grants"] = grants.awaiting_grants(user=self.actor, organisation=self.object)
        context["form"] = kwargs.get("form") or InviteMemberForm(organisation=self.object)
        return context


class MemberInviteView(OwnOrganisationMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = InviteMemberForm(request.POST, organisation=self.object)
        if form.is_valid():
            try:
                membership = services.member_invite(
                    actor=self.actor, organisation=self.object, **form.cleaned_data
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                if isinstance(membership, RoleGrant):
                    done = _(
                        "De rol %(role)s voor %(name)s wacht op bevestiging door een tweede "
                        "beheerder."
                    )
                else:
                    done = _("%(name)s is uitgenodigd als %(role)s.")
                messages.success(
                    request,
                    done
                    % {"name": membership.user.full_name, "role": membership.get_role_display()},
                )
                return redirect("accounts:members", pk=pk)
        view = MemberListView(request=request, kwargs={"pk": pk}, object=self.object)
        return render(
            request, MemberListView.template_name, view.get_context_data(form=form), status=400
        )


class MemberDeactivateView(ProtectedView, View):
    access_model = Membership
    access_action = "deactivate"
    access_lookup = ("pk", "pk")
    access_purpose = "ledenbeheer"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            services.membership_deactivate(actor=self.actor, membership=self.object)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Het lidmaatschap van %(name)s is beëindigd.") % {"name": self.object.user},
            )
        return redirect("accounts:members", pk=self.object.organisation_id)


class MemberSecondFactorView(ProtectedView, View):
    """Confirm the device someone registered, or reset their second factor (POST only)."""

    access_model = Membership
    access_lookup = ("pk", "pk")
    access_purpose = "ledenbeheer"
    access_action = {"POST": "confirm_second_factor"}
    operation = "confirm"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            if self.operation == "confirm":
                second_factor.second_factor_confirm(actor=self.actor, membership=self.object)
                done = _("De tweede factor van %(name)s is bevestigd.")
            else:
                second_factor.second_factor_reset(actor=self.actor, membership=self.object)
                done = _("%(name)s krijgt een nieuwe link om de tweede factor in te stellen.")
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done % {"name": self.object.user})
        return redirect("accounts:members", pk=self.object.organisation_id)


class MemberSecondFactorResetView(MemberSecondFactorView):
    access_action = {"POST": "reset_second_factor"}
    operation = "reset"


class RoleGrantConfirmView(ProtectedView, View):
    """A second admin confirms (or, in the subclass, refuses) a role request."""

    access_model = RoleGrant
    access_lookup = ("pk", "pk")
    access_purpose = "ledenbeheer"
    access_action = {"POST": "confirm"}

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            if self.access_action == {"POST": "confirm"}:
                grants.role_grant_confirm(actor=self.actor, grant=self.object)
                done = _("%(name)s heeft de rol %(role)s gekregen.")
            else:
                grants.role_grant_refuse(actor=self.actor, grant=self.object)
                done = _("De rol %(role)s voor %(name)s is afgewezen.")
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, done % {"name": self.object.user, "role": self.object.get_role_display()}
            )
        return redirect("accounts:members", pk=self.object.organisation_id)


class RoleGrantRefuseView(RoleGrantConfirmView):
    access_action = {"POST": "refuse"}


class AccessLogView(ProtectedView, TemplateView):
    """Who in the organisation read or changed which data, and why: filters, readable names,
    and the same rows as CSV or XLSX (`?export=csv|xlsx`, itself written to the log)."""

    template_name = "accounts/access_log.html"
    access_model = AccessLogEntry
    access_action = "view"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        people = selectors.access_log_people(user=self.actor)
        form = AccessLogFilterForm(request.GET or None, people=people)
        valid = form.is_valid() if form.is_bound else True
        filters = form.cleaned_data if form.is_bound and valid else {}
        entries = selectors.access_log_list(
            user=self.actor, filters=filters, event=filters.get("event", "")
        )
        if not valid:
            entries = entries.none()
        names = dict(people)
        export = request.GET.get("export")
        if export in ("csv", "xlsx") and valid:
            return self.export(export, entries, names)
        page = Paginator(entries, 50).get_page(request.GET.get("page"))
        rows = [
            {"entry": e, "person": names.get(e.user_id or 0, e.user_email), **_labels(e)}
            for e in page
        ]
        # Reading the log is a read of personal data (who opened which client's file): one
        # row per rendered page, whatever the filter or page, after the page was read (so the
        # row itself shows from the next request on).
        access.log.audit(
            "accounts.access_log.listed",
            actor=self.actor,
            target=AccessLogEntry,
            rule=self.access_rule,
            purpose=f"toegangslog inzien (pagina {page.number})",
            request=request,
        )
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context = self.get_context_data(form=form, page=page, rows=rows, query=query.urlencode())
        return self.render_to_response(context, status=200 if valid else 400)

    def export(self, kind: str, entries: Any, names: dict[int, str]) -> HttpResponse:
        rows = list(entries[: access_log_export.MAX_ROWS])
        access.log.audit(
            "accounts.access_log.exported",
            actor=self.actor,
            action=AccessAction.EXPORT,
            target=AccessLogEntry,
            rule=self.access_rule,
            purpose=f"toegangslog exporteren ({kind}, {len(rows)})",
            request=self.request,
        )
        stamp = timezone.localdate().isoformat()
        if kind == "csv":
            response = HttpResponse(
                access_log_export.as_csv(rows, names), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                access_log_export.as_xlsx(rows, names),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="toegangslog-{stamp}.{kind}"'
        return response


def _labels(entry: AccessLogEntry) -> dict[str, str]:
    return {
        "role": labels.role_label(entry.role),
        "object_type": labels.object_type_label(entry.object_type),
        "rule": labels.rule_label(entry.rule),
        "purpose": labels.purpose_label(entry.purpose),
        "event": labels.event_label(entry.event),
    }


class ProcessingRecordsMixin(ProtectedView):
    """The records of processing, generated from the code (`accounts.records`): org admins
    and privacy officers (the people who answer for the processing in their organisation);
    everyone else 403. The register names no person, so reading it is not logged."""

    access_model = Organisation
    access_action = "processing_records"


class ProcessingRecordsView(ProcessingRecordsMixin, TemplateView):
    template_name = "accounts/processing_records.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        apps_ = records.register_records()
        return super().get_context_data(
            apps=apps_,
            retentions=records.retentions(),
            summary=records.summary(apps_),
            categories=records.category_labels(),
            **kwargs,
        )


class ProcessingRecordsPdfView(ProcessingRecordsMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = HttpResponse(records.render_pdf(), content_type="application/pdf")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="verwerkingsregister-{stamp}.pdf"'
        return response


class ProcessingRecordsMarkdownView(ProcessingRecordsMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = HttpResponse(records.markdown(), content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="verwerkingsregister.md"'
        return response


class NotificationListView(ProtectedView, TemplateView):
    """The person's notifications (reminders, alerts, digests); opening the page marks them read."""

    template_name = "accounts/notification_list.html"
    access_model = Notification
    access_action = {"GET": "view", "POST": "view"}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page"] = Paginator(selectors.notification_list(user=self.actor), 30).get_page(
            self.request.GET.get("page")
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        services.notification_mark_read(user=self.actor)
        return redirect("accounts:notifications")


class ApiTokenView(ProtectedView, TemplateView):
    """The user's API tokens with their expiry and last use; issue a new one (shown once).
    Reachable only after the second factor, like every page."""

    template_name = "accounts/api_token.html"
    access_model = Organisation
    access_action = {"GET": "view", "POST": "view"}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tokens"] = tokens.api_token_list(user=self.actor)
        context.setdefault("form", ApiTokenForm())
        context["days"] = settings.API_TOKEN_DAYS
        context["idle_minutes"] = settings.SESSION_COOKIE_AGE // 60
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        _token, key = tokens.api_token_create(
            actor=self.actor, user=self.actor, name=form.cleaned_data["name"]
        )
        return self.render_to_response(self.get_context_data(new_token=key))


class ApiTokenRevokeView(ProtectedView, View):
    access_model = ApiToken
    access_action = "revoke"
    access_lookup = ("pk", "pk")
    access_purpose = "API-sleutel intrekken"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        tokens.api_token_revoke(actor=self.actor, token=self.object)
        messages.success(request, _("De API-sleutel is ingetrokken."))
        return redirect("accounts:api-token")


class PasskeyListView(ProtectedView, TemplateView):
    """The person's passkeys, and adding one (the browser's prompt; django-otp-webauthn).
    Reachable only after the second factor, like every page."""

    template_name = "accounts/passkeys.html"
    access_model = WebAuthnCredential

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["passkeys"] = passkeys.passkeys_of(self.actor)
        return context


class PasskeyDeleteView(ProtectedView, View):
    access_model = WebAuthnCredential
    access_action = "delete"
    access_lookup = ("pk", "pk")
    access_purpose = "passkey verwijderen"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        passkeys.passkey_remove(actor=self.actor, credential=self.object, request=request)
        messages.success(request, _("De passkey is verwijderd."))
        return redirect("accounts:passkeys")


def _cache_status() -> str:
    """The cache's own state: the cache backend swallows Redis errors, so ask Redis directly."""
    backend = caches["default"]
    if not hasattr(backend, "client"):  # local memory: nothing that can be down
        return "local (in-process)"
    try:
        backend.client.get_client(write=False).ping()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


@public
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker and cache status for load balancers and docker healthchecks (200 or 503).

    Each part is named with "ok" or "error: <exception>", so an operator sees which one is down.
    """
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    if settings.CELERY_TASK_ALWAYS_EAGER and not settings.REDIS_URL:
        checks["broker"] = "eager (in-process)"
    else:
        from config.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"error: {type(exc).__name__}"
    checks["cache"] = _cache_status()
    healthy = all(v == "ok" or v.startswith(("eager", "local")) for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
