"""The bridge to detect-secrets: its plugins and heuristic filters, run on chosen lines.

detect-secrets scans files through a process-wide settings object; anke needs a pure
function of one line, so it instantiates the plugins itself and calls their
``analyze_string`` and the filter functions of ``detect_secrets.filters`` directly. Secret
values never leave this module: what it returns says where a secret is, of which kind, under
which name, and shows the value redacted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.filters import allowlist, heuristic
from detect_secrets.plugins import keyword
from detect_secrets.plugins.base import BasePlugin
from detect_secrets.util.code_snippet import get_code_snippet
from detect_secrets.util.filetype import FileType, determine_file_type

from anke.detect.access.emit import redact
from anke.detect.access.tables import AccessTables, SecretPlugin
from anke.errors import DataFileError
from anke.findings.model import Confidence

MAX_SECRETS_PER_LINE = 8
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$-]*")
_TOKEN = re.compile(r"[A-Za-z0-9_\-.+/=]*")
_KEYWORD_NAME = re.compile("(" + "|".join(keyword.DENYLIST) + ")", re.IGNORECASE)


@dataclass(frozen=True)
class SecretHit:
    """One secret on a line: its rule, its 0-based column in the line, redacted evidence."""

    rule: str
    column: int
    evidence: str
    confidence: Confidence
    key: str  # separates two secrets on one line (a hash of the value's place, not the value)


class SecretScanner:
    """detect-secrets' plugins, chosen and configured by ``secrets.yaml``."""

    def __init__(self, tables: AccessTables) -> None:
        self.tables = tables
        known: Mapping[str, type[BasePlugin]] = get_mapping_from_secret_type_to_class()
        classes: dict[str, Callable[[], BasePlugin]] = {
            plugin.__name__: cast("Callable[[], BasePlugin]", plugin)
            for plugin in known.values()}
        self.plugins: list[tuple[SecretPlugin, BasePlugin]] = []
        for entry in tables.secrets.plugins:
            cls = classes.get(entry.plugin)
            if cls is None:
                raise DataFileError("secrets.yaml", f"plugins({entry.plugin})",
                                    "no such detect-secrets plugin")
            self.plugins.append((entry, cls()))
        self._keyword_types = {ext: FileType[name] for ext, name in
                               tables.files.keyword_file_types.items()}

    def scan(self, index: int, path: str, line: str, previous: str) -> list[SecretHit]:
        """Secrets that plugin ``index`` finds on ``line`` (``previous``: the line above)."""
        entry, plugin = self.plugins[index]
        inner = path.rsplit("!/", 1)[-1]
        if heuristic.is_lock_file(inner) or (entry.keyword and heuristic.is_swagger_file(inner)):
            return []
        if isinstance(plugin, keyword.KeywordDetector):
            if heuristic.is_indirect_reference(line):
                return []
            values = plugin.analyze_string(line, denylist_regex_to_group=self._keyword_map(inner))
        else:
            values = plugin.analyze_string(line)
        hits: list[SecretHit] = []
        for value in values:
            if not value or self._filtered(entry, plugin, value, line):
                continue
            if allowlist.is_line_allowlisted(inner, line,
                                             get_code_snippet([previous, line], 2)):
                return []
            column = max(line.find(value), 0)
            evidence = self._evidence(entry, plugin, value, line, column)
            if evidence is None:
                continue
            hits.append(SecretHit(entry.rule, column, evidence, entry.confidence,
                                  f"{entry.plugin}:{column}"))
            if len(hits) >= MAX_SECRETS_PER_LINE:
                break
        return hits

    def _keyword_map(self, inner: str) -> dict[re.Pattern[str], int]:
        ext = os.path.splitext(inner)[1].lstrip(".").lower()
        name = os.path.basename(inner).lower()
        file_type = self._keyword_types.get(ext) or self._keyword_types.get(name.lstrip(".")) \
            or determine_file_type(inner)
        return keyword.REGEX_BY_FILETYPE.get(file_type,
                                             keyword.QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP)

    def _filtered(self, entry: SecretPlugin, plugin: BasePlugin, value: str, line: str) -> bool:
        """detect-secrets' own heuristic filters, and anke's for keyword and URL values."""
        if (heuristic.is_sequential_string(value) or heuristic.is_potential_uuid(value)
                or heuristic.is_likely_id_string(value, line, plugin)
                or heuristic.is_templated_secret(value)
                or heuristic.is_prefixed_with_dollar_sign(value)
                or heuristic.is_not_alphanumeric_string(value)):
            return True
        if any(marker in value for marker in self.tables.secrets.example_markers):
            return True
        if entry.keyword or entry.plugin == "BasicAuthDetector":
            text = value.strip()
            if any(p.fullmatch(text) for p in self.tables.secret_placeholders):
                return True
            if entry.keyword:
                if len(text) < self.tables.secrets.min_keyword_value or " " in text:
                    return True
                if any(p.fullmatch(text) for p in self.tables.secret_references):
                    return True
                if _KEYWORD_NAME.search(text):  # "password_hash", "SECRET_KEY": names
                    return True
        return False

    def _evidence(self, entry: SecretPlugin, plugin: BasePlugin, value: str, line: str,
                  column: int) -> str | None:
        if not entry.keyword:
            return f"{plugin.secret_type} {redact(_token_at(line, column, value))}"
        name = _name_before(line, column) or _name_after(line, column + len(value))
        if name is None:
            return None
        if re.sub(r"[^a-z0-9]", "", name.lower()) == re.sub(r"[^a-z0-9]", "", value.lower()):
            return None
        return f"hard-coded credential {name} = {redact(value)}"


def _name_before(line: str, column: int) -> str | None:
    """The last credential-sounding identifier before ``column``."""
    names = [m.group(0) for m in _IDENTIFIER.finditer(line, 0, column)
             if _KEYWORD_NAME.search(m.group(0))]
    return names[-1] if names else None


def _name_after(line: str, column: int) -> str | None:
    """The first credential-sounding identifier after ``column`` (``"x" == password``)."""
    for found in _IDENTIFIER.finditer(line, column):
        if _KEYWORD_NAME.search(found.group(0)):
            return found.group(0)
    return None


def _token_at(line: str, column: int, value: str) -> str:
    """The whole token a plugin's value starts (some plugins yield only a prefix group)."""
    if not line.startswith(value, column) or value.startswith(("/", ":")):
        return value
    found = _TOKEN.match(line, column)
    token = found.group(0) if found else ""
    return token if len(token) > len(value) else value
