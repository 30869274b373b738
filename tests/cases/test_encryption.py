"""Care-only data is encrypted at rest, keys rotate, and a wrong key never leaks a token."""

from __future__ import annotations

import datetime

import pytest
from cryptography.fernet import Fernet
from django.contrib import admin
from django.core.management import call_command
from django.db import connection

from cases.fields import UnreadableCiphertext
from cases.models import CareRecord, ClientNote, Consent, HousingProfile, RentLimit
from cases.services import client_note_add

from .factories import make_client

pytestmark = pytest.mark.django_db

NAME, HISTORY, REASON, NOTE = (
    "Jan Pietersen",
    "Psychose in 2023",
    "Oude wijk van dealer",
    "Belde om 9 uur",
)


def raw(table: str, column: str, pk_column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {pk_column} = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def client_with_secrets(coordinator):
    client = make_client(
        coordinator,
        full_name=NAME,
        care_history=HISTORY,
        exclusion_reasons=REASON,
        date_of_birth=datetime.date(1990, 5, 17),
        phone="06-12345678",
    )
    client_note_add(actor=coordinator, client=client, body=NOTE)
    return client


@pytest.mark.parametrize(
    ("column", "plain"),
    [
        ("full_name", NAME),
        ("care_history", HISTORY),
        ("exclusion_reasons", REASON),
        ("date_of_birth", "1990-05-17"),
        ("phone", "06-12345678"),
    ],
)
def test_care_fields_are_not_readable_in_the_database(client_with_secrets, column, plain):
    stored = raw("cases_carerecord", column, "client_id", client_with_secrets.pk)
    assert plain not in stored
    assert stored.startswith("gAAAA")  # a Fernet token
    assert getattr(CareRecord.objects.get(pk=client_with_secrets.pk), column) in (
        plain,
        datetime.date(1990, 5, 17),
    )


def test_notes_are_not_readable_in_the_database(client_with_secrets):
    note = ClientNote.objects.get(client=client_with_secrets)
    assert NOTE not in raw("cases_clientnote", "body", "id", note.pk)
    assert note.body == NOTE


def test_the_same_name_encrypts_differently_each_time(coordinator):
    a = make_client(coordinator, full_name=NAME)
    b = make_client(coordinator, full_name=NAME)
    assert raw("cases_carerecord", "full_name", "client_id", a.pk) != raw(
        "cases_carerecord", "full_name", "client_id", b.pk
    )


def test_rotation_re_encrypts_with_the_new_key_and_old_keys_can_go(settings, client_with_secrets):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    before = raw("cases_carerecord", "full_name", "client_id", client_with_secrets.pk)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert CareRecord.objects.get(pk=client_with_secrets.pk).full_name == NAME  # old still reads

    call_command("reencrypt_care_data", stdout=open("/dev/null", "w"))  # noqa: SIM115

    after = raw("cases_carerecord", "full_name", "client_id", client_with_secrets.pk)
    assert after != before
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is removed
    record = CareRecord.objects.get(pk=client_with_secrets.pk)
    assert (record.full_name, record.care_history) == (NAME, HISTORY)
    assert ClientNote.objects.get(client=client_with_secrets).body == NOTE


def test_a_wrong_key_raises_instead_of_showing_ciphertext(settings, client_with_secrets):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(UnreadableCiphertext):
        CareRecord.objects.get(pk=client_with_secrets.pk)


def test_only_the_rent_table_is_in_the_admin():
    registered = set(admin.site._registry)
    assert RentLimit in registered
    assert not registered & {CareRecord, ClientNote, HousingProfile, Consent}
