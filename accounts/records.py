"""Records of processing (verwerkingsregister, GDPR art. 30), generated from the code.

Each app declares, next to its models (`<app>/processing.py`, imported in `AppConfig.ready()`),
for every model: why it holds the data (`purpose`), how each concrete field is classified
(`Category`), and which retention rule applies. Who can see a model is not declared: it is read
from the permission layer (the `view`/`list` rules of the model's policy, or of the policy of
the model it belongs to, `via=`). Retention rules are registered by the app that enforces them
(`cases.rights.retention` registers the care and contract periods) and read their length from
the settings.

`manage.py processing_records` writes the Markdown (`docs/processing.md`, checked by a test to
be current); the page `verwerkingsregister/` shows the same, with a PDF. A test fails for any
concrete field of any installed model that is not classified, so a new field cannot be added
without saying what it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role


class Category(models.TextChoices):
    """How a field is classified. Exclusive, from least to most protected."""

    OTHER = "other", gettext_lazy("geen persoonsgegeven")
    PERSONAL = "personal", gettext_lazy("persoonsgegeven")
    # Special category (GDPR art. 9): health and care needs, visible to the parties the
    # policy names (the board, the corporation) because the placement needs it.
    SPECIAL = "special", gettext_lazy("bijzonder persoonsgegeven (gezondheid)")
    # Care-only (zorg-only): only the client's own care provider, encrypted at rest; holds
    # special-category data as well.
    CARE = "care", gettext_lazy("alleen zorg (versleuteld, bijzonder)")


PERSONAL_CATEGORIES = (Category.PERSONAL, Category.SPECIAL, Category.CARE)


@dataclass(frozen=True)
class Retention:
    """How long a kind of data is kept. `setting` names the setting that holds the number of
    days ("" when no period applies), `start` when the period starts, `how` what happens."""

    key: str
    title: str | Promise
    setting: str
    start: str | Promise
    how: str | Promise
    # The setting's unit: days unless it is kept in seconds (sessions), then shown in hours.
    in_seconds: bool = False

    @property
    def days(self) -> int | None:
        return int(getattr(settings, self.setting)) if self.setting else None

    def period(self) -> str:
        value = self.days
        if value is None:
            return _("geen vaste termijn")
        if self.in_seconds:
            return _("%(hours)s uur (%(setting)s)") % {
                "hours": value // 3600,
                "setting": self.setting,
            }
        return _("%(days)s dagen (%(setting)s)") % {"days": value, "setting": self.setting}


@dataclass(frozen=True)
class Declaration:
    model: type[models.Model]
    purpose: str | Promise
    fields: dict[str, Category]
    retention: str
    # The model whose policy decides who sees this one (a care record is seen through its
    # client); None: the model's own policy.
    via: type[models.Model] | None = None
    # Who sees it when no policy does (system tables, the operators' admin).
    seen_by: str | Promise = ""

    def fields_in(self, category: Category) -> list[str]:
        return [name for name, cat in self.fields.items() if cat == category]

    @property
    def holds_personal_data(self) -> bool:
        return any(cat in PERSONAL_CATEGORIES for cat in self.fields.values())


_declarations: dict[type[models.Model], Declaration] = {}
_retentions: dict[str, Retention] = {}


def _names(text: str) -> list[str]:
    return text.split()


def declare(
    model: type[models.Model],
    *,
    purpose: str | Promise,
    retention: str,
    personal: str = "",
    special: str = "",
    care: str = "",
    other: str = "",
    via: type[models.Model] | None = None,
    seen_by: str | Promise = "",
) -> None:
    """Declare a model's processing; fields are given as space-separated names per category."""
    classified: dict[str, Category] = {}
    for category, names in (
        (Category.PERSONAL, personal),
        (Category.SPECIAL, special),
        (Category.CARE, care),
        (Category.OTHER, other),
    ):
        for name in _names(names):
            if name in classified:
                raise ValueError(f"{model._meta.label}.{name} is classified twice")
            classified[name] = category
    _declarations[model] = Declaration(
        model=model,
        purpose=purpose,
        fields=classified,
        retention=retention,
        via=via,
        seen_by=seen_by,
    )


def register_retention(retention: Retention) -> None:
    _retentions[retention.key] = retention


def declaration_for(model: type[models.Model]) -> Declaration | None:
    return _declarations.get(model)


def retentions() -> list[Retention]:
    return list(_retentions.values())  # in the order the apps register them


def retention(key: str) -> Retention | None:
    return _retentions.get(key)


def tracked_models() -> list[type[models.Model]]:
    """Every installed model with its own table (proxies share their concrete model's)."""
    return [
        m
        for m in apps.get_models()
        if not m._meta.proxy and m._meta.managed and not m._meta.auto_created
    ]


def concrete_field_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields]


@dataclass(frozen=True)
class Problem:
    model: str
    message: str


def problems() -> list[Problem]:
    """What the declarations miss or get wrong (the test fails on any)."""
    found: list[Problem] = []
    for model in tracked_models():
        label = model._meta.label
        declaration = _declarations.get(model)
        if declaration is None:
            found.append(Problem(label, "no declaration (declare it in <app>/processing.py)"))
            continue
        names = concrete_field_names(model)
        for name in names:
            if name not in declaration.fields:
                found.append(Problem(label, f"field {name!r} is not classified"))
        for name in declaration.fields:
            if name not in names:
                found.append(Problem(label, f"{name!r} is classified but is not a field"))
        if declaration.retention not in _retentions:
            found.append(Problem(label, f"unknown retention {declaration.retention!r}"))
        if not _policy_model(declaration) and not declaration.seen_by:
            found.append(Problem(label, "no policy decides who sees it and no seen_by"))
    return found


# --- Who sees it, read from the permission layer ---------------------------------------------

# The predicates' names say which roles they test ("role-in-org:care_coordinator",
# "municipality-of-region:board_chair/analyst"); a few name a role by their own word.
_PREDICATE_ROLE_WORDS = {"chair-of-region": (Role.BOARD_CHAIR,), "self": ()}
_PREDICATE_PART = re.compile(r"([a-z-]+):([a-z_/.]+)|\bself\b")
_READ_ACTIONS = ("view", "list")
# Class-level rules logged as a view that open a page, not the model's rows: picking a
# client by pseudonym for a privacy request, the register itself.
_NOT_READS = frozenset({"request", "processing_records"})


def _policy_model(declaration: Declaration) -> type[models.Model] | None:
    from accounts import access

    model = declaration.via or declaration.model
    return model if access.policy_for(model) is not None else None


def _roles_in(predicate_name: str) -> list[str]:
    values = {r.value for r in Role}
    found: list[str] = []
    for match in _PREDICATE_PART.finditer(predicate_name):
        kind, names = match.group(1), match.group(2) or ""
        if kind is None:
            continue
        for role in _PREDICATE_ROLE_WORDS.get(kind, ()):
            if role not in found:
                found.append(role)
        for name in names.split("/"):
            if name in values and name not in found:
                found.append(name)
    return found


@dataclass(frozen=True)
class Reader:
    action: str
    rule: str  # readable rule name
    roles: list[str]  # readable role names
    own_only: bool  # the rule also lets a person see their own rows


def _read_rules(policy: Any) -> list[tuple[str, Any]]:
    """A policy's rules that read its objects: view and list, and domain actions logged as a
    view or an export (the privacy officer's overview and copy of a client's data)."""
    return [
        (action, rule)
        for action, rule in policy.rules.items()
        if action in _READ_ACTIONS
        or (rule.logs_as in ("view", "export") and action not in _NOT_READS)
    ]


def readers(declaration: Declaration) -> list[Reader]:
    """The read rules of the policy that decides who sees the model, and of the policies of
    its proxies (`cases.ClientRights`: the same rows, seen for the client's rights)."""
    from accounts import access
    from accounts.access import labels

    model = _policy_model(declaration)
    if model is None:
        return []
    policies = [access.policy_for(model)] + [
        access.policy_for(m)
        for m in apps.get_models()
        if m._meta.proxy and m._meta.concrete_model is model
    ]
    found = []
    for policy in policies:
        if policy is None:
            continue
        for action, rule in sorted(
            _read_rules(policy),
            key=lambda item: (
                _READ_ACTIONS.index(item[0]) if item[0] in _READ_ACTIONS else 9,
                item[0],
            ),
        ):
            found.append(
                Reader(
                    action=str(labels.ACTION_NAMES.get(action, action)),
                    rule=str(labels.RULE_NAMES.get(rule.name, rule.name)),
                    roles=[str(Role(r).label) for r in _roles_in(rule.predicate.name)],
                    own_only=bool(re.search(r"\bself\b", rule.predicate.name)),
                )
            )
    return found


# --- The register as data, for the page, the PDF and the Markdown ---------------------------


@dataclass
class ModelRecord:
    label: str
    title: str
    purpose: str
    retention: Retention
    readers: list[Reader]
    seen_by: str
    via: str
    fields: dict[str, list[tuple[str, str]]]  # category -> [(name, verbose name)]
    other: list[str] = field(default_factory=list)

    @property
    def personal(self) -> bool:
        return any(self.fields.get(c.value) for c in PERSONAL_CATEGORIES)


@dataclass
class AppRecord:
    label: str
    title: str
    models: list[ModelRecord]


def _model_record(declaration: Declaration) -> ModelRecord:
    model = declaration.model
    meta = model._meta
    by_name = {f.name: f for f in meta.concrete_fields}
    fields: dict[str, list[tuple[str, str]]] = {}
    for category in PERSONAL_CATEGORIES:
        names = declaration.fields_in(category)
        if names:
            fields[category.value] = [(n, str(by_name[n].verbose_name)) for n in names]
    retention_rule = _retentions[declaration.retention]
    via = declaration.via._meta.verbose_name if declaration.via else ""
    return ModelRecord(
        label=meta.label,
        title=str(meta.verbose_name),
        purpose=str(declaration.purpose),
        retention=retention_rule,
        readers=readers(declaration),
        seen_by=str(declaration.seen_by),
        via=str(via),
        fields=fields,
        other=declaration.fields_in(Category.OTHER),
    )


# Libraries' apps carry no Dutch name of their own (their labels read "Otp_Totp", "Axes").
LIBRARY_APP_TITLES: dict[str, Promise] = {
    "guardian": gettext_lazy("Toegang per object"),
    "otp_totp": gettext_lazy("Tweede factor: authenticator-app"),
    "otp_static": gettext_lazy("Tweede factor: reservecodes"),
    "django_otp_webauthn": gettext_lazy("Tweede factor: passkeys"),
    "axes": gettext_lazy("Aanmeldpogingen"),
}


def register_records() -> list[AppRecord]:
    """The whole register, per app (in INSTALLED_APPS order), models by label."""
    grouped: dict[str, AppRecord] = {}
    for model in tracked_models():
        declaration = _declarations.get(model)
        if declaration is None:
            continue
        config = model._meta.app_config
        assert config is not None
        record = grouped.setdefault(
            config.label,
            AppRecord(
                config.label,
                str(LIBRARY_APP_TITLES.get(config.label, config.verbose_name)),
                [],
            ),
        )
        record.models.append(_model_record(declaration))
    for app in grouped.values():
        app.models.sort(key=lambda m: (not m.personal, m.label))
    return list(grouped.values())


def category_labels() -> dict[str, str]:
    return {c.value: str(c.label) for c in Category}


# --- Markdown --------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown() -> str:
    """The register as Markdown (docs/processing.md), in the current language."""
    labels = category_labels()
    lines: list[str] = [
        "# " + _("Verwerkingsregister van Woonbrug"),
        "",
        _(
            "Gegenereerd uit de code met `manage.py processing_records` (niet met de hand "
            "bewerken). Per app en per model: het doel, welke velden persoonsgegevens zijn, wie "
            "ze mag zien volgens de toegangsregels en hoe lang ze worden bewaard."
        ),
        "",
        "## " + _("Soorten gegevens"),
        "",
        "| " + _("soort") + " | " + _("betekenis") + " |",
        "|---|---|",
    ]
    meanings = {
        Category.PERSONAL: _("gegevens over een persoon (ook een pseudoniem of medewerker)"),
        Category.SPECIAL: _(
            "gezondheid en zorgbehoefte (AVG art. 9); gedeeld met de partijen die het "
            "voor de plaatsing nodig hebben"
        ),
        Category.CARE: _(
            "alleen voor de eigen zorgaanbieder van de cliënt, versleuteld opgeslagen; "
            "bevat ook bijzondere persoonsgegevens"
        ),
    }
    for category in PERSONAL_CATEGORIES:
        lines.append(f"| {labels[category.value]} | {meanings[category]} |")
    lines += [
        "",
        "## " + _("Bewaartermijnen"),
        "",
        "| " + " | ".join([_("termijn"), _("duur"), _("vanaf"), _("wat er dan gebeurt")]) + " |",
        "|---|---|---|---|",
    ]
    for rule in retentions():
        lines.append(
            f"| {_cell(str(rule.title))} | {rule.period()} | {_cell(str(rule.start))} "
            f"| {_cell(str(rule.how))} |"
        )
    for app in register_records():
        lines += ["", f"## {app.title} (`{app.label}`)"]
        for record in app.models:
            lines += ["", f"### {record.title} (`{record.label}`)", ""]
            lines.append(f"- **{_('Doel')}**: {_cell(record.purpose)}")
            lines.append(f"- **{_('Wie mag het zien')}**: {_cell(who_text(record))}")
            lines.append(
                f"- **{_('Bewaartermijn')}**: {record.retention.title} ({record.retention.period()})"
            )
            if record.fields:
                lines += ["", "| " + _("veld") + " | " + _("soort") + " |", "|---|---|"]
                for category in PERSONAL_CATEGORIES:
                    for name, verbose in record.fields.get(category.value, []):
                        lines.append(f"| {_cell(verbose)} (`{name}`) | {labels[category.value]} |")
            if record.other:
                lines += [
                    "",
                    _("Overige velden (geen persoonsgegevens): %(names)s.")
                    % {"names": ", ".join(f"`{n}`" for n in record.other)},
                ]
    return "\n".join(lines) + "\n"


def who_text(record: ModelRecord) -> str:
    parts: list[str] = []
    for reader in record.readers:
        roles = ", ".join(reader.roles) if reader.roles else _("geen rol")
        text = f"{reader.action}: {reader.rule} ({roles})"
        if reader.own_only:
            text += " " + _("en de persoon zelf")
        parts.append(text)
    if record.seen_by:
        parts.append(record.seen_by)
    text = "; ".join(parts) if parts else _("niemand in de applicatie")
    if record.via:
        text = _("via %(model)s:") % {"model": record.via} + " " + text
    return text


def render_pdf() -> bytes:
    """The register as a Dutch PDF (WeasyPrint, like the agreement and the overview)."""
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import HTML  # imported here: loading pango is slow

    apps_ = register_records()
    html = render_to_string(
        "accounts/processing_records_pdf.html",
        {
            "apps": apps_,
            "retentions": retentions(),
            "summary": summary(apps_),
            "categories": category_labels(),
            "printed_at": timezone.localtime(),
        },
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def _iter_roles(records: Iterable[AppRecord]) -> set[str]:
    return {role for app in records for m in app.models for r in m.readers for role in r.roles}


def summary(records: list[AppRecord]) -> dict[str, Any]:
    models_ = [m for app in records for m in app.models]
    return {
        "models": len(models_),
        "personal_models": sum(1 for m in models_ if m.personal),
        "fields": {
            c.value: sum(len(m.fields.get(c.value, [])) for m in models_)
            for c in PERSONAL_CATEGORIES
        },
        "roles": sorted(_iter_roles(records)),
    }
