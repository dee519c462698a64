"""The scan session: inputs -> members -> detectors -> findings, over a process pool."""

from anke.engine.session import ScanOptions, scan_paths

__all__ = ["ScanOptions", "scan_paths"]
