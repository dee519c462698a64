"""Detectors: pure functions from one member's bytes and context to findings."""
