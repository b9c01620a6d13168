"""Who is acting: a person (from a User) or the system itself (automation, STP, imports)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from claimops.errors import Forbidden
from claimops.i18n import t
from claimops.users.roles import Role, can


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str
    role: Role
    authority: Decimal | None  # None: unlimited

    def require(self, permission: str) -> None:
        if not can(self.role, permission):
            raise Forbidden(
                f"role {self.role.value} may not {permission}",
                code="ROLE_FORBIDDEN",
                details={"role": self.role.value, "permission": permission},
            )

    def within_authority(self, amount: Decimal) -> bool:
        return self.authority is None or amount <= self.authority

    @property
    def label(self) -> str:
        return self.name if self.id is not None else t("actor.system")


def system_actor(authority: Decimal | None = None) -> Actor:
    return Actor(id=None, name="system", role=Role.ADMIN, authority=authority)
