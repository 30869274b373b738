"""The minutes PDF, rendered once per meeting state and viewer, and kept as a file.

A 200-proposal PDF takes seconds of CPU (WeasyPrint); the request that asks for it must not.
The view asks `minutes_pdf_stored`; on a miss it queues `render_minutes_pdf` and answers a
"being made" page that refreshes itself; the task calls `minutes_pdf_render`. With tasks run
in-process (no broker) the PDF is there by the time the view looks again.

One file per (meeting, viewer, version): the minutes show names only to those who may see them
(`selectors.visible_names`), so a viewer's PDF is theirs; the version is the fingerprint of what
the minutes show (`selectors.agenda_version` + `no_match_version`), so any decision makes a new
file, and the files of older versions of that viewer are removed. A closed meeting's PDF stays.
Files live under MEDIA_ROOT (a volume the web and worker containers share) and are served only
through the view, after the permission layer.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import User

from .. import selectors
from ..models import Meeting, ProposalStatus


def minutes_pdf_version(*, meeting: Meeting, user: User, language: str) -> str:
    """The fingerprint of the minutes `user` gets now (a few light queries, no rendering)."""
    agenda = selectors.agenda_version(user=user, meeting=meeting, view=f"minutes:{language}")
    return selectors.fingerprint(
        [agenda.etag, selectors.no_match_version(meeting=meeting), meeting.status]
    )


def _directory(meeting_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "minutes" / str(meeting_id)


def _path(meeting_id: int, user_id: int, version: str) -> Path:
    return _directory(meeting_id) / f"{user_id}-{version}.pdf"


def minutes_pdf_stored(*, meeting: Meeting, user: User, version: str) -> Path | None:
    """The stored PDF of this version, if it was rendered."""
    path = _path(meeting.pk, user.pk, version)
    return path if path.is_file() else None


def minutes_context_for(*, user: User, meeting: Meeting) -> dict[str, Any]:
    """What the minutes (page and PDF) show to `user`."""
    proposals = selectors.minutes(user=user, meeting=meeting)
    names = selectors.for_reader(user=user, proposals=proposals)
    for p in proposals:
        p.visible_name = names.get(p.pk, "")  # type: ignore[attr-defined]
    return {
        "meeting": meeting,
        "proposals": proposals,
        "summary": selectors.summary(proposals),
        "follow_ups": [
            p
            for p in proposals
            if p.status in (ProposalStatus.OPEN, ProposalStatus.AWAITING_CONFIRMATION)
        ],
        "no_match": selectors.no_match_for(user=user, meeting=meeting),
    }


def minutes_pdf_render(*, meeting: Meeting, user: User, version: str, language: str) -> Path:
    """Render and store `user`'s minutes PDF of `version`. Idempotent: an existing file is kept.

    The file is written under a temporary name and moved into place, so a reader never sees
    half a PDF and two renders of the same version (a retried task) end with one file.
    """
    path = _path(meeting.pk, user.pk, version)
    if path.is_file():
        return path
    if minutes_pdf_version(meeting=meeting, user=user, language=language) != version:
        # The meeting moved on since this was asked for; the view asks for the new version.
        return path
    from weasyprint import HTML  # imported here: loading pango is slow

    with translation.override(language):
        html = render_to_string(
            "board/minutes_pdf.html", minutes_context_for(user=user, meeting=meeting)
        )
    pdf = HTML(string=html, base_url=settings.SITE_URL).write_pdf()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(pdf)
    os.replace(temporary, path)
    for old in path.parent.glob(f"{user.pk}-*.pdf"):
        if old != path:
            old.unlink(missing_ok=True)
    return path
