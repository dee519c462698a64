"""Stage two of source-api: match rules at call sites and resolve what each call uses.

Values are resolved from literals, from constants and variables assigned in the same file,
from nested calls that other rules match (``Cipher(algorithms.AES(k), modes.GCM(iv))``), and
from later calls on a returned object (``kpg.initialize(2048)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from anke.detect.source_api.imports import ImportTable
from anke.detect.source_api.languages import LangSpec
from anke.detect.source_api.names import PUBLIC_KEY_PADDINGS, NameReader
from anke.detect.source_api.syntax import (
    Site,
    assignments_to,
    int_value,
    object_properties,
    site_at,
    site_of,
    string_value,
    text,
    unwrap,
)
from anke.findings.model import Confidence
from anke.rules.loader import CompiledRule, LanguageRules
from anke.rules.model import Follow, Language, MatchOn, Parse, Source

_SUFFIX_LANGUAGES = frozenset({Language.JAVA, Language.CSHARP, Language.PYTHON,
                               Language.JAVASCRIPT, Language.TYPESCRIPT, Language.CPP})
_MAX_DEPTH = 8
_SEQUENCES = frozenset({"list", "tuple", "array", "array_initializer", "initializer_list",
                        "collection_expression", "initializer_expression", "set"})
_SELF = frozenset({"self", "this", "cls", "super", "base"})
_SUITE_SEPARATORS = re.compile(r"[:,\s]+")


@dataclass
class Symbol:
    """A name that resolved to nothing more concrete (``AES.MODE_GCM``, ``KEY_ALG``)."""

    name: str


@dataclass
class Use:
    """A rule matched at a site, with the values resolved so far."""

    rule: CompiledRule
    site: Site
    confidence: Confidence
    algorithms: list[str] = field(default_factory=list)
    unknown: str | None = None  # a crypto-looking name the catalog does not know
    resolved: bool = True  # False when the algorithm came from an unresolvable expression
    mode: str | None = None
    padding: str | None = None
    key_bits: int | None = None
    curve: str | None = None
    consumed: bool = False
    dropped: bool = False  # the matched name itself says no algorithm (EVP_CIPHER_CTX_new)
    captures: dict[str, str] = field(default_factory=dict)


Value = str | int | Use | Symbol | dict[str, Node] | None


class FileEvaluator:
    """Rule matching and value resolution over one parsed file (or one region of it)."""

    def __init__(self, spec: LangSpec, root: Node, imports: ImportTable,
                 rules: LanguageRules, reader: NameReader, source: bytes) -> None:
        self.spec = spec
        self.root = root
        self.source = source
        self.imports = imports
        self.rules = rules
        self.reader = reader
        self.uses: dict[tuple[int, int, str], Use | None] = {}
        self.bindings: dict[str, Use] = {}
        self._constants: dict[str, list[tuple[int, Node, str]]] = {}
        self._matches: dict[tuple[tuple[str, ...], MatchOn],
                            tuple[CompiledRule, dict[str, str], Confidence] | None] = {}

    # ---- matching -------------------------------------------------------------------------

    def use_of(self, site: Site) -> Use | None:
        """The rule use at a site (memoised), or None when no rule matches it."""
        key = (site.node.start_byte, site.node.end_byte, site.node.type)
        if key in self.uses:
            return self.uses[key]
        self.uses[key] = None  # guards against cycles through constants
        use = self._match(site)
        self.uses[key] = use
        if use is not None:
            self._evaluate(use)
        return use

    def api_rule(self, site: Site) -> CompiledRule | None:
        """The rule whose API a name denotes, whatever the syntax (``nacl.hash = ...``)."""
        for qualified, _resolved in self.imports.resolve(site.parts):
            for rule in self.rules.candidates(qualified):
                if rule.match(qualified) is not None:
                    return rule
        return None

    def _match(self, site: Site) -> Use | None:
        if site.on is MatchOn.REFERENCE and _declares(self.spec, site.node):
            return None  # enum { SEED }, #define SEED, class Serpent: a name being declared
        key = (tuple(site.parts), site.on)
        if key not in self._matches:  # the same name is often used many times in a file
            self._matches[key] = self._match_name(site)
        found = self._matches[key]
        if found is None:
            return None
        rule, captures, confidence = found
        return Use(rule, site, confidence, captures=dict(captures))

    def _match_name(self, site: Site) -> tuple[CompiledRule, dict[str, str], Confidence] | None:
        candidates = self.imports.resolve(site.parts)
        for qualified, resolved in candidates:
            for rule in self.rules.candidates(qualified):
                if rule.rule.syntax is not site.on:
                    continue
                if not resolved and rule.imported_only and not self._imports_library(rule):
                    continue
                captures = rule.match(qualified)
                if captures is not None and self._captures_name_something(rule, captures):
                    confident = resolved or "." not in qualified or qualified == ".".join(
                        site.parts)
                    return rule, captures, (rule.rule.confidence if confident
                                            else Confidence.MEDIUM)
        resolved = any(flag for _, flag in candidates) and not self.imports.wildcards
        if resolved or len(site.parts) < 2 or self.spec.language not in _SUFFIX_LANGUAGES or (
                site.parts[0] in _SELF):
            return None
        written = ".".join(site.parts)
        for rule in self.rules.suffix_candidates(written):
            if rule.rule.syntax is not site.on:
                continue
            if rule.imported_only and not self._imports_library(rule):
                continue
            captures = rule.match_suffix(written, len(site.parts))
            if captures is not None and self._captures_name_something(rule, captures):
                return rule, captures, Confidence.MEDIUM
        return None

    def _imports_library(self, rule: CompiledRule) -> bool:
        """True when the file imports (or includes) one of the rule's library modules."""
        return any(imported == module or imported.startswith((module + ".", module + "/"))
                   for imported in self.imports.modules for module in rule.modules)

    def _captures_name_something(self, rule: CompiledRule, captures: dict[str, str]) -> bool:
        """False when a rule reads its algorithm only from captures that name none.

        ``engines.{name}`` matching ``engines.GcmBlockCipher`` must give way to the next
        candidate (another wildcard package, another rule) instead of winning and saying
        nothing.
        """
        sources = rule.rule.algorithm
        if not sources or not all(s.capture is not None for s in sources):
            return True
        return any(self.reader.read(captures.get(s.capture or "", "")).algorithms
                   for s in sources)

    # ---- evaluation -----------------------------------------------------------------------

    def _evaluate(self, use: Use) -> None:
        rule = use.rule.rule
        self._fill(use, use.site, rule.algorithm, rule.mode, rule.padding, rule.key_bits,
                   rule.curve)
        for source in rule.also:
            for algorithm in self._algorithms_of(use, use.site, source):
                if algorithm not in use.algorithms:
                    use.algorithms.append(algorithm)
        if rule.applies_to is not None and rule.applies_to < len(use.site.args):
            target = self.resolve(use.site.args[rule.applies_to])
            if isinstance(target, Use) and target is not use:
                for name in ("mode", "padding", "key_bits", "curve"):
                    if getattr(target, name) is None and getattr(use, name) is not None:
                        setattr(target, name, getattr(use, name))
                target.consumed = False
                use.consumed = True

    def finish(self, use: Use) -> None:
        """Apply what the API implies (``defaults``) once every later call has been seen.

        A mode or padding default (JCA's ECB/PKCS5) only ever applies to a block cipher.
        """
        block = bool(use.algorithms) and self.reader.is_block_cipher(use.algorithms[0])
        for key, value in use.rule.rule.defaults.items():
            if key == "mode" and not block:
                continue
            if key == "padding" and block == (value in PUBLIC_KEY_PADDINGS):
                continue  # PKCS5 for a block cipher, OAEP for RSA: never the other way round
            if getattr(use, key) is None:
                setattr(use, key, value)

    def _fill(self, use: Use, site: Site, algorithm: tuple[Source, ...],
              mode: tuple[Source, ...], padding: tuple[Source, ...],
              key_bits: tuple[Source, ...], curve: tuple[Source, ...]) -> None:
        if algorithm and not use.algorithms:
            self._fill_algorithm(use, site, algorithm)
        for name, sources, default_parse in (
            ("mode", mode, Parse.MODE),
            ("padding", padding, Parse.PADDING),
            ("key_bits", key_bits, Parse.INT),
            ("curve", curve, Parse.CURVE),
        ):
            if not sources or getattr(use, name) is not None:
                continue
            for source in sources:
                value = self._read(use, site, source, source.parse or default_parse, name)
                if value is not None:
                    setattr(use, name, value)
                    break

    def _fill_algorithm(self, use: Use, site: Site, sources: tuple[Source, ...]) -> None:
        raw_seen: str | None = None
        for source in sources:
            value = self._source_value(use, site, source)
            if isinstance(value, Use):
                value.consumed = True
                if value.algorithms:
                    use.algorithms = list(value.algorithms)
                    for name in ("mode", "padding", "key_bits", "curve"):
                        if getattr(use, name) is None:
                            setattr(use, name, getattr(value, name))
                    return
                continue
            text_value = _as_text(value)
            if text_value is None:
                continue
            if source.parse is Parse.SUITES:
                found = self._suites(text_value)
                if found:
                    use.algorithms = found
                    return
                continue
            if source.parse is None or source.parse is Parse.ALGORITHM:
                reading = self.reader.read(text_value)
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
                    raw_seen = raw_seen or text_value
        if all(source.capture is not None for source in sources):
            use.dropped = True  # a pattern like hashlib.{name} matched a non-algorithm name
        elif raw_seen is not None and _crypto_looking(raw_seen):
            use.unknown = raw_seen
        else:
            use.resolved = False

    def _algorithms_of(self, use: Use, site: Site, source: Source) -> list[str]:
        value = self._source_value(use, site, source)
        if isinstance(value, Use):
            value.consumed = True
            return list(value.algorithms)
        text_value = _as_text(value)
        if text_value is None:
            return []
        if source.parse is Parse.SUITES:
            return self._suites(text_value)
        return list(self.reader.read(text_value).algorithms)

    def _suites(self, text_value: str) -> list[str]:
        """Algorithms of a cipher list, leaving out what it excludes (``!MD5``, ``-RC4``)."""
        found: list[str] = []
        for item in _SUITE_SEPARATORS.split(text_value):
            if not item or item[0] in "!-":
                continue
            for algorithm in self.reader.read(item.lstrip("+")).algorithms:
                if algorithm not in found:
                    found.append(algorithm)
        return found

    def _read(self, use: Use, site: Site, source: Source, parse: Parse,
              name: str) -> str | int | None:
        value = self._source_value(use, site, source)
        if isinstance(value, Use):
            value.consumed = True
            inner = getattr(value, name)
            if inner is not None:
                return inner  # type: ignore[no-any-return]
            if parse is Parse.CURVE and value.algorithms:
                return None
            return None
        if parse in (Parse.INT, Parse.BYTES):
            number = value if isinstance(value, int) else (
                int(value) if isinstance(value, str) and value.isdigit() else None)
            if number is None:
                return None
            return number * 8 if parse is Parse.BYTES else number
        text_value = _as_text(value)
        if text_value is None:
            return None
        reading = self.reader.read(text_value)
        if parse is Parse.MODE:
            return reading.mode
        if parse is Parse.PADDING:
            return reading.padding
        if parse is Parse.CURVE:
            if reading.curve:
                return reading.curve
            curve = self.reader.catalog.curve(text_value)
            return curve.name if curve is not None else None
        return None

    def _source_value(self, use: Use, site: Site, source: Source) -> Value:
        if source.value is not None:
            return source.value
        if source.capture is not None:
            return use.captures.get(source.capture)
        node: Node | None = None
        if source.arg is not None and source.arg < len(site.args):
            node = site.args[source.arg]
        elif source.keyword is not None:
            node = site.keywords.get(source.keyword)
        if node is None:
            return None
        if source.property is not None:
            for name in source.property.split("."):  # "hash.name" reads {hash: {name: ..}}
                props = object_properties(self.spec, node)
                if props is None:
                    resolved = self.resolve(node)
                    props = resolved if isinstance(resolved, dict) else None
                if props is None or name not in props:
                    return None
                node = props[name]
        value = self.resolve(node)
        if isinstance(value, dict) and "name" in value:  # {hash: {name: 'SHA-256'}}
            value = self.resolve(value["name"])
        return value

    # ---- values ---------------------------------------------------------------------------

    def resolve(self, node: Node, depth: int = 0) -> Value:
        """What an expression evaluates to, as far as one file can tell."""
        if depth > _MAX_DEPTH:
            return None
        spec = self.spec
        node = unwrap(spec, node)
        literal = string_value(spec, node)
        if literal is not None:
            return literal
        number = int_value(spec, node)
        if number is not None:
            return number
        if node.type in spec.concats:
            return self._concat(node, depth)
        props = object_properties(spec, node)
        if props is not None:
            return props
        if node.type in _SEQUENCES:  # ["RS256", "ES256"] reads as "RS256:ES256"
            items = [self.resolve(child, depth + 1) for child in node.named_children
                     if child.type not in spec.comments]
            texts = [_as_text(item) for item in items if not isinstance(item, Use)]
            return ":".join(t for t in texts if t) or None
        site = site_of(spec, node)
        if site is not None:
            if site.on is not MatchOn.REFERENCE:
                use = self.use_of(site)
                if use is not None:
                    return use
                return None
            name = ".".join(site.parts)
            if len(site.parts) == 1 and name in self.bindings:
                return self.bindings[name]
            use = self._reference_use(site)
            if use is not None:
                return use
            constant = self._constant(name, node.start_byte, depth)
            if constant is not None:
                return constant
            return Symbol(name)
        return None

    def _reference_use(self, site: Site) -> Use | None:
        key = (site.node.start_byte, site.node.end_byte, site.node.type)
        if key in self.uses:
            return self.uses[key]
        return self.use_of(site)

    def _concat(self, node: Node, depth: int) -> Value:
        pieces: list[str] = []
        operands = [c for c in node.named_children if c.type not in self.spec.comments]
        if node.type not in ("concatenated_string",) and len(node.children) == 3:
            operator = node.children[1].type
            if operator != "+":
                return None
        for child in operands:
            value = self.resolve(child, depth + 1)
            if isinstance(value, str | int) and not isinstance(value, bool):
                pieces.append(str(value))
            elif isinstance(value, Symbol):
                pieces.append(value.name.rsplit(".", 1)[-1])
            else:
                return None
        return "".join(pieces)

    def _constant(self, name: str, before: int, depth: int) -> Value:
        short = name.rsplit(".", 1)[-1]
        entries = self.constants_named(short)
        if name != short:
            exact = [e for e in entries if e[2] == name]
            entries = exact or entries
        if not entries:
            return None
        chosen = entries[0][1]
        for offset, candidate, _ in entries:
            if offset < before:
                chosen = candidate
        if chosen.start_byte <= before < chosen.end_byte:
            return None
        return self.resolve(chosen, depth + 1)

    def constants_named(self, name: str) -> list[tuple[int, Node, str]]:
        """Where ``name`` is assigned a literal-like value: (offset, value node, full name)."""
        cached = self._constants.get(name)
        if cached is not None:
            return cached
        entries: list[tuple[int, Node, str]] = []
        spec = self.spec
        for full, value, where in assignments_to(spec, self.root, self.source, name):
            if value.type in spec.strings or value.type in spec.integers or (
                    value.type in spec.concats) or value.type in spec.members or (
                    value.type in spec.identifiers) or value.type == "preproc_arg" or (
                    value.type in spec.objects) or value.type in _SEQUENCES:
                entries.append((where.start_byte, value, full))
        self._constants[name] = entries
        return entries

    # ---- follow-up calls ------------------------------------------------------------------

    def follow(self, node: Node) -> None:
        """Apply a later call or property assignment on a bound variable (``k.init(256)``)."""
        site = site_at(self.spec, node)
        if site is None:
            return
        target_parts = site.parts
        assigned: Node | None = None
        if site.on is MatchOn.REFERENCE:
            parent = site.node.parent
            pair = self.spec.assignments.get(parent.type) if parent is not None else None
            if parent is None or pair is None:
                return
            left = parent.child_by_field_name(pair[0]) if pair[0] else None
            if left != site.node:
                return
            right = parent.child_by_field_name(pair[1]) if pair[1] else None
            if right is None:
                return
            assigned = right
        if len(target_parts) < 2:
            return
        variable, member = ".".join(target_parts[:-1]), target_parts[-1]
        use = self.bindings.get(variable)
        if use is None:
            return
        for follow in use.rule.rule.follow:
            if follow.method != member:
                continue
            follow_site = site if assigned is None else Site(site.node, site.on, site.parts,
                                                             [assigned], {})
            self._apply_follow(use, follow, follow_site)

    def chain(self, use: Use) -> None:
        """Apply calls chained on a rule's result: ``new SignJWT(c).setProtectedHeader({..})``.

        Each ``.method(args)`` applied directly to the matched call (or to a call chained on
        it) is read as a follow-up of the rule, as if the result had been put in a variable.
        """
        if not use.rule.rule.follow:
            return
        node = use.site.node
        for _ in range(8):
            member = node.parent
            if member is None or (member.type not in self.spec.members and not (
                    member.type in self.spec.calls and self.spec.calls[member.type][0] is None)):
                return
            if member.type in self.spec.calls:  # Java: object.name(args) in one node
                call, name_node = member, member.child_by_field_name("name")
                if member.child_by_field_name("object") != node:
                    return
            else:
                obj_field, name_field = self.spec.members[member.type]
                if not obj_field or member.child_by_field_name(obj_field) != node:
                    return
                name_node = member.child_by_field_name(name_field)
                outer = member.parent
                if outer is None or self.spec.calls.get(outer.type, (None, ""))[0] is None or (
                        outer.child_by_field_name(self.spec.calls[outer.type][0] or "") != member):
                    return
                call = outer
            site = site_of(self.spec, call)
            if name_node is None or site is None:
                return
            method = text(name_node)
            for follow in use.rule.rule.follow:
                if follow.method == method:
                    self._apply_follow(use, follow, site)
            node = call

    def _apply_follow(self, use: Use, follow: Follow, site: Site) -> None:
        self._fill(use, site, follow.algorithm, follow.mode, follow.padding, follow.key_bits,
                   follow.curve)

    def bind(self, use: Use, name: str) -> None:
        """Remember that variable ``name`` holds the object a rule's call returned."""
        self.bindings[name] = use


_DECLARING = frozenset({"enumerator", "preproc_def", "preproc_function_def", "class_specifier",
                        "struct_specifier", "enum_specifier", "function_declarator"})


def _declares(spec: LangSpec, node: Node) -> bool:
    """True for the name a declaration introduces (an enumerator, a macro, a class)."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type in _DECLARING and parent.child_by_field_name("name") == node:
        return True
    if parent.type == "function_declarator" and parent.child_by_field_name("declarator") == node:
        return True
    field = spec.definitions.get(parent.type)
    return field is not None and parent.child_by_field_name(field) == node


def _as_text(value: Value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Symbol):
        return value.name.rsplit(".", 1)[-1]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _crypto_looking(raw: str) -> bool:
    """A short token-like string that may name an algorithm anke does not know."""
    stripped = raw.strip()
    return 2 <= len(stripped) <= 40 and " " not in stripped and any(c.isalpha() for c in stripped)


def describe(node: Node, limit: int = 160) -> str:
    """The evidence text of a node: its source, whitespace collapsed, cut to ``limit``."""
    raw = " ".join(text(node).split())
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"
