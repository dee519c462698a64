"""The ``manifests`` detector: declared dependencies on cryptographic libraries."""

from anke.detect.manifests.detector import ManifestsDetector

__all__ = ["ManifestsDetector"]
