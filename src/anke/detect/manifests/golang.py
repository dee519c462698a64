"""Go manifests: ``go.mod`` (module, require and replace), ``go.sum`` and
``vendor/modules.txt``."""

from __future__ import annotations

import re

from anke.detect.manifests.declaration import Declaration, ManifestError, decode

GOLANG = "golang"
_DIRECTIVE = re.compile(r"^[a-z]+\b")


def _tokens(text: str) -> list[str]:
    text = text.split("//", 1)[0]
    return [t.strip('"`') for t in text.split()]


def _module(out: list[Declaration], path: str, version: str | None, line: int,
            evidence: str) -> None:
    out.append(Declaration(GOLANG, path, version, line, evidence, version))


def parse_go_mod(data: bytes) -> list[Declaration]:
    """``go.mod``: the module itself, its requirements and replacement modules."""
    out: list[Declaration] = []
    block: str | None = None
    for number, raw in enumerate(decode(data).splitlines(), 1):
        text = raw.strip()
        if not text or text.startswith("//"):
            continue
        if block is not None:
            if text.startswith(")"):
                block = None
                continue
            _entry(out, block, _tokens(text), number, text)
            continue
        if not _DIRECTIVE.match(text):
            raise ManifestError(f"line {number}: not a go.mod directive")
        verb, _, rest = text.partition(" ")
        rest = rest.strip()
        if rest.startswith("("):
            block = verb
            continue
        if verb == "module":
            tokens = _tokens(rest)
            if tokens:
                out.append(Declaration(GOLANG, tokens[0], None, number, f"module {tokens[0]}"))
            continue
        _entry(out, verb, _tokens(rest), number, text)
    return out


def _entry(out: list[Declaration], verb: str, tokens: list[str], number: int,
           text: str) -> None:
    evidence = text.split("//", 1)[0].strip()
    if verb == "require":
        if len(tokens) < 2:
            raise ManifestError(f"line {number}: a requirement needs a module and a version")
        _module(out, tokens[0], tokens[1], number, f"require {tokens[0]} {tokens[1]}"
                if not evidence.startswith("require") else evidence)
    elif verb == "replace" and "=>" in tokens:
        target = tokens[tokens.index("=>") + 1:]
        if target and not target[0].startswith((".", "/")):
            version = target[1] if len(target) > 1 else None
            _module(out, target[0], version, number, evidence)


def parse_go_sum(data: bytes) -> list[Declaration]:
    """``go.sum``: modules whose content was downloaded (their newest listed version)."""
    chosen: dict[str, tuple[str, int, str]] = {}
    for number, raw in enumerate(decode(data).splitlines(), 1):
        tokens = raw.split()
        if not tokens:
            continue
        if len(tokens) != 3 or not re.match(r"^[a-z0-9]+:", tokens[2]):
            raise ManifestError(f"line {number}: not a go.sum line")
        path, version = tokens[0], tokens[1]
        if version.endswith("/go.mod"):
            continue  # only the module's go.mod was read, not its code
        chosen[path] = (version, number, f"{path} {version}")
    return [Declaration(GOLANG, path, version, number, evidence, version)
            for path, (version, number, evidence) in chosen.items()]


def parse_vendor_modules(data: bytes) -> list[Declaration]:
    """``vendor/modules.txt``: the vendored modules (``# path version [=> path version]``)."""
    out: list[Declaration] = []
    for number, raw in enumerate(decode(data).splitlines(), 1):
        if not raw.startswith("# "):
            continue
        tokens = raw[2:].split()
        if "=>" in tokens:
            target = tokens[tokens.index("=>") + 1:]
            if target and not target[0].startswith((".", "/")):
                _module(out, target[0], target[1] if len(target) > 1 else None, number,
                        raw[2:].strip())
            continue
        if len(tokens) >= 2:
            _module(out, tokens[0], tokens[1], number, f"{tokens[0]} {tokens[1]}")
    return out
