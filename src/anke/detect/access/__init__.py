"""The ``access`` detector: hard-coded credentials and hidden remote-access indicators."""

from anke.detect.access.detector import AccessDetector

__all__ = ["AccessDetector"]
