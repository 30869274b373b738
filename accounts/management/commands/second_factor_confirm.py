"""Confirm a registered second factor as a platform administrator (an organisation's first
admin has no other admin to do it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import second_factor
from accounts.errors import DomainError, Forbidden
from accounts.models import User


class Command(BaseCommand):
    help = "Confirm the second factor a user registered through their enrolment link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="e-mail address of the person")
        parser.add_argument("--by", required=True, help="e-mail address of the platform admin")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=options["user"], is_active=True)
            actor = User.objects.get(email__iexact=options["by"], is_active=True)
        except User.DoesNotExist as error:
            raise CommandError("no such active user") from error
        try:
            second_factor.second_factor_confirm_by_operator(actor=actor, user=user)
        except (DomainError, Forbidden) as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"confirmed the second factor of {user.email}")
