"""The agreement PDF: a real PDF, in Dutch, with the parties, terms and signature blocks,
and a name only for a reader who may see it."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AccessLogEntry
from cases import selectors as case_selectors
from matching.placements import documents
from matching.placements.models import AgreementKind

from .conftest import sign_all

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_flip_lease_pdf_names_the_parties_terms_and_signatures(world):
    agreement = sign_all(world, world.issued())
    document = agreement.documents.get()
    pdf = documents.render_pdf(document=document, viewer=world.coordinator)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    text = text_of(pdf)
    name = case_selectors.client_names([agreement.placement.client_id])[
        agreement.placement.client_id
    ]
    for expected in (
        "Omklapcontract",
        "Woonstichting De Kade",
        "Zorggroep De Brug",
        name,
        "Hoofdhuurder",
        "Onderhuurder",
        "ten minste twaalf maanden",
        "Joost van Dijk",
        "bewindvoering",
        "Getekend op",
        agreement.placement.dwelling.street,
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        (AgreementKind.TRIPARTITE, "twee jaar"),
        (AgreementKind.TRIANGLE, "zorgcontract"),
        (AgreementKind.ORDINARY, "op eigen naam"),
    ],
)
def test_every_kind_has_its_own_document(world, kind, phrase):
    agreement = world.issued(kind=kind)
    text = text_of(
        documents.render_pdf(document=agreement.documents.get(), viewer=world.consultant)
    )
    assert phrase in text
    assert "Handtekening" in text  # empty signature blocks before signing


def test_a_reader_who_may_not_see_the_name_gets_the_pseudonym(world):
    agreement = world.issued()
    placement = agreement.placement
    # The consultant sees the name while the client's consent is in force ...
    name = case_selectors.client_names([placement.client_id])[placement.client_id]
    assert name in text_of(
        documents.render_pdf(document=agreement.documents.get(), viewer=world.consultant)
    )
    # ... and only the pseudonym once it is withdrawn.
    placement.client.consents.update(ended_at="2020-01-01T00:00:00Z", end_reason="withdrawn")
    text = text_of(
        documents.render_pdf(document=agreement.documents.get(), viewer=world.consultant)
    )
    assert name not in text
    assert placement.client_reference in text


def test_the_pdf_page_serves_a_pdf_and_logs_a_print(world, login):
    agreement = world.issued()
    response = login(world.consultant).get(
        reverse("placements:agreement-document", args=[agreement.pk, 1])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(
        object_type="placements.agreement", action="print", user_id=world.consultant.pk
    ).exists()


def test_the_municipality_cannot_open_the_pdf(world, login):
    agreement = world.issued()
    response = login(world.chair).get(
        reverse("placements:agreement-document", args=[agreement.pk, 1])
    )
    assert response.status_code == 403
