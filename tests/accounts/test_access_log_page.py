"""The access-log page: filters, readable names, exports, and reading or exporting the log
itself logged (one row per request, page and API)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.access import labels, log
from accounts.models import AccessAction, AccessLogEntry, AccessResult, Role
from tests.accounts.factories import member

pytestmark = pytest.mark.django_db

URL = reverse("accounts:access-log")


@pytest.fixture
def world():
    admin = member(Role.ORG_ADMIN)
    org = admin.memberships.get().organisation
    coordinator = member(Role.CARE_COORDINATOR, org)
    colleague = member(Role.CARE_COORDINATOR, org)
    outsider = member(Role.CARE_COORDINATOR)
    log.audit(
        "cases.client.viewed", actor=coordinator, target="cases.client",
        object_id="WB-2026-00001", rule="cases.client.view:own-provider",
        purpose="cliëntdossier",
    )  # fmt: skip
    log.audit(
        "cases.client.viewed", actor=colleague, target="cases.client",
        object_id="WB-2026-00002", rule="cases.client.view:assigned-coordinator",
        result=AccessResult.REFUSED, purpose="plaatsingstafel 2026-W49: accepted",
    )  # fmt: skip
    log.audit("cases.client.viewed", actor=outsider, target="cases.client", object_id="X")
    return {"admin": admin, "coordinator": coordinator, "colleague": colleague, "org": org}


def test_it_shows_names_roles_rules_and_purposes_readably(world, login):
    response = login(world["admin"]).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert world["coordinator"].full_name in html
    assert "zorgcoördinator" in html and "care_coordinator" not in html
    assert "eigen zorgaanbieder" in html and "view:own-provider" not in html
    assert "week 49 van 2026: cliënt aanvaardt" in html
    assert "cliënt ingezien" in html  # the event, worded
    assert ">X<" not in html  # another organisation's row is not there


def test_it_filters_on_person_client_action_result_and_period(world, login):
    client = login(world["admin"])

    def ids(**params):
        return [r["entry"].object_id for r in client.get(URL, params).context["rows"]]

    assert ids(person=world["colleague"].pk) == ["WB-2026-00002"]
    assert ids(client="wb-2026-00001") == ["WB-2026-00001"]
    assert ids(result="refused") == ["WB-2026-00002"]
    assert ids(date_from=(timezone.localdate() + dt.timedelta(days=1)).isoformat()) == []
    # The admin's own earlier reads of the page are rows too (object id "": the log itself).
    today = timezone.localdate().isoformat()
    assert [i for i in ids(date_to=today) if i] == ["WB-2026-00002", "WB-2026-00001"]
    assert ids(action="export") == []


def test_bad_filters_answer_at_the_field_and_list_nothing(world, login):
    response = login(world["admin"]).get(
        URL, {"date_from": "2026-12-10", "date_to": "2026-12-01", "person": "abc"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "date_to" in form.errors and "person" in form.errors
    assert response.context["page"].paginator.count == 0


def test_the_csv_export_has_the_filtered_rows_and_is_logged(world, login):
    response = login(world["admin"]).get(URL, {"result": "refused", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Tijdstip" and len(rows) == 2
    assert rows[1][1] == world["colleague"].full_name
    assert rows[1][7] == "WB-2026-00002"
    assert AccessLogEntry.objects.filter(
        user_id=world["admin"].pk, action=AccessAction.EXPORT, object_type="accounts.accesslogentry"
    ).exists()


def test_the_xlsx_export_opens_with_a_header(world, login):
    response = login(world["admin"]).get(URL, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Tijdstip"
    assert sheet.max_row == 3  # header + the two rows of the organisation


def test_a_coordinator_cannot_read_or_export_the_log(world, login):
    response = login(world["coordinator"]).get(URL, {"export": "csv"})
    assert response.status_code == 403


def test_rule_labels_cover_every_registered_rule_name():
    from accounts.access.core import _registry

    names = {rule.name for policy in _registry.values() for rule in policy.rules.values()}
    missing = names - set(labels.RULE_NAMES)
    assert not missing, f"add a readable name for {sorted(missing)} to accounts/access/labels.py"


def test_action_labels_cover_every_registered_action():
    """A rule is read as "<object> <action>: <who>"; an action without a name printed its
    code ("cliënt transition", "cliënt consent record")."""
    from accounts.access.core import _registry

    actions = {action for policy in _registry.values() for action in policy.rules}
    missing = actions - set(labels.ACTION_NAMES)
    assert not missing, f"add a readable name for {sorted(missing)} to accounts/access/labels.py"
    assert labels.rule_label("cases.client.transition:assigned-coordinator") == (
        "cliënt status wijzigen: toegewezen zorgcoördinator"
    )


def test_default_deny_rules_read_as_sentences():
    assert labels.rule_label("default-deny:no-rule-for-sign") == "geen regel voor ‘ondertekenen’"
    assert (
        labels.rule_label("placements.agreement.view:party-or-municipality")
        == "afspraak inzien: partij of gemeente"
    )


def _reads_of_the_log(user) -> list[tuple[str, str, str]]:
    return list(
        AccessLogEntry.objects.filter(user_id=user.pk, object_type="accounts.accesslogentry")
        .order_by("pk")
        .values_list("event", "action", "result")
    )


@pytest.mark.parametrize(
    "params",
    [{}, {"page": "2"}, {"result": "refused"}, {"person": "abc"}, {"client": "WB-2026-00001"}],
)
def test_reading_the_page_writes_one_row_per_request(world, login, params):
    admin = world["admin"]
    browser = login(admin)
    for n in (1, 2):
        response = browser.get(URL, params)
        assert response.status_code in (200, 400)
        assert (
            _reads_of_the_log(admin)
            == [("accounts.access_log.listed", AccessAction.SEARCH, AccessResult.SUCCESS)] * n
        )
    row = AccessLogEntry.objects.filter(event="accounts.access_log.listed").latest("pk")
    assert row.rule == "accounts.accesslogentry.view:org-admin-or-privacy-officer"
    assert row.organisation_id == world["org"].pk and row.channel == "web"
    # The next request shows the previous read, worded.
    assert "toegangslog in een overzicht getoond" in browser.get(URL).content.decode()


def test_an_export_writes_its_export_row_only(world, login):
    login(world["admin"]).get(URL, {"export": "csv"})
    assert _reads_of_the_log(world["admin"]) == [
        ("accounts.access_log.exported", AccessAction.EXPORT, AccessResult.SUCCESS)
    ]


def test_a_refused_reader_writes_only_the_refusal(world, login):
    login(world["coordinator"]).get(URL)
    assert [e for e, _a, r in _reads_of_the_log(world["coordinator"]) if r == "success"] == []


@pytest.mark.parametrize("params", [{}, {"page": "1"}, {"event": "cases.client"}])
def test_listing_the_api_writes_one_row_per_request(world, login, params):
    admin = world["admin"]
    browser = login(admin)
    for n in (1, 2):
        response = browser.get("/api/v1/access-log/", params)
        assert response.status_code == 200
        assert (
            _reads_of_the_log(admin)
            == [("accounts.access_log.listed", AccessAction.SEARCH, AccessResult.SUCCESS)] * n
        )
    row = AccessLogEntry.objects.filter(event="accounts.access_log.listed").latest("pk")
    assert (
        row.channel == "api"
        and row.rule == "accounts.accesslogentry.view:org-admin-or-privacy-officer"
    )


def test_reading_one_api_row_writes_one_row(world, login):
    admin = world["admin"]
    entry = AccessLogEntry.objects.filter(organisation_id=world["org"].pk).first()
    assert login(admin).get(f"/api/v1/access-log/{entry.pk}/").status_code == 200
    assert _reads_of_the_log(admin) == [
        ("accounts.access_log.viewed", AccessAction.VIEW, AccessResult.SUCCESS)
    ]
    assert AccessLogEntry.objects.get(event="accounts.access_log.viewed").object_id == str(entry.pk)


def test_an_out_of_range_api_page_writes_no_read(world, login):
    response = login(world["admin"]).get("/api/v1/access-log/", {"page": "99"})
    assert response.status_code == 404
    assert _reads_of_the_log(world["admin"]) == []


def test_logged_types_are_named_in_the_readers_language_whoever_asked_first():
    """The names were cached as text in the first reader's language: after a Dutch page the
    English page said "cliënt viewed"."""
    from django.utils import translation

    labels._object_names.cache_clear()
    with translation.override("nl"):
        assert labels.object_type_label("cases.client") == "cliënt"
    with translation.override("en"):
        assert labels.object_type_label("cases.client") == "client"


def test_the_privacy_officer_reads_their_organisations_log(world, login):
    """Issue 17 item 7: the page is for the organisation admin and the privacy officer (the
    privacy officer got 403)."""
    officer = member(Role.PRIVACY_OFFICER, world["org"])
    response = login(officer).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert world["coordinator"].full_name in html and ">X<" not in html
    assert f'href="{URL}"' in html  # in the menu
    assert login(officer).get(URL + "?export=csv").status_code == 200


def test_the_event_filter_offers_names_not_codes_and_finds_every_head_of_a_family(world, login):
    """The "Over" filter lists what rows are about by name ("API-sleutel", not
    "accounts.api_token"), one choice for the heads that name the same thing."""
    admin = world["admin"]
    coordinator = world["coordinator"]
    log.audit("accounts.api_token.created", actor=coordinator, target="accounts.api_token")
    log.audit("accounts.apitoken.revoked", actor=coordinator, target="accounts.apitoken")
    browser = login(admin)
    form = browser.get(URL).context["form"]
    choices = dict(form.fields["event"].choices)
    assert "accounts.api_token" not in choices.values()
    value = next(code for code, label in choices.items() if label == "API-sleutel")
    assert value == "accounts.api_token,accounts.apitoken"
    rows = browser.get(URL, {"event": value}).context["rows"]
    assert {r["entry"].event for r in rows} == {
        "accounts.api_token.created",
        "accounts.apitoken.revoked",
    }
    invalid = browser.get(URL, {"event": "accounts"})
    assert "event" in invalid.context["form"].errors


def test_every_event_a_service_writes_has_a_named_family():
    """A new `access.audit("x.y.verb", ...)` whose head has no name fails here: add the head
    to OBJECT_NAMES or OBJECT_ALIASES in accounts/access/labels.py."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    families = {code for value, _label in labels.event_families() for code in value.split(",")}
    heads = set()
    for path in root.glob("*/**/*.py"):
        if {".venv", "tests", "migrations", "benchmarks", ".tools"} & set(path.parts):
            continue
        for match in re.finditer(r'audit\(\s*"([a-z_]+\.[a-z_]+)\.[a-z_]+"', path.read_text()):
            heads.add(match.group(1))
    assert heads, "no audit call found: the pattern is out of date"
    assert heads - families == set()
