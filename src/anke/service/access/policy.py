"""The access policy: ``data/policy.yaml`` loaded, validated and asked.

Every route asks :func:`Policy.allows` (through the API's dependencies); nothing else decides
access.  A principal is who is asking: user, organisation, role, and the scopes of the token
used (a web session has every scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from anke.datafile import load_yaml_model
from anke.service.db.tenancy import Role

POLICY_FILE = Path(__file__).parent / "data" / "policy.yaml"
SCOPES = ("read", "write")


class Reach(StrEnum):
    """On whose things a role may take an action."""

    OWN = "own"
    ANY = "any"


class ActionInfo(BaseModel):
    """One action: whether it changes things, and what it is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    write: bool = False
    about: str


class PolicyFile(BaseModel):
    """The layout of ``policy.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    actions: dict[str, ActionInfo]
    roles: dict[Role, dict[str, Reach]]

    @model_validator(mode="after")
    def _known_actions(self) -> PolicyFile:
        for role, grants in self.roles.items():
            for action in grants:
                if action not in self.actions:
                    raise ValueError(f"role {role.value}: unknown action {action!r}")
        missing = set(Role) - set(self.roles)
        if missing:
            raise ValueError(f"roles missing: {', '.join(sorted(r.value for r in missing))}")
        return self


@dataclass(frozen=True)
class Principal:
    """Who is asking."""

    user_id: int
    email: str
    org_id: int
    role: Role
    scopes: frozenset[str]
    via: Literal["session", "token"]


class Policy:
    """The loaded policy."""

    def __init__(self, data: PolicyFile) -> None:
        self.data = data

    @property
    def actions(self) -> tuple[str, ...]:
        """Every action the policy knows."""
        return tuple(self.data.actions)

    def reach(self, role: Role, action: str) -> Reach | None:
        """How far ``role`` may take ``action`` (None: not at all)."""
        if action not in self.data.actions:
            raise KeyError(f"unknown action {action!r}")
        return self.data.roles[role].get(action)

    def reaches_all(self, who: Principal, action: str) -> bool:
        """Whether ``who`` may take ``action`` on every organisation's things."""
        return self.reach(who.role, action) is Reach.ANY and self.allows(who, action)

    def allows(self, who: Principal, action: str, owner_org: int | None = None) -> bool:
        """Whether ``who`` may take ``action`` on a thing of organisation ``owner_org``.

        ``owner_org`` None asks about the action in general (listing, creating in one's own
        organisation): an ``own`` grant suffices then.
        """
        reach = self.reach(who.role, action)
        if reach is None:
            return False
        needed = "write" if self.data.actions[action].write else "read"
        if needed not in who.scopes:
            return False
        return reach is Reach.ANY or owner_org is None or owner_org == who.org_id


@lru_cache(maxsize=1)
def load_policy() -> Policy:
    """The shipped policy (a broken file is a one-line error naming file and field)."""
    return Policy(load_yaml_model(POLICY_FILE, PolicyFile))
