"""Issue an API token from the server: the only way to make an integration token."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import tokens
from accounts.errors import DomainError, Forbidden
from accounts.models import User


class Command(BaseCommand):
    help = "Issue an API token for a user (--integration: a named token without the idle rule)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="e-mail address of the token's owner")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument("--by", required=True, help="e-mail address of the platform admin")
        parser.add_argument("--integration", action="store_true")
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=options["user"], is_active=True)
            actor = User.objects.get(email__iexact=options["by"], is_active=True)
        except User.DoesNotExist as error:
            raise CommandError("no such active user") from error
        try:
            token, key = tokens.api_token_create(
                actor=actor,
                user=user,
                name=options["name"],
                integration=options["integration"],
                days=options["days"],
            )
        except (DomainError, Forbidden) as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{key}\n(expires {token.expires_at:%Y-%m-%d %H:%M} UTC)")
