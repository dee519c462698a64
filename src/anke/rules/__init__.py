"""Detection rules: one validated data file per cryptographic library."""

from anke.rules.loader import CompiledRule, RuleSet, load_rules

__all__ = ["CompiledRule", "RuleSet", "load_rules"]
