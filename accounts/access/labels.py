"""Readable names for what the access log stores as codes.

The log keeps stable codes (roles, `type.action:rule`, object types, purposes with a coded
suffix) so it stays comparable over the years; this module turns them into Dutch (or the
reader's language) at display time, on the page and in the exports. Unknown codes fall back
to the code itself, so a new rule never hides a row.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role

RULE_NAMES = {
    "party": gettext_lazy("partij bij de afspraak"),
    "own-corporation": gettext_lazy("eigen corporatie"),
    "board-member": gettext_lazy("lid van de plaatsingstafel"),
    "party-or-municipality": gettext_lazy("partij of gemeente"),
    "municipality-of-board": gettext_lazy("gemeente van de tafel"),
    "consultant-of-corporation": gettext_lazy("woonconsulent van de corporatie"),
    "own-provider": gettext_lazy("eigen zorgaanbieder"),
    "org-admin": gettext_lazy("beheerder van de organisatie"),
    "municipality-or-shared": gettext_lazy("gemeente, of met u gedeeld"),
    "municipality-or-corporation": gettext_lazy("gemeente of corporatie"),
    "board-chair": gettext_lazy("voorzitter plaatsingstafel"),
    "assigned-coordinator": gettext_lazy("toegewezen zorgcoördinator"),
    "coordinator-of-provider": gettext_lazy("zorgcoördinator van de aanbieder"),
    "consultant": gettext_lazy("woonconsulent"),
    "member-of-region": gettext_lazy("organisatie in de regio"),
    "region-member": gettext_lazy("monitor: lid in de regio"),
    "coordinator": gettext_lazy("zorgcoördinator"),
    "board-chair-of-region": gettext_lazy("voorzitter in de regio"),
    "own": gettext_lazy("eigen gegevens"),
    "own-personal-or-platform-admin-integration": gettext_lazy(
        "eigen persoonlijke sleutel, of koppeling door de platformbeheerder"
    ),
    "platform-admin": gettext_lazy("platformbeheerder"),
    "municipality-of-region": gettext_lazy("gemeente in de regio"),
    "municipality": gettext_lazy("gemeente"),
    "coordinator-or-consultant": gettext_lazy("zorgcoördinator of woonconsulent"),
    "assigned-or-takeover": gettext_lazy("toegewezen, of overname door een collega"),
    "analyst-or-consultant": gettext_lazy("beleidsanalist of woonconsulent"),
    "analyst": gettext_lazy("beleidsanalist"),
    "governing-municipality": gettext_lazy("gemeente die de tafel voorzit"),
    "governing-analyst": gettext_lazy("beleidsanalist van die gemeente"),
    "party-or-chair": gettext_lazy("partij of voorzitter"),
    "party-or-chair-of-escalated": gettext_lazy(
        "partij, of voorzitter bij een geëscaleerd signaal"
    ),
    "org-admin-or-self": gettext_lazy("beheerder, of de persoon zelf"),
    "own-corporation-or-board-chair": gettext_lazy("eigen corporatie of voorzitter"),
    "own-corporation-or-municipality": gettext_lazy("eigen corporatie of gemeente"),
    "own-or-on-board": gettext_lazy("eigen, of aan de tafel aangeboden"),
    "own-organisation": gettext_lazy("eigen organisatie"),
    "own-provider-or-privacy-officer": gettext_lazy(
        "eigen zorgaanbieder of privacyfunctionaris van de aanbieder"
    ),
    "coordinator-or-privacy-officer": gettext_lazy("zorgcoördinator of privacyfunctionaris"),
    "privacy-officer": gettext_lazy("privacyfunctionaris van de aanbieder"),
    "org-admin-or-privacy-officer": gettext_lazy("beheerder of privacyfunctionaris"),
    "anonymised": gettext_lazy("gegevens zijn geanonimiseerd"),
    "not-visible": gettext_lazy("buiten uw zicht (onbekend gegeven)"),
    "anonymous": gettext_lazy("niet aangemeld"),
    "unregistered-model": gettext_lazy("geen regel voor dit gegeven"),
}

ACTION_NAMES = {
    "view": gettext_lazy("inzien"),
    "list": gettext_lazy("overzicht"),
    "create": gettext_lazy("aanmaken"),
    "change": gettext_lazy("wijzigen"),
    "delete": gettext_lazy("verwijderen"),
    "export": gettext_lazy("exporteren"),
    "print": gettext_lazy("afdrukken"),
    "decide": gettext_lazy("besluiten"),
    "mark_ready": gettext_lazy("uitstroomklaar melden"),
    "sign": gettext_lazy("ondertekenen"),
    "override": gettext_lazy("overschrijding"),
    "confirm_override": gettext_lazy("overschrijding bevestigen"),
    "manage_members": gettext_lazy("leden beheren"),
    "view_care": gettext_lazy("zorggegevens inzien"),
    "issue": gettext_lazy("ter ondertekening aanbieden"),
    "revise": gettext_lazy("herzien"),
    "cancel": gettext_lazy("annuleren"),
    "extend": gettext_lazy("verlengen"),
    "flip": gettext_lazy("omklappen"),
    "convert": gettext_lazy("omzetten"),
    "end": gettext_lazy("beëindigen"),
    "care_stop": gettext_lazy("zorg stoppen"),
    "care_resume": gettext_lazy("zorg hervatten"),
    "evaluate": gettext_lazy("evaluatie vastleggen"),
    "confirm": gettext_lazy("bevestigen"),
    "generate": gettext_lazy("voorstellen berekenen"),
    "minutes": gettext_lazy("notulen"),
    "respond": gettext_lazy("antwoord cliënt"),
    "document": gettext_lazy("document"),
    "request": gettext_lazy("privacyverzoek"),
    "acknowledge": gettext_lazy("ontvangst bevestigen"),
    "add_stairwell": gettext_lazy("portiek toevoegen"),
    "answer": gettext_lazy("beantwoorden"),
    "apply": gettext_lazy("toepassen"),
    "close": gettext_lazy("afronden"),
    "configure": gettext_lazy("instellen"),
    "confirm_by_operator": gettext_lazy("bevestigen door platformbeheerder"),
    "confirm_second_factor": gettext_lazy("tweede factor bevestigen"),
    "consent_record": gettext_lazy("toestemming vastleggen"),
    "consent_withdraw": gettext_lazy("toestemming intrekken"),
    "counts": gettext_lazy("aantallen inzien"),
    "deactivate": gettext_lazy("deactiveren"),
    "enter_indicators": gettext_lazy("kerncijfers invoeren"),
    "escalate": gettext_lazy("escaleren"),
    "import": gettext_lazy("importeren"),
    "let": gettext_lazy("verhuren"),
    "monitor": gettext_lazy("monitor inzien"),
    "note_add": gettext_lazy("notitie toevoegen"),
    "offer": gettext_lazy("aanbieden"),
    "overview": gettext_lazy("overzicht inzien"),
    "plan": gettext_lazy("plannen"),
    "processing_records": gettext_lazy("verwerkingsregister inzien"),
    "quotas": gettext_lazy("contingenten inzien"),
    "reassign": gettext_lazy("opnieuw toewijzen"),
    "record": gettext_lazy("vastleggen"),
    "record_count": gettext_lazy("aantal vastleggen"),
    "refuse": gettext_lazy("weigeren"),
    "release": gettext_lazy("vrijgeven"),
    "reopen": gettext_lazy("heropenen"),
    "reserve": gettext_lazy("reserveren"),
    "reset_second_factor": gettext_lazy("tweede factor herstellen"),
    "revoke": gettext_lazy("intrekken"),
    "run": gettext_lazy("doorrekenen"),
    "set": gettext_lazy("instellen"),
    "set_limit": gettext_lazy("grens instellen"),
    "share": gettext_lazy("delen"),
    "stop": gettext_lazy("stoppen"),
    "transition": gettext_lazy("status wijzigen"),
    "view_capacity": gettext_lazy("draagkracht inzien"),
    "welcome": gettext_lazy("welkom heten"),
    "withdraw": gettext_lazy("intrekken"),
    "access_overview": gettext_lazy("overzicht inzage"),
    "data_export": gettext_lazy("gegevens exporteren"),
    "erase": gettext_lazy("gegevens wissen"),
}

# Object types in the log that are no model of their own.
OBJECT_NAMES = {
    "accounts.access_log": gettext_lazy("toegangslog"),
    "accounts.second_factor": gettext_lazy("tweede factor"),
    "accounts.sign_in": gettext_lazy("aanmelding"),
    "accounts.external_identity": gettext_lazy("koppeling met inlogsysteem"),
    "cases.rentlimit": gettext_lazy("huurgrenzen"),
    "cases.access_overview": gettext_lazy("inzageoverzicht"),
    "cases.data_export": gettext_lazy("kopie van de gegevens"),
    "cases.retention": gettext_lazy("bewaartermijnen"),
}

# Coded suffixes of purposes ("plaatsingstafel 2026-W49: accepted").
PURPOSE_WORDS = {
    "accepted": gettext_lazy("cliënt aanvaardt"),
    "refused": gettext_lazy("cliënt weigert"),
    "approved": gettext_lazy("corporatie akkoord"),
    "declined": gettext_lazy("corporatie wijst af"),
    "override": gettext_lazy("overschrijding aangevraagd"),
    "override confirmed": gettext_lazy("overschrijding bevestigd"),
    "override rejected": gettext_lazy("overschrijding afgewezen"),
    "closed": gettext_lazy("overleg afgerond"),
    "issue": gettext_lazy("ter ondertekening aangeboden"),
    "revise": gettext_lazy("herzien"),
    "cancel": gettext_lazy("geannuleerd"),
    "extend": gettext_lazy("verlengd"),
    "flip": gettext_lazy("omgeklapt"),
    "convert": gettext_lazy("omgezet"),
    "end": gettext_lazy("beëindigd"),
    "care_stop": gettext_lazy("zorg gestopt"),
    "care_resume": gettext_lazy("zorg hervat"),
    "evaluation": gettext_lazy("evaluatie vastgelegd"),
    "confirm": gettext_lazy("evaluatie bevestigd"),
    "sign client": gettext_lazy("getekend door de cliënt"),
    "sign care_provider": gettext_lazy("getekend door de zorgaanbieder"),
    "sign corporation": gettext_lazy("getekend door de corporatie"),
}

_WEEK = re.compile(r"\b(\d{4})-W(\d{2})\b")
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def role_label(code: str) -> str:
    """ "care_coordinator,org_admin" → "zorgcoördinator, beheerder organisatie"."""
    labels = dict(Role.choices)
    parts = [p for p in (code or "").split(",") if p]
    return ", ".join(str(labels.get(p, p)) for p in parts)


@cache
def _object_names() -> dict[str, Any]:
    """Each logged type's verbose name, kept lazy: the cache outlives a request, and a name
    turned into text here stayed in the first reader's language ("cliënt" for English)."""
    from accounts.access.core import _registry

    return {
        policy.type_label(): model._meta.verbose_name
        for model, policy in _registry.items()
        if not model._meta.proxy  # a proxy's policy logs under its concrete model's name
    }


# Event heads a service writes for an object the layer logs under its model's label
# ("accounts.api_token.created" beside the layer's "accounts.apitoken.revoked").
OBJECT_ALIASES = {
    "accounts.api_token": "accounts.apitoken",
    "accounts.role_grant": "accounts.rolegrant",
    "accounts.passkey": "django_otp_webauthn.webauthncredential",
    "board.proposal": "matching.proposal",
}


def event_families() -> list[tuple[str, str]]:
    """The families the access log's events fall into (the object type that heads each event
    name: "placements.agreement" for "placements.agreement.extended"), as choices labelled in
    the reader's language and sorted by label, for the page's "Over" filter. Heads that name
    the same thing share one choice; its value lists them, comma-separated."""
    by_label: dict[str, set[str]] = {}
    for code in set(_object_names()) | set(OBJECT_NAMES) | set(OBJECT_ALIASES):
        by_label.setdefault(object_type_label(code), set()).add(code)
    return sorted(
        ((",".join(sorted(codes)), label) for label, codes in by_label.items()),
        key=lambda choice: choice[1].lower(),
    )


def object_type_label(code: str) -> str:
    code = OBJECT_ALIASES.get(code, code)
    names = _object_names()
    if code in OBJECT_NAMES:
        return str(OBJECT_NAMES[code])
    name = names.get(code)
    return str(name) if name else code.rsplit(".", 1)[-1].replace("_", " ")


def rule_label(code: str) -> str:
    """ "placements.agreement.view:party-or-municipality" → "afspraak inzien: partij of gemeente";
    "default-deny:no-rule-for-sign" → "geweigerd: geen regel voor ‘ondertekenen’"."""
    if not code:
        return ""
    if code.startswith("default-deny:"):
        reason = code.split(":", 1)[1]
        if reason.startswith("no-rule-for-"):
            action = reason.removeprefix("no-rule-for-")
            return _("geen regel voor ‘%(action)s’") % {"action": action_label(action)}
        return str(RULE_NAMES.get(reason, reason))
    head, _sep, name = code.partition(":")
    rule = str(RULE_NAMES.get(name, name.replace("-", " ")))
    if "." not in head:
        return rule if not name else f"{head}: {rule}"
    object_type, _dot, action = head.rpartition(".")
    return f"{object_type_label(object_type)} {action_label(action)}: {rule}"


def action_label(code: str) -> str:
    return str(ACTION_NAMES.get(code, code.replace("_", " ")))


def _readable_date(match: re.Match[str]) -> str:
    import datetime as dt

    from accounts.formatting import date

    try:
        return date(dt.date.fromisoformat(match.group(1)))
    except ValueError:
        return match.group(1)


def purpose_label(text: str) -> str:
    """A purpose with its coded suffix and ISO week rendered: "plaatsingstafel 2026-W49:
    accepted" → "plaatsingstafel week 49 van 2026: cliënt aanvaardt"."""
    from accounts.formatting import week

    if not text:
        return ""
    head, sep, tail = text.partition(": ")
    head = _WEEK.sub(lambda m: week(m.group(0)), head)
    head = _ISO_DATE.sub(_readable_date, head)
    if not sep:
        return head
    return f"{head}: {PURPOSE_WORDS.get(tail, tail)}"


EVENT_VERBS = {
    "viewed": gettext_lazy("ingezien"),
    "searched": gettext_lazy("gezocht"),
    "created": gettext_lazy("aangemaakt"),
    "changed": gettext_lazy("gewijzigd"),
    "updated": gettext_lazy("gewijzigd"),
    "deleted": gettext_lazy("verwijderd"),
    "exported": gettext_lazy("geëxporteerd"),
    "printed": gettext_lazy("afgedrukt"),
    "extended": gettext_lazy("verlengd"),
    "flipped": gettext_lazy("omgeklapt"),
    "converted": gettext_lazy("omgezet"),
    "ended": gettext_lazy("beëindigd"),
    "signed": gettext_lazy("getekend"),
    "issued": gettext_lazy("ter ondertekening aangeboden"),
    "cancelled": gettext_lazy("geannuleerd"),
    "stopped": gettext_lazy("gestopt"),
    "stop_lifted": gettext_lazy("stop opgeheven"),
    "limit_set": gettext_lazy("grens ingesteld"),
    "count_recorded": gettext_lazy("aantal vastgelegd"),
    "marked_ready": gettext_lazy("uitstroomklaar gemeld"),
    "refused": gettext_lazy("geweigerd"),
    "care_stopped": gettext_lazy("zorg gestopt"),
    "care_resumed": gettext_lazy("zorg hervat"),
    "terms_changed": gettext_lazy("voorwaarden gewijzigd"),
    "revised": gettext_lazy("herzien"),
    "evaluated": gettext_lazy("evaluatie vastgelegd"),
    "confirmed": gettext_lazy("bevestigd"),
    "decided": gettext_lazy("besloten"),
    "answered": gettext_lazy("beantwoord"),
    "closed": gettext_lazy("afgerond"),
    "generated": gettext_lazy("voorstellen berekend"),
    "shared": gettext_lazy("gedeeld"),
    "withdrawn": gettext_lazy("ingetrokken"),
    "expired": gettext_lazy("verlopen"),
    # Domain steps that keep their action name or another verb (clients, proposals,
    # dwellings, signals, members), so the client's overview reads as Dutch throughout.
    "accepted": gettext_lazy("aanvaard door de cliënt"),
    "approved": gettext_lazy("goedgekeurd door de corporatie"),
    "declined": gettext_lazy("afgewezen door de corporatie"),
    "acknowledged": gettext_lazy("ontvangst bevestigd"),
    "close": gettext_lazy("afgesloten"),
    "consent_recorded": gettext_lazy("toestemming vastgelegd"),
    "consent_lost": gettext_lazy("toestemming vervallen"),
    "note_added": gettext_lazy("notitie toegevoegd"),
    "reassigned": gettext_lazy("andere coördinator toegewezen"),
    "escalated": gettext_lazy("geëscaleerd"),
    "mark_ready": gettext_lazy("uitstroomklaar gemeld"),
    "back_to_draft": gettext_lazy("terug naar concept"),
    "place_on_board": gettext_lazy("aangemeld bij de plaatsingstafel"),
    "take_off_board": gettext_lazy("van de tafel gehaald"),
    "match": gettext_lazy("gekoppeld aan een woning"),
    "unmatch": gettext_lazy("koppeling vervallen"),
    "house": gettext_lazy("gehuisvest"),
    "start_follow_up": gettext_lazy("nazorg gestart"),
    "pause": gettext_lazy("gepauzeerd"),
    "resume": gettext_lazy("hervat"),
    "withdraw": gettext_lazy("teruggetrokken"),
    "reopen": gettext_lazy("heropend"),
    "reopened": gettext_lazy("heropend"),
    "recorded": gettext_lazy("vastgelegd"),
    "welcome_recorded": gettext_lazy("welkomstgesprek vastgelegd"),
    "plan_action_added": gettext_lazy("actie aan het plan toegevoegd"),
    "plan_action_updated": gettext_lazy("actie in het plan bijgewerkt"),
    "override_requested": gettext_lazy("overschrijding aangevraagd"),
    "override_confirmed": gettext_lazy("overschrijding bevestigd"),
    "override_rejected": gettext_lazy("overschrijding afgewezen"),
    "offered": gettext_lazy("aangeboden"),
    "reserved": gettext_lazy("gereserveerd"),
    "released": gettext_lazy("vrijgegeven"),
    "let": gettext_lazy("verhuurd"),
    "vulnerable_added": gettext_lazy("kwetsbare bewoner geteld"),
    "listed": gettext_lazy("in een overzicht getoond"),
    "counted": gettext_lazy("geteld"),
    "digested": gettext_lazy("in het weekoverzicht gemaild"),
    "anonymised": gettext_lazy("geanonimiseerd"),
    "applied": gettext_lazy("toegepast"),
    "checked": gettext_lazy("gecontroleerd"),
}


def event_label(code: str) -> str:
    """ "placements.agreement.extended" → "afspraak verlengd"; unknown parts fall back to
    words made from the code, so a new event never hides a row."""
    if not code:
        return ""
    head, _dot, verb = code.rpartition(".")
    if not head:
        return code.replace("_", " ")
    return f"{object_type_label(head)} {EVENT_VERBS.get(verb, verb.replace('_', ' '))}"
