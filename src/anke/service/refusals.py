"""Why the service turns a request down, for logic that both the API and the web pages call.

Service functions (triage, attestation decisions) raise these; a route or page turns one into
its HTTP status with the one-line message (``status`` says which).
"""

from __future__ import annotations

from anke.errors import AnkeError
from anke.service.access.policy import Policy, Principal, load_policy


class Refused(AnkeError):
    """A request the service turns down; ``status`` is the HTTP status that says why."""

    status = 400


class NotFound(Refused):
    """No such thing, or one of another tenant that the asker may not know of."""

    status = 404


class Forbidden(Refused):
    """The asker may not do this."""

    status = 403


class Invalid(Refused):
    """The request itself is wrong (a missing reason, an expiry in the past)."""

    status = 422


class Conflict(Refused):
    """The thing changed under the request; trying again may work."""

    status = 409


def require(who: Principal, action: str, owner_org: int | None,
            policy: Policy | None = None) -> None:
    """Refuse unless ``who`` may take ``action`` on a thing of ``owner_org`` (None: a thing of
    nobody's, such as a new organisation): a refused thing of another organisation is not
    found, so that its existence does not leak; anything else is forbidden."""
    if (policy or load_policy()).allows(who, action, owner_org):
        return
    if owner_org is not None and owner_org != who.org_id:
        raise NotFound("not found")
    raise Forbidden(f"not allowed: {action}")
