"""Print the reference of every environment variable, generated from the settings module."""

from typing import Any

from django.core.management.base import BaseCommand

from config.env import ENV


class Command(BaseCommand):
    help = "Print a Markdown table of every environment variable the settings read."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(ENV.markdown_table())
