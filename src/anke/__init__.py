"""anke: inspect vendor software for cryptography and judge it against technology rules."""

__version__ = "0.1.0"
