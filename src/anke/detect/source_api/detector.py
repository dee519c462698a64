"""The source-api detector: calls of cryptographic APIs in source code, resolved.

Stage one (the prefilter) finds rule anchors and algorithm names in the raw bytes; a file
without any is never parsed.  Stage two parses the file with tree-sitter (only regions around
the hits when the file is very large), matches rules at the calls the hits point to, resolves
their arguments, and reports what each call uses.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from tree_sitter import Node

from anke.catalog import Catalog
from anke.detect.base import Detection
from anke.detect.implementations import implemented, truncated_variant
from anke.detect.source_api.definitions import (
    definition_at,
    has_crypto_context,
    headline,
    is_accessor,
)
from anke.detect.source_api.evaluate import FileEvaluator, Use, describe
from anke.detect.source_api.imports import ImportTable, collect_imports
from anke.detect.source_api.languages import LangSpec, parser_for, spec_for
from anke.detect.source_api.names import PUBLIC_KEY_PADDINGS, NameReader, reader_for
from anke.detect.source_api.patterns import NAME, PatternSet, pattern_set
from anke.detect.source_api.syntax import NAME_BYTES, assigned_name, site_at
from anke.findings.model import Confidence, Finding, FindingKind, Skipped
from anke.rules.loader import CompiledRule, LanguageRules, RuleSet
from anke.rules.model import Language, MatchOn

DETECTOR = "source-api"
_DECLARATIONS = (".d.ts", ".d.mts", ".d.cts")


@dataclass(frozen=True)
class SourceLimits:
    """Bounds of the source-api detector."""

    whole_file_bytes: int = 2 * 1024 * 1024  # larger files are parsed in regions around hits
    sparse_file_bytes: int = 512 * 1024  # larger files with few hits too (a cost decision)
    region_bytes: int = 4096
    max_regions: int = 2000
    max_hits: int = 200_000


@dataclass(frozen=True, eq=False)
class SourceDetector:
    """Everything the detector needs, built once per process."""

    name: ClassVar[str] = "source-api"
    rules: RuleSet
    catalog: Catalog
    limits: SourceLimits = field(default_factory=SourceLimits)

    @property
    def reader(self) -> NameReader:
        """The catalog's name reader."""
        return reader_for(self.catalog)

    @property
    def patterns(self) -> PatternSet:
        """The compiled prefilter."""
        return pattern_set(self.rules, self.catalog)

    def handles(self, path: str, head: bytes) -> bool:
        """True when the member is source code in a supported language.

        TypeScript declaration files (``.d.ts``) are not: they hold types only, nothing in
        them runs or implements anything.
        """
        return not path.endswith(_DECLARATIONS) and spec_for(path, head) is not None

    def cache_scope(self, path: str, head: bytes) -> str:
        """What of the rules judges a member, for the result cache: its language's rules
        (the prefilter's name patterns come from the catalog, and the anchors of other
        languages are neither counted nor looked at)."""
        spec = spec_for(path, head[:256])
        return "" if spec is None else self.rules.language_digest(spec.language)

    def detect(self, path: str, data: bytes) -> Detection:
        """Findings in one source file, skipped/degraded notes, and whether it was parsed."""
        findings, notes, parsed = self._detect(path, data)
        return Detection(findings, notes, parsed)

    def _detect(self, path: str, data: bytes) -> tuple[list[Finding], list[Skipped], bool]:
        spec = spec_for(path, data[:256])
        if spec is None or path.endswith(_DECLARATIONS):
            return [], [], False
        if b"\x00" in data[:8192]:
            return [], [Skipped(path=path, reason="binary content behind a source extension")], (
                False)
        patterns = self.patterns
        hits, truncated = patterns.prefilter.scan(data, self.limits.max_hits,
                                                  patterns.relevant(spec.language))
        points = [(_inside(data, hit.end), patterns.kinds[hit.pattern] == NAME)
                  for hit in hits]  # (offset inside an identifier, is an algorithm name)
        if not points:
            return [], [], False
        if not self._worth_parsing(data, points, spec.language):
            return [], [], False
        notes: list[Skipped] = []
        if truncated:
            notes.append(Skipped(path=path, reason=f"degraded: more than {self.limits.max_hits}"
                                 " prefilter hits, the rest not inspected"))
        rules = self.rules.for_language(spec.language)
        regions: list[tuple[int, int]] = []
        if len(data) > self.limits.sparse_file_bytes:
            regions = _regions(points, len(data), self.limits.region_bytes)
            covered = sum(end - start for start, end in regions)
            if len(data) <= self.limits.whole_file_bytes and covered > len(data) // 3:
                regions = []  # hits everywhere: one parse of the whole file is cheaper
        if not regions:
            findings = self._analyse(spec, rules, path, data, 0, points, None, None)
            return findings, notes, True
        if len(regions) > self.limits.max_regions:
            notes.append(Skipped(path=path, reason=f"degraded: {len(regions)} regions, only the "
                                 f"first {self.limits.max_regions} parsed"))
            regions = regions[: self.limits.max_regions]
        if len(data) > self.limits.whole_file_bytes:
            notes.append(Skipped(path=path, reason=f"degraded: larger than "
                                 f"{self.limits.whole_file_bytes} bytes, parsed {len(regions)} "
                                 "regions around prefilter hits"))
        header = data[: min(len(data), 65536)]
        header_tree = parser_for(spec).parse(header)
        imports = collect_imports(spec, header_tree.root_node, header)
        lines = _LineIndex(data)
        found: list[Finding] = []
        for start, end in regions:
            inside = [(p - start, n) for p, n in points if start <= p < end]
            found.extend(self._analyse(spec, rules, path, data[start:end], start, inside,
                                       imports, lines))
        return _dedupe(found), notes, True

    @staticmethod
    def _worth_parsing(data: bytes, points: list[tuple[int, bool]], language: Language) -> bool:
        """Whether any hit may be code the second stage can use.

        An anchor counts unless it sits in a comment; an algorithm name counts only where it
        looks like the name of a definition (``def sm3(``, ``class SM4Engine``,
        ``C.algo.SHA256 = Hasher.extend(``, ``void sm4_encrypt(``), outside comments and
        strings.  Files whose every hit is prose, a string or an ordinary identifier are not
        parsed; nothing they contain could become a finding.
        """
        blocks: _BlockComments | None = None
        for offset, is_name in points:
            if blocks is None:
                blocks = _BlockComments(data, language)
            if blocks.inside(offset) or not _maybe_code(data, offset, language,
                                                          strings=not is_name):
                continue
            if not is_name or _looks_defined(data, offset):
                return True
        return False

    def _analyse(self, spec: LangSpec, rules: LanguageRules, path: str, data: bytes, base: int,
                 points: list[tuple[int, bool]], imports: ImportTable | None,
                 lines: _LineIndex | None) -> list[Finding]:
        tree = parser_for(spec).parse(data)
        root = tree.root_node
        if imports is None:
            imports = collect_imports(spec, root, data)
        evaluator = FileEvaluator(spec, root, imports, rules, self.reader, data)
        for offset in _alias_points(imports, rules, data):
            points.append((offset, False))
        nodes: dict[tuple[int, int], tuple[Node, bool]] = {}
        for offset, is_name in sorted(points):
            node = root.named_descendant_for_byte_range(offset, offset + 1)
            if node is None or node.type not in spec.identifiers:
                continue
            key = (node.start_byte, node.end_byte)
            known = nodes.get(key)
            nodes[key] = (node, is_name or (known is not None and known[1]))
        definitions: list[tuple[Node, Node]] = []
        api_definitions: list[tuple[Node, Node, CompiledRule]] = []
        for node, is_name in nodes.values():
            site = site_at(spec, node)
            if site is not None:
                use = evaluator.use_of(site)
                if use is not None and site.on is not MatchOn.REFERENCE:
                    name = assigned_name(spec, site.node)
                    if name:
                        evaluator.bind(use, name)
                    evaluator.chain(use)
                    continue
                if use is None and site.on is MatchOn.REFERENCE:
                    defined = definition_at(spec, node)
                    rule = evaluator.api_rule(site) if defined is not None else None
                    if rule is not None and defined is not None:
                        api_definitions.append((site.node, defined, rule))
                        continue
            if is_name:
                defined = definition_at(spec, node)
                if defined is not None:
                    definitions.append((node, defined))
        if evaluator.bindings:
            for offset in _follow_points(evaluator, rules, data):
                node = root.named_descendant_for_byte_range(offset, offset + 1)
                if node is not None:
                    evaluator.follow(node)
        position = _Positions(base, lines)
        findings = list(self._use_findings(spec, path, evaluator, position))
        taken = {(f.line, f.algorithm) for f in findings}
        for name_node, defined in definitions:
            findings.extend(self._definition_findings(spec, path, name_node, defined, position,
                                                      taken))
        for name_node, defined, rule in api_definitions:
            findings.extend(self._api_definition_findings(spec, path, name_node, defined, rule,
                                                          position, taken))
        return _dedupe(findings)

    def _api_definition_findings(self, spec: LangSpec, path: str, name_node: Node,
                                 defined: Node, rule: CompiledRule, position: _Positions,
                                 taken: set[tuple[int | None, str | None]],
                                 ) -> Iterable[Finding]:
        """An implementation of an API a rule knows: ``nacl.hash = function (m) {...}``."""
        line, column = position.of(name_node)
        evidence = headline(defined)
        for source in (*rule.rule.algorithm, *rule.rule.also):
            if not isinstance(source.value, str):
                continue
            for algorithm in self.reader.read(source.value).algorithms:
                if (line, algorithm) in taken:
                    continue
                taken.add((line, algorithm))
                yield _finding(f"{spec.language.value}.definition", FindingKind.ALGORITHM,
                               path, line, column, evidence, algorithm,
                               self.reader.primitive(algorithm), Confidence.MEDIUM)

    def _use_findings(self, spec: LangSpec, path: str, evaluator: FileEvaluator,
                      position: _Positions) -> Iterable[Finding]:
        live = [use for use in evaluator.uses.values()
                if use is not None and not use.consumed and not use.dropped
                and use.rule.rule.emit]
        for use in live:
            if use.site.on is MatchOn.REFERENCE and any(
                    other is not use and _encloses(other, use) for other in live):
                continue  # CryptoPP::ECDSA<..>::PrivateKey names ECDSA once, not twice
            evaluator.finish(use)
            yield from self._emit(spec, path, use, position)

    def _emit(self, spec: LangSpec, path: str, use: Use, position: _Positions) -> Iterable[Finding]:
        rule = use.rule.rule
        node = use.site.node
        line, column = position.of(node)
        evidence = describe(node)
        reader = self.reader
        if not use.algorithms:
            if rule.kind is not FindingKind.ALGORITHM:
                yield _finding(rule.id, rule.kind, path, line, column, evidence, None, None,
                               use.confidence)
                return
            name = use.unknown
            yield _finding(rule.id, rule.kind, path, line, column, evidence,
                           name.upper() if name else None, rule.primitive, Confidence.LOW)
            return
        keyed = next((a for a in use.algorithms
                      if reader.primitive(a) not in ("hash", "xof")), use.algorithms[0])
        block = next((a for a in use.algorithms if reader.is_block_cipher(a)), None)
        # a suite like ECDHE-RSA-AES128-GCM names its cipher third: mode and size are its
        sized = block or keyed
        # OAEP, PSS and PKCS#1 v1.5 pad the public-key algorithm, whatever else is named
        padded = (next((a for a in use.algorithms if not reader.is_block_cipher(a)
                        and reader.primitive(a) not in ("hash", "xof")), sized)
                  if use.padding in PUBLIC_KEY_PADDINGS else sized)
        for algorithm in use.algorithms:
            primary = algorithm == keyed
            yield _finding(
                rule.id, rule.kind, path, line, column, evidence, algorithm,
                (rule.primitive if primary and rule.primitive else reader.primitive(algorithm)),
                use.confidence,
                mode=use.mode if algorithm == block else None,
                padding=use.padding if algorithm == padded else None,
                key_bits=use.key_bits if algorithm == sized else None,
                curve=use.curve if primary and algorithm != block else None,
            )

    def _definition_findings(self, spec: LangSpec, path: str, name_node: Node, defined: Node,
                             position: _Positions, taken: set[tuple[int | None, str | None]],
                             ) -> Iterable[Finding]:
        name = name_node.text.decode("utf-8", "replace") if name_node.text else ""
        if _is_property(defined) or is_accessor(defined):
            return  # getters and properties are about an algorithm, not of it
        algorithms = implemented(name, self.reader, self.catalog,
                                 context=has_crypto_context(defined))
        owner = _qualifier(name_node)
        if owner:
            algorithms = [truncated_variant(owner, a, self.reader, self.catalog)
                          for a in algorithms]
        line, column = position.of(name_node)
        evidence = headline(defined)
        for algorithm in algorithms:
            if (line, algorithm) in taken:
                continue
            taken.add((line, algorithm))
            yield _finding(f"{spec.language.value}.definition", FindingKind.ALGORITHM, path, line,
                           column, evidence, algorithm, self.reader.primitive(algorithm),
                           Confidence.MEDIUM)


def _encloses(outer: Use, inner: Use) -> bool:
    """True when ``outer`` spans the name ``inner`` and names the same algorithms."""
    a, b = outer.site.node, inner.site.node
    return (inner.site.on is MatchOn.REFERENCE
            and a.start_byte <= b.start_byte and b.end_byte <= a.end_byte
            and (a.start_byte, a.end_byte) != (b.start_byte, b.end_byte)
            and bool(inner.algorithms) and set(inner.algorithms) <= set(outer.algorithms))


def _qualifier(name: Node) -> str:
    """The member a defined name hangs on: ``sha512`` for ``forge.sha512.sha224 = ...``."""
    parent = name.parent
    owner = parent.child_by_field_name("object") if parent is not None else None
    if owner is None or owner == name:
        return ""
    last = owner.child_by_field_name("property") or owner.child_by_field_name("attribute")
    node = last if last is not None else owner
    return node.text.decode("utf-8", "replace") if node.text and len(node.text) < 64 else ""


def _is_property(definition: Node) -> bool:
    """A Python ``@property`` or a JavaScript/TypeScript getter: it returns, not computes."""
    parent = definition.parent
    if parent is not None and parent.type == "decorated_definition":
        return any(d.text is not None and d.text.strip() in (b"@property", b"@cached_property")
                   for d in parent.named_children if d.type == "decorator")
    return any(c.type == "get" for c in definition.children[:3])


def _finding(rule: str, kind: FindingKind, path: str, line: int, column: int, evidence: str,
             algorithm: str | None, primitive: str | None, confidence: Confidence, *,
             mode: str | None = None, padding: str | None = None, key_bits: int | None = None,
             curve: str | None = None) -> Finding:
    return Finding(
        id=Finding.make_id(rule, path, line, column, evidence, algorithm),
        detector=DETECTOR, rule=rule, kind=kind, algorithm=algorithm, primitive=primitive,
        mode=mode, padding=padding, key_bits=key_bits, curve=curve, path=path, line=line,
        column=column, evidence=evidence, confidence=confidence,
    )


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[str] = set()
    out: list[Finding] = []
    for finding in findings:
        if finding.id not in seen:
            seen.add(finding.id)
            out.append(finding)
    return out


_HASH_COMMENT = frozenset({Language.PYTHON})
_IDENT_OR_DOT = NAME_BYTES | {ord(".")}


def _inside(data: bytes, end: int) -> int:
    """An offset inside the name that a hit ending at ``end`` found (boundaries included)."""
    position = min(end, len(data)) - 1
    while position > 0 and data[position] not in NAME_BYTES:
        position -= 1
    return position


_DOCSTRING = re.compile(rb'""".*?"""' + rb"|'{3}.*?'{3}", re.DOTALL)


class _BlockComments:
    """Whether an offset lies in a block comment (``/* */``) or a Python triple-quoted string.

    C-like languages look back from the offset for the nearest ``/*`` (within 64 KiB) and
    check it is not closed before the offset; Python's triple quotes are paired once per file.
    """

    _WINDOW = 65536

    def __init__(self, data: bytes, language: Language) -> None:
        self.data = data
        self.python = language is Language.PYTHON
        self.starts: list[int] = []
        self.ends: list[int] = []
        if self.python:
            for found in _DOCSTRING.finditer(data):
                self.starts.append(found.start())
                self.ends.append(found.end())

    def inside(self, offset: int) -> bool:
        if self.python:
            index = bisect.bisect_right(self.starts, offset) - 1
            return index >= 0 and offset < self.ends[index]
        opened = self.data.rfind(b"/*", max(0, offset - self._WINDOW), offset)
        if opened < 0:
            return False
        closed = self.data.find(b"*/", opened + 2, offset)
        return closed < 0


_DEFINED_BEFORE = re.compile(
    rb"(?:\bdef|\bclass|\bfunction\*?|\bfunc|\bstruct|\bunion|\benum|\bnamespace|\bmodule"
    rb"|#\s*define|\brecord|\bobject|\btrait|\bimpl)\s+(?:\([^)]*\)\s*)?[\w$]*$")
_DEFINED_AFTER = re.compile(rb"[\w$]*(?:\.[\w$]+)*\s*(?::(?!:)|=(?![=>]))")
_CALLED_AFTER = re.compile(rb"[\w$]*\s*\(")
_NOT_A_DECLARATION = re.compile(rb"(?:[.=(,!&|?:+\-*/<>\[]|\breturn|\bawait|\bnew)\s*[\w$]*$")


def _looks_defined(data: bytes, offset: int) -> bool:
    """A cheap look at the line: could the name at ``offset`` be what a definition names?"""
    line_start = data.rfind(b"\n", 0, offset) + 1
    start = offset
    while start > line_start and data[start - 1] in NAME_BYTES:
        start -= 1
    before = data[max(line_start, start - 160):start]
    after = data[start:start + 160]
    if _DEFINED_BEFORE.search(before) or _DEFINED_AFTER.match(after):
        return True
    # a function or method: `void sm3_hash(`, `sm3_hash(` at the start of a line
    return _CALLED_AFTER.match(after) is not None and not _NOT_A_DECLARATION.search(before)


def _maybe_code(data: bytes, offset: int, language: Language, *, strings: bool = False) -> bool:
    """False when a hit is plainly inside a line comment or a string on its own line.

    A cheap lexical look at the line before the hit; anything it cannot rule out (block
    comments, multi-line strings) counts as code, so this only ever saves a parse.
    """
    start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[start:offset]
    if len(prefix) > 400:
        return True
    quote = 0
    index = 0
    while index < len(prefix):
        char = prefix[index]
        if quote:
            if char == 92:  # backslash escapes the next byte
                index += 1
            elif char == quote:
                quote = 0
        elif char in (34, 39, 96) and not strings:
            quote = char
        elif (char == 35 and language in _HASH_COMMENT) or (
                char == 47 and prefix[index + 1:index + 2] == b"/"):
            return False
        index += 1
    return quote == 0


def _alias_points(imports: ImportTable, rules: LanguageRules, data: bytes) -> list[int]:
    """Where names bound by imports of a rule library are used (``A`` of ``import ... as A``)."""
    if not rules.modules:
        return []
    names = [local for local, target in imports.aliases.items()
             if _within(target, rules.modules)]
    if not names:
        return []
    offsets: list[int] = []
    for name in names:  # bytes.find runs in C; a few names, each found where it stands alone
        raw = name.encode()
        position = data.find(raw)
        while position >= 0:
            end = position + len(raw)
            if (position == 0 or data[position - 1] not in _IDENT_OR_DOT) and (
                    end >= len(data) or data[end] not in NAME_BYTES):
                offsets.append(position)
            position = data.find(raw, end)
    return offsets


_MODULE_SEPARATORS = re.compile(r"[./]")


def _within(target: str, modules: set[str]) -> bool:
    """True when ``target`` is one of ``modules`` or inside one (``a.b.C`` in ``a.b``)."""
    if target in modules:
        return True
    return any(target[:found.start()] in modules
               for found in _MODULE_SEPARATORS.finditer(target))


def _follow_points(evaluator: FileEvaluator, rules: LanguageRules, data: bytes) -> list[int]:
    methods = {f.method for use in evaluator.bindings.values() for f in use.rule.rule.follow}
    if not methods:
        return []
    variables = sorted(evaluator.bindings, key=len, reverse=True)
    pattern = re.compile(
        rb"(?<![A-Za-z0-9_$])(?:" + b"|".join(re.escape(v.encode()) for v in variables)
        + rb")\s*(?:\.|->)\s*(" + b"|".join(re.escape(m.encode()) for m in sorted(methods))
        + rb")(?![A-Za-z0-9_$])")
    return [m.start(1) for m in pattern.finditer(data)]


def _regions(points: list[tuple[int, bool]], size: int, width: int) -> list[tuple[int, int]]:
    regions: list[tuple[int, int]] = []
    for offset, _ in sorted(points):
        start, end = max(0, offset - width // 2), min(size, offset + width // 2)
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], end))
        else:
            regions.append((start, end))
    return regions


class _LineIndex:
    """Line and column of absolute offsets in a large file (counted on demand)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def of(self, offset: int) -> tuple[int, int]:
        line_start = self.data.rfind(b"\n", 0, offset) + 1
        return self.data.count(b"\n", 0, offset) + 1, offset - line_start + 1


class _Positions:
    """Maps nodes of a (possibly partial) parse to 1-based lines and columns of the file."""

    def __init__(self, base: int, lines: _LineIndex | None) -> None:
        self.base = base
        self.lines = lines

    def of(self, node: Node) -> tuple[int, int]:
        if self.lines is None:
            row, column = node.start_point
            return row + 1, column + 1
        return self.lines.of(self.base + node.start_byte)
