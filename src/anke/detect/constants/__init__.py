"""The constants detector: algorithm constants (S-boxes, IVs, round constants, curve
parameters) kept as data and found in any bytes."""

from anke.detect.constants.detector import ConstantsDetector, ConstantsLimits

__all__ = ["ConstantsDetector", "ConstantsLimits"]
