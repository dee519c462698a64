"""The bytecode detector: cryptographic API calls in compiled Java classes, without source.

Stage one is the constant pool: a class whose method, field and constructor references
match no rule (and whose name defines no algorithm) is done once the pool is read.  Stage
two walks the methods that refer to a matching reference, reading constant arguments off
an abstract operand stack, and reports what the Java source rules would have reported,
located by class, method and source line (from the LineNumberTable, else the bytecode
offset).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from anke.catalog import Catalog, load_catalog
from anke.detect.base import Detection
from anke.detect.classfile.bytecode import walk
from anke.detect.classfile.definitions import defined_algorithms
from anke.detect.classfile.reader import (
    ACC_MODULE,
    FIELDREF,
    INTERFACE_METHODREF,
    METHODREF,
    ClassFile,
    ClassFormatError,
    Code,
    Limits,
    Member,
    is_class_file,
    parse_class,
)
from anke.detect.classfile.resolve import MethodEvaluator, RuleMatcher, Use, dotted
from anke.detect.source_api.names import PUBLIC_KEY_PADDINGS, NameReader, reader_for
from anke.findings.model import Confidence, Finding, FindingKind, Skipped
from anke.rules import load_rules
from anke.rules.loader import RuleSet
from anke.rules.model import Language, MatchOn

DETECTOR = "bytecode"
DEFINITION_RULE = "bytecode.definition"
_INVOKE_OPS: tuple[int, ...] = (0xb6, 0xb7, 0xb8, 0xb9)
_FIELD_OPS: tuple[int, ...] = (0xb2,)


@dataclass(frozen=True)
class BytecodeLimits:
    """Bounds of the bytecode detector."""

    parse: Limits = field(default_factory=Limits)
    max_methods: int = 20_000  # methods walked per class
    max_findings: int = 10_000  # per class


class ClassFileDetector:
    """Finds crypto API uses and algorithm implementations in ``.class`` members."""

    name = DETECTOR

    def __init__(self, rules: RuleSet | None = None, catalog: Catalog | None = None,
                 limits: BytecodeLimits | None = None) -> None:
        self.catalog = catalog or load_catalog()
        self.reader: NameReader = reader_for(self.catalog)
        rule_set = rules or load_rules()
        self.matcher = RuleMatcher(rule_set.for_language(Language.JAVA), self.reader)
        self.limits = limits or BytecodeLimits()
        self._rules_digest = rule_set.language_digest(Language.JAVA)

    def cache_scope(self, path: str, head: bytes) -> str:
        """What of the rules judges a member, for the result cache: the Java rules."""
        return self._rules_digest

    def handles(self, path: str, head: bytes) -> bool:
        """``.class`` members, and anything that starts like a class file."""
        return path.endswith(".class") or is_class_file(head)

    def detect(self, path: str, data: bytes) -> Detection:
        """Findings in one class file; a malformed one gives a note, never an exception."""
        detection = Detection()
        try:
            cls = parse_class(data, self.limits.parse)
        except ClassFormatError as exc:
            detection.notes.append(Skipped(path=path, reason=f"malformed class file: {exc}"))
            return detection
        if cls.access & ACC_MODULE:
            return detection
        for algorithm in defined_algorithms(cls, self.matcher):
            evidence = f"class {cls.dotted_name}"
            detection.findings.append(self._finding(
                DEFINITION_RULE, FindingKind.ALGORITHM, path, None, None, evidence, algorithm,
                self.reader.primitive(algorithm), Confidence.MEDIUM))
        try:
            wanted = self._wanted(cls)
        except ClassFormatError as exc:
            detection.notes.append(Skipped(path=path, reason=f"malformed class file: {exc}"))
            return detection
        if not wanted:
            return detection
        seen: set[str] = set()
        walked = 0
        for method in cls.methods:
            code = method.code
            if code is None or not _refers(code.code, wanted):
                continue
            walked += 1
            detection.parsed = True  # stage two: the bytecode is walked
            if walked > self.limits.max_methods:
                detection.notes.append(Skipped(path=path, reason="degraded: more than "
                                               f"{self.limits.max_methods} methods to walk"))
                break
            evaluator = MethodEvaluator(self.matcher)
            try:
                walk(code, cls.pool, evaluator)
            except ClassFormatError as exc:
                detection.notes.append(Skipped(
                    path=path, reason=f"malformed bytecode in {method.name}{method.descriptor}: "
                    f"{exc}"))
                continue
            for finding in self._use_findings(path, cls, method, code, evaluator):
                if finding.id not in seen and len(seen) < self.limits.max_findings:
                    seen.add(finding.id)
                    detection.findings.append(finding)
        return detection

    def _wanted(self, cls: ClassFile) -> set[bytes]:
        """Operand bytes (opcode + pool index) of the references some rule matches."""
        wanted: set[bytes] = set()
        pool = cls.pool
        for index, entry in enumerate(pool.entries):
            if entry is None or entry[0] not in (METHODREF, INTERFACE_METHODREF, FIELDREF):
                continue
            owner, name, _descriptor = pool.member_ref(index)
            if entry[0] == FIELDREF:
                qualified, on, ops = f"{dotted(owner)}.{name}", MatchOn.REFERENCE, _FIELD_OPS
            elif name == "<init>":
                qualified, on, ops = dotted(owner), MatchOn.NEW, _INVOKE_OPS
            else:
                qualified, on, ops = f"{dotted(owner)}.{name}", MatchOn.CALL, _INVOKE_OPS
            if self.matcher.match(qualified, on) is not None:
                raw = index.to_bytes(2, "big")
                wanted.update(bytes((op,)) + raw for op in ops)
        return wanted

    def _use_findings(self, path: str, cls: ClassFile, method: Member, code: Code,
                      evaluator: MethodEvaluator) -> Iterable[Finding]:
        where = f"{cls.dotted_name}.{method.name}()"
        for use in evaluator.uses:
            if use.consumed or use.dropped or not use.rule.rule.emit:
                continue
            evaluator.finish(use)
            line = code.line_at(use.pc)
            offset = None if line is not None else use.pc
            evidence = _cut(f"{where}: {use.text}")
            yield from self._emit(path, use, line, offset, evidence)

    def _emit(self, path: str, use: Use, line: int | None, offset: int | None,
              evidence: str) -> Iterable[Finding]:
        rule = use.rule.rule
        reader = self.reader
        if not use.algorithms:
            if rule.kind is not FindingKind.ALGORITHM:
                yield self._finding(rule.id, rule.kind, path, line, offset, evidence, None, None,
                                    use.confidence)
                return
            name = use.unknown
            yield self._finding(rule.id, rule.kind, path, line, offset, evidence,
                                name.upper() if name else None, rule.primitive, Confidence.LOW)
            return
        keyed = next((a for a in use.algorithms
                      if reader.primitive(a) not in ("hash", "xof")), use.algorithms[0])
        block = next((a for a in use.algorithms if reader.is_block_cipher(a)), None)
        sized = block or keyed
        padded = (next((a for a in use.algorithms if not reader.is_block_cipher(a)
                        and reader.primitive(a) not in ("hash", "xof")), sized)
                  if use.padding in PUBLIC_KEY_PADDINGS else sized)
        for algorithm in use.algorithms:
            primary = algorithm == keyed
            yield self._finding(
                rule.id, rule.kind, path, line, offset, evidence, algorithm,
                (rule.primitive if primary and rule.primitive else reader.primitive(algorithm)),
                use.confidence,
                mode=use.mode if algorithm == block else None,
                padding=use.padding if algorithm == padded else None,
                key_bits=use.key_bits if algorithm == sized else None,
                curve=use.curve if primary and algorithm != block else None,
            )

    @staticmethod
    def _finding(rule: str, kind: FindingKind, path: str, line: int | None, offset: int | None,
                 evidence: str, algorithm: str | None, primitive: str | None,
                 confidence: Confidence, *, mode: str | None = None,
                 padding: str | None = None, key_bits: int | None = None,
                 curve: str | None = None) -> Finding:
        return Finding(
            id=Finding.make_id(rule, path, line, offset, evidence, algorithm),
            detector=DETECTOR, rule=rule, kind=kind, algorithm=algorithm, primitive=primitive,
            mode=mode, padding=padding, key_bits=key_bits, curve=curve, path=path, line=line,
            column=None, offset=offset, evidence=evidence, confidence=confidence,
        )


def _refers(code: bytes, wanted: set[bytes]) -> bool:
    """True when the code may use one of the wanted references (a cheap byte search)."""
    return any(needle in code for needle in wanted)


def _cut(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
