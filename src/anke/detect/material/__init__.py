"""The ``material`` detector: certificates, keys and keystores in shipped files."""

from anke.detect.material.detector import MaterialDetector

__all__ = ["MaterialDetector"]
