"""A tiny OpenID Connect provider (django-oauth-toolkit) for the sign-in tests (issue 21).

It runs as its own Django process on the loopback with its own settings and SQLite
database, started once per test session by `tests/accounts/test_oidc.py`'s fixture. Its
validator lets the tests ask for what real providers send: `amr` with a second factor for
users in the group "mfa", and (for two dedicated clients) an ID token that has expired or
is meant for someone else.
"""
