"""The ``symbols`` detector: what native binaries say about their cryptography by name."""

from anke.detect.symbols.detector import SymbolsDetector

__all__ = ["SymbolsDetector"]
