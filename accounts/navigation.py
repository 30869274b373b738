"""The main navigation, per role. Apps add their entries with `register` in AppConfig.ready()."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    order: int = 100


_items: list[NavItem] = []


def register(
    label: str | Promise, url_name: str, roles: set[str] | frozenset[str], order: int = 100
) -> None:
    item = NavItem(label, url_name, frozenset(roles), order)
    if item not in _items:
        _items.append(item)


def items_for(roles: set[str]) -> list[NavItem]:
    return sorted((i for i in _items if i.roles & roles), key=lambda i: (i.order, str(i.label)))


register(_("Overzicht"), "home", set(Role.values), order=0)
register(_("Leden"), "accounts:member-list", {Role.ORG_ADMIN}, order=900)
register(_("Toegangslog"), "accounts:access-log", {Role.ORG_ADMIN, Role.PRIVACY_OFFICER}, order=910)
