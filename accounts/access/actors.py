"""Who acts: a signed-in user, or the system itself (beat, tasks, commands, demo data).

There is no `actor=None`: code that acts without a person passes a `SystemActor`, named for
what it is (`SystemActor("board.deadlines")`), so the guard and the access log say so
explicitly. A system actor passes every rule of the permission layer (it is the application
itself) and holds no membership, so it can never be mistaken for a user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeAlias

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class SystemActor:
    """The application acting on its own; `name` says which part (written to the log)."""

    name: str = "system"
    is_authenticated: ClassVar[bool] = False
    is_active: ClassVar[bool] = True
    is_system: ClassVar[bool] = True
    pk: ClassVar[None] = None
    email: ClassVar[str] = ""

    def __str__(self) -> str:
        return f"system:{self.name}"


SYSTEM = SystemActor()

Actor: TypeAlias = "User | SystemActor"


def is_system(actor: object) -> bool:
    return isinstance(actor, SystemActor)


def user_or_none(actor: Actor) -> User | None:
    """The person behind `actor` for foreign keys such as `created_by` (None for the system)."""
    return None if isinstance(actor, SystemActor) else actor
