"""Matching the Java source rules at bytecode calls, and reading what each call uses.

The rules (``src/anke/rules/data/java-*.yaml``) speak of qualified names: a call is the owner
class with dots and the method (``javax.crypto.Cipher.getInstance``), a constructor is the
class (``org.bouncycastle.crypto.engines.SM4Engine``, syntax ``new``), a static field is a
``reference``.  Bytecode names every owner in full, so a match never needs an import.  Values
come from the rule's sources: a fixed value, a capture of the matched name, or the constant a
call received as argument N; a later call on the returned object applies the rule's
``follow`` entries (``kpg.initialize(2048)``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from anke.detect.classfile.bytecode import FieldRead, Invoke, NewObject, Static
from anke.detect.source_api.names import PUBLIC_KEY_PADDINGS, NameReader
from anke.findings.model import Confidence
from anke.rules.loader import CompiledRule, LanguageRules
from anke.rules.model import MatchOn, Parse, Source

_MAX_CACHE = 200_000
_SUITE_SEPARATORS = re.compile(r"[:,\s]+")


def dotted(internal: str) -> str:
    """A binary class name as source spells it: ``a/b/C$D`` -> ``a.b.C.D``."""
    return internal.replace("/", ".").replace("$", ".")


def simple(internal: str) -> str:
    """The class name without its package: ``a/b/C$D`` -> ``C.D``."""
    return internal.rsplit("/", 1)[-1].replace("$", ".")


@dataclass
class Use:
    """A rule matched at one instruction, with the values read so far."""

    rule: CompiledRule
    pc: int
    text: str  # the call as evidence: Cipher.getInstance("AES")
    confidence: Confidence
    captures: dict[str, str] = field(default_factory=dict)
    algorithms: list[str] = field(default_factory=list)
    unknown: str | None = None
    mode: str | None = None
    padding: str | None = None
    key_bits: int | None = None
    curve: str | None = None
    consumed: bool = False
    dropped: bool = False


class RuleMatcher:
    """Qualified names to rules (cached across classes: the same APIs recur)."""

    def __init__(self, rules: LanguageRules, reader: NameReader) -> None:
        self.rules = rules
        self.reader = reader
        self._cache: dict[tuple[str, MatchOn], tuple[CompiledRule, dict[str, str]] | None] = {}

    def match(self, qualified: str, on: MatchOn) -> tuple[CompiledRule, dict[str, str]] | None:
        """The first rule of syntax ``on`` that matches ``qualified``, with its captures."""
        key = (qualified, on)
        if key in self._cache:
            return self._cache[key]
        found = self._match(qualified, on)
        if len(self._cache) >= _MAX_CACHE:
            self._cache.clear()
        self._cache[key] = found
        return found

    def _match(self, qualified: str, on: MatchOn) -> tuple[CompiledRule, dict[str, str]] | None:
        for rule in self.rules.candidates(qualified):
            if rule.rule.syntax is not on:
                continue
            if rule.imported_only and not any(
                    qualified.startswith(module + ".") for module in rule.modules):
                continue  # bytecode names are qualified: the package is the import
            captures = rule.match(qualified)
            if captures is not None and self._captures_name_something(rule, captures):
                return rule, captures
        return None

    def _captures_name_something(self, rule: CompiledRule, captures: dict[str, str]) -> bool:
        """False when a rule reads its algorithm only from captures that name none."""
        sources = rule.rule.algorithm
        if not sources or not all(s.capture is not None for s in sources):
            return True
        return any(self.reader.read(captures.get(s.capture or "", "")).algorithms
                   for s in sources)


class MethodEvaluator:
    """The visitor of one method's walk: matches rules and resolves their values."""

    def __init__(self, matcher: RuleMatcher) -> None:
        self.matcher = matcher
        self.reader = matcher.reader
        self.uses: list[Use] = []

    # ---- the visitor ----------------------------------------------------------------------

    def invoke(self, call: Invoke) -> object:
        """Match a call or constructor; apply follow-ups on a matched receiver."""
        receiver = call.receiver
        if isinstance(receiver, Use) and call.name != "<init>":
            follows = [f for f in receiver.rule.rule.follow if f.method == call.name]
            for follow in follows:
                self._fill(receiver, call.args, follow.algorithm, follow.mode, follow.padding,
                           follow.key_bits, follow.curve)
            if follows:
                return receiver  # builders return themselves: chained follow-ups still apply
        if call.name == "<init>":
            if not call.constructs:
                return None  # super(...) or this(...): not a construction of that class
            qualified, on = dotted(call.owner), MatchOn.NEW
            text = f"new {simple(call.owner)}({_render_args(call.args)})"
        else:
            qualified, on = f"{dotted(call.owner)}.{call.name}", MatchOn.CALL
            text = f"{simple(call.owner)}.{call.name}({_render_args(call.args)})"
        found = self.matcher.match(qualified, on)
        if found is None:
            return None
        rule, captures = found
        use = Use(rule, call.pc, _cut(text), rule.rule.confidence, captures=dict(captures))
        self._evaluate(use, call.args)
        self.uses.append(use)
        return use

    def static_field(self, read: FieldRead) -> object:
        """Match a static field read (``reference`` rules)."""
        found = self.matcher.match(f"{dotted(read.owner)}.{read.name}", MatchOn.REFERENCE)
        if found is None:
            return None
        rule, captures = found
        use = Use(rule, read.pc, f"{simple(read.owner)}.{read.name}", rule.rule.confidence,
                  captures=dict(captures))
        self._evaluate(use, ())
        self.uses.append(use)
        return use

    # ---- values ---------------------------------------------------------------------------

    def _evaluate(self, use: Use, args: tuple[object, ...]) -> None:
        rule = use.rule.rule
        self._fill(use, args, rule.algorithm, rule.mode, rule.padding, rule.key_bits,
                   rule.curve)
        for source in rule.also:
            for algorithm in self._algorithms_of(use, args, source):
                if algorithm not in use.algorithms:
                    use.algorithms.append(algorithm)

    def _fill(self, use: Use, args: tuple[object, ...], algorithm: tuple[Source, ...],
              mode: tuple[Source, ...], padding: tuple[Source, ...],
              key_bits: tuple[Source, ...], curve: tuple[Source, ...]) -> None:
        if algorithm and not use.algorithms:
            self._fill_algorithm(use, args, algorithm)
        for name, sources, default_parse in (
            ("mode", mode, Parse.MODE),
            ("padding", padding, Parse.PADDING),
            ("key_bits", key_bits, Parse.INT),
            ("curve", curve, Parse.CURVE),
        ):
            if not sources or getattr(use, name) is not None:
                continue
            for source in sources:
                value = self._read(use, args, source, source.parse or default_parse, name)
                if value is not None:
                    setattr(use, name, value)
                    break

    def _fill_algorithm(self, use: Use, args: tuple[object, ...],
                        sources: tuple[Source, ...]) -> None:
        raw_seen: str | None = None
        for source in sources:
            value = _source_value(use, args, source)
            if isinstance(value, Use):
                value.consumed = True
                if value.algorithms:
                    use.algorithms = list(value.algorithms)
                    for name in ("mode", "padding", "key_bits", "curve"):
                        if getattr(use, name) is None:
                            setattr(use, name, getattr(value, name))
                    return
                continue
            text = _as_text(value)
            if text is None:
                continue
            if source.parse is Parse.SUITES:
                found = self._suites(text)
                if found:
                    use.algorithms = found
                    return
                continue
            if source.parse is None or source.parse is Parse.ALGORITHM:
                reading = self.reader.read(text)
                if reading.algorithms:
                    use.algorithms = list(reading.algorithms)
                    use.mode = use.mode or reading.mode
                    use.padding = use.padding or reading.padding
                    use.key_bits = use.key_bits or reading.key_bits
                    use.curve = use.curve or reading.curve
                    return
                if reading.curve and not use.curve:
                    use.curve = reading.curve
                if isinstance(value, str):
                    raw_seen = raw_seen or text
        if all(source.capture is not None for source in sources):
            use.dropped = True
        elif raw_seen is not None and _crypto_looking(raw_seen):
            use.unknown = raw_seen

    def _algorithms_of(self, use: Use, args: tuple[object, ...], source: Source) -> list[str]:
        value = _source_value(use, args, source)
        if isinstance(value, Use):
            value.consumed = True
            return list(value.algorithms)
        text = _as_text(value)
        if text is None:
            return []
        if source.parse is Parse.SUITES:
            return self._suites(text)
        return list(self.reader.read(text).algorithms)

    def _suites(self, text: str) -> list[str]:
        found: list[str] = []
        for item in _SUITE_SEPARATORS.split(text):
            if not item or item[0] in "!-":
                continue
            for algorithm in self.reader.read(item.lstrip("+")).algorithms:
                if algorithm not in found:
                    found.append(algorithm)
        return found

    def _read(self, use: Use, args: tuple[object, ...], source: Source, parse: Parse,
              name: str) -> str | int | None:
        value = _source_value(use, args, source)
        if isinstance(value, Use):
            value.consumed = True
            inner: str | int | None = getattr(value, name)
            return inner
        if parse in (Parse.INT, Parse.BYTES):
            number = value if isinstance(value, int) and not isinstance(value, bool) else (
                int(value) if isinstance(value, str) and value.isdigit() else None)
            if number is None:
                return None
            return number * 8 if parse is Parse.BYTES else number
        text = _as_text(value)
        if text is None:
            return None
        reading = self.reader.read(text)
        if parse is Parse.MODE:
            return reading.mode
        if parse is Parse.PADDING:
            return reading.padding
        if parse is Parse.CURVE:
            if reading.curve:
                return reading.curve
            curve = self.reader.catalog.curve(text)
            return curve.name if curve is not None else None
        return None

    def finish(self, use: Use) -> None:
        """Apply what the API implies (``defaults``) once the method has been walked."""
        block = bool(use.algorithms) and self.reader.is_block_cipher(use.algorithms[0])
        for key, value in use.rule.rule.defaults.items():
            if key == "mode" and not block:
                continue
            if key == "padding" and block == (value in PUBLIC_KEY_PADDINGS):
                continue
            if getattr(use, key) is None:
                setattr(use, key, value)


def _source_value(use: Use, args: tuple[object, ...], source: Source) -> object:
    if source.value is not None:
        return source.value
    if source.capture is not None:
        return use.captures.get(source.capture)
    if source.arg is not None and source.arg < len(args) and source.property is None:
        return args[source.arg]
    return None  # keyword arguments and object properties do not exist in Java


def _as_text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Static):
        return value.name
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _crypto_looking(raw: str) -> bool:
    stripped = raw.strip()
    return 2 <= len(stripped) <= 40 and " " not in stripped and any(c.isalpha() for c in stripped)


def _render(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 60 else value[:59] + "…", ensure_ascii=False)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, Static):
        return f"{simple(value.owner)}.{value.name}"
    if isinstance(value, Use):
        return value.text
    if isinstance(value, NewObject):
        return f"new {simple(value.owner)}(…)"
    return "?"


def _render_args(args: tuple[object, ...]) -> str:
    return ", ".join(_render(a) for a in args)


def _cut(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
