"""Sign-in bookkeeping: when the session started, and which keys belong to whom."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from .middleware import SESSION_LOGIN_AT
from .models import LoginSession


@receiver(user_logged_in)
def remember_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    # Django's login() already gave the session a new key (no fixation); stamp and record it.
    request.session[SESSION_LOGIN_AT] = time.time()
    request.session.save()
    LoginSession.objects.get_or_create(user=user, session_key=request.session.session_key)
