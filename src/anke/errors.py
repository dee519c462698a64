"""Errors that the command line turns into one-line messages."""

from __future__ import annotations


class AnkeError(Exception):
    """Base of every error anke reports to a user as one line."""


class DataFileError(AnkeError):
    """A data file (rules, catalog) is missing, unreadable or invalid.

    The message names the file, the path inside it and what was expected.
    """

    def __init__(self, path: str, where: str, problem: str) -> None:
        self.path = path
        self.where = where
        self.problem = problem
        location = f"{path}: {where}" if where else path
        super().__init__(f"{location}: {problem}")
