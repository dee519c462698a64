"""Package URLs (``pkg:type/namespace/name@version``), which name a package's origin.

Built as the purl specification (github.com/package-url/purl-spec) writes each type:
PyPI names PEP 503-normalised, npm scopes as a namespace (``%40scope``), Maven group as
namespace, Go module paths split at the last ``/``, Debian packages under their vendor.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_PEP503 = re.compile(r"[-_.]+")


def _enc(text: str) -> str:
    return quote(text, safe="")


def _path(segments: list[str]) -> str:
    return "/".join(_enc(s) for s in segments if s)


def build_purl(ecosystem: str, name: str, version: str | None) -> str:
    """The package URL of ``name`` in ``ecosystem``, with ``version`` when one is pinned."""
    namespace: list[str] = []
    if ecosystem == "pypi":
        base = _PEP503.sub("-", name).lower()
    elif ecosystem == "npm":
        if name.startswith("@") and "/" in name:
            scope, base = name.split("/", 1)
            namespace = [scope]
        else:
            base = name
    elif ecosystem == "maven":
        group, _, base = name.partition(":")
        namespace = [group]
    elif ecosystem == "golang":
        *namespace, base = name.split("/")
    elif ecosystem == "deb":
        namespace = ["ubuntu" if version and "ubuntu" in version else "debian"]
        base = name.split(":", 1)[0]
    else:
        base = name
    text = f"pkg:{ecosystem}/" + _path([*namespace, base])
    if version:
        text += "@" + quote(version, safe=":")
    return text
