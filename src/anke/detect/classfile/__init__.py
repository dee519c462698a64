"""The bytecode detector: crypto API uses and algorithm implementations in JVM class files."""

from anke.detect.classfile.detector import ClassFileDetector

__all__ = ["ClassFileDetector"]
