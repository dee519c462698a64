"""Stage-two context tests of indicator matches, named by the rules' ``check`` field.

Each test takes the regex match (with the named groups of ``indicators.yaml``) and says
whether it is an indicator, and with which extra evidence fields and confidence.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from anke.detect.access.tables import AccessTables
from anke.findings.model import Confidence

_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_LOOPBACK = {"localhost", "::1", "loopback", "ipv6loopback", "ip6-localhost", "[::1]"}
_TEMPLATE = re.compile(r"[{}$%<>*]|\.\.")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass
class Verdict:
    """An accepted match: fields for the evidence and, when it says so, a confidence."""

    fields: dict[str, str] = field(default_factory=dict)
    confidence: Confidence | None = None


Check = Callable[[re.Match[str], str, AccessTables], Verdict | None]


def group(match: re.Match[str], name: str) -> str | None:
    """A named group's text, or None when the pattern has no such group or it is empty."""
    try:
        value = match.group(name)
    except IndexError:
        return None
    return value or None


def _none(match: re.Match[str], line: str, tables: AccessTables) -> Verdict | None:
    return Verdict()


def _credential_literal(match: re.Match[str], line: str,
                        tables: AccessTables) -> Verdict | None:
    """The literal a credential is compared with is a real value, not a state or a blank."""
    value = group(match, "value") or group(match, "value2")
    name = group(match, "name") or ""
    if value is None:
        return None
    text = value.strip()
    if len(text) < 3 or not any(c.isalnum() for c in text) or any(c.isspace() for c in text):
        return None
    if any(p.fullmatch(text) for p in tables.placeholders):
        return None
    bare = re.sub(r"[^a-z0-9]", "", name.lower().rsplit(".", 1)[-1])
    if re.sub(r"[^a-z0-9]", "", text.lower()) == bare:
        return None
    return Verdict({"name": name.strip()})


def _listener(match: re.Match[str], line: str, tables: AccessTables) -> Verdict | None:
    """A fixed port (1-65535) bound on something other than the loopback interface."""
    port = group(match, "port")
    if port is None or not 0 < int(port) < 65536:
        return None
    host = (group(match, "host") or "").strip().lower()
    if host in _LOOPBACK or host.startswith("127.") or host.startswith("parse("):
        return None
    return Verdict({"port": port, "host": host or "*"})


def _route_path(match: re.Match[str], line: str, tables: AccessTables) -> Verdict | None:
    """A route whose path has a debug, maintenance or back-door word in it."""
    path = group(match, "path")
    if path is None:
        return None
    route = path if path.startswith("/") else "/" + path.lstrip("^")
    if any(fnmatch.fnmatchcase(route, glob) for glob in tables.indicators.ignored_endpoints):
        return None
    words = {w.lower() for part in re.split(r"[^A-Za-z0-9]+", path)
             for w in [*_CAMEL.findall(part), part]}
    endpoint = tables.indicators.endpoint_words
    if words & set(endpoint.high):
        return Verdict({"path": path}, Confidence.HIGH)
    if words & set(endpoint.medium):
        return Verdict({"path": path}, Confidence.MEDIUM)
    return None


def public_address(text: str, tables: AccessTables) -> bool:
    """Whether ``text`` is a public (global unicast) IP address that stands for a real host."""
    try:
        address = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    if not address.is_global or address.is_multicast or address.is_reserved:
        return False
    if str(address) in tables.indicators.ignored_ips:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        octets = address.packed
        if octets[3] in (0, 255):
            return False  # a network or broadcast address, or a version such as 1.0.0.0
        if octets[0] <= 2:
            return False  # an object identifier arc (2.5.4.3, 1.3.101.112), or a version
        if max(octets) < 10:
            return False  # 4.1.2.3: a version number far more often than an address
    return True


def _public_ip(match: re.Match[str], line: str, tables: AccessTables) -> Verdict | None:
    """A public address, not a version number written like one."""
    ip = group(match, "ip")
    if ip is None or not public_address(ip, tables):
        return None
    before = line[max(0, match.start() - 40):match.start()]
    if tables.version_context.search(before):
        return None
    after = line[match.end("ip"):match.end("ip") + 4]
    if re.match(r"/\d{1,2}\b", after) and group(match, "port") is None:
        return None  # a network in CIDR notation, not a host
    return Verdict({"host": ip, "ip": ip})


def host_of(match: re.Match[str]) -> str | None:
    """The host a URL or host group names, lower-cased; None when it cannot be read."""
    url = group(match, "url")
    if url is not None:
        if _TEMPLATE.search(url.split("/", 3)[2] if url.count("/") >= 2 else url):
            return None
        try:
            host = urlsplit(url).hostname
        except ValueError:
            return None
        return host.lower() if host else None
    host = group(match, "host")
    if host is None:
        return None
    host = host.lower()
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host


def remote_host(host: str, tables: AccessTables) -> bool:
    """Whether ``host`` is a real outside host: public address or a name under a real TLD."""
    if _TEMPLATE.search(host):
        return False
    if host.replace(".", "").isdigit() or ":" in host:
        return public_address(host, tables)
    labels = host.rstrip(".").split(".")
    if len(labels) < 2 or not labels[-1].isalpha() or len(labels[-1]) < 2:
        return False
    if not all(_LABEL.match(label) for label in labels):
        return False
    for ignored in tables.indicators.ignored_hosts:
        if host == ignored or host.endswith("." + ignored):
            return False
    return True


def _remote_host(match: re.Match[str], line: str, tables: AccessTables) -> Verdict | None:
    host = host_of(match)
    if host is None or not remote_host(host, tables):
        return None
    return Verdict({"host": host})


CHECKS: dict[str, Check] = {
    "none": _none,
    "credential-literal": _credential_literal,
    "listener": _listener,
    "route-path": _route_path,
    "public-ip": _public_ip,
    "remote-host": _remote_host,
}
