"""Print the records of processing (verwerkingsregister) as Markdown, generated from the code.

    manage.py processing_records > docs/processing.md

`tests/accounts/test_processing_records.py` fails when docs/processing.md is not what this
prints. Always in Dutch, whatever LANGUAGE_CODE says, so the committed file is stable.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from accounts import records


class Command(BaseCommand):
    help = "Print the records of processing (docs/processing.md) as Markdown."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("nl"):
            self.stdout.write(records.markdown(), ending="")
