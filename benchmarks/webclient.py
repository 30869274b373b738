"""A small HTTP client that signs in the way a person does: the login form, then a TOTP code.

Used by the CI production smoke step (`.ci/production_smoke.py`) and the load benchmark
(`benchmarks/load.py`). Standard library only (http.client with keep-alive), so it measures
the server and not a client library. The server runs with production settings behind a
(pretend) TLS proxy: every request says `X-Forwarded-Proto: https`, and cookies marked Secure are
sent back over the loopback, as the proxy would.
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from django_otp.oath import totp

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float
    path: str = ""  # where the answer came from (after redirects)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class SignInFailed(RuntimeError):
    pass


@dataclass
class Browser:
    host: str
    port: int
    host_header: str = "127.0.0.1"
    timeout: float = 30.0
    cookies: dict[str, str] = field(default_factory=dict)
    _conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        sent = {
            "Host": self.host_header,
            "X-Forwarded-Proto": "https",
            "Accept-Encoding": "identity",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = f"https://{self.host_header}{path}"  # CSRF checks it over HTTPS
            if "csrftoken" in self.cookies:
                sent["X-CSRFToken"] = self.cookies["csrftoken"]
        started = time.perf_counter()
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=sent)
                raw = conn.getresponse()
                data = raw.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed (worker restart, timeout): reconnect.
                conn.close()
                self._conn = None
                if attempt == 2:
                    raise
        seconds = time.perf_counter() - started
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                jar: SimpleCookie = SimpleCookie()
                jar.load(value)
                for key, morsel in jar.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data, seconds)

    def get(self, path: str, *, follow: bool = False, **kwargs: object) -> Response:
        """GET `path`; with `follow`, go on through redirects within the site (at most 5)."""
        response = self.request("GET", path, **kwargs)  # type: ignore[arg-type]
        for _ in range(5):
            if not follow or response.status not in {301, 302, 303, 307, 308}:
                break
            target = urllib.parse.urlsplit(response.headers.get("location", ""))
            if target.netloc not in {"", self.host_header}:
                break
            path = target.path + (f"?{target.query}" if target.query else "")
            response = self.request("GET", path, **kwargs)  # type: ignore[arg-type]
        response.path = path
        return response

    def post(self, path: str, form: dict[str, str], **kwargs: object) -> Response:
        return self.request("POST", path, form=form, **kwargs)  # type: ignore[arg-type]

    def sign_in(self, email: str, password: str, totp_key: bytes) -> None:
        """The login form, then the second-factor form with the code computed from the secret."""
        login = "/accounts/login/"
        page = self.get(login)
        token = CSRF_INPUT.search(page.text)
        if page.status != 200 or token is None:
            raise SignInFailed(f"{email}: login page answered {page.status}")
        answer = self.post(
            login,
            {"csrfmiddlewaretoken": token.group(1), "username": email, "password": password},
        )
        if answer.status != 302 or "/accounts/2fa/" not in answer.headers.get("location", ""):
            raise SignInFailed(f"{email}: password step answered {answer.status}")
        mfa = self.get("/accounts/2fa/")
        token = CSRF_INPUT.search(mfa.text)
        if mfa.status != 200 or token is None:
            raise SignInFailed(f"{email}: second-factor page answered {mfa.status}")
        code = f"{totp(totp_key):06d}"
        done = self.post("/accounts/2fa/", {"csrfmiddlewaretoken": token.group(1), "token": code})
        if done.status != 302:
            raise SignInFailed(f"{email}: the TOTP code was refused ({done.status})")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
