"""Where in a product a member sits: shipped code, or tests, documentation and examples.

A hard-coded password in a test fixture, or ``eval(atob(...))`` in a README, is still worth
listing, but an inspector triages it differently from the same line in product code. The
engine marks every finding with the :class:`~anke.findings.model.Context` of its member's
path; rulebooks and reports may then weigh it. The judgement is by path alone (folder and
file-name conventions of the common ecosystems), so it is cheap and the same for every
detector.
"""

from __future__ import annotations

import re

from anke.findings.model import Context

# Folder names, compared case-insensitively.
_TEST_DIRS = frozenset({
    "test", "tests", "testing", "__tests__", "__test__", "spec", "specs", "testdata",
    "test-data", "test_data", "testfiles", "test-files", "fixtures", "__fixtures__",
    "testsuite", "test-suite", "unittest", "unittests", "unit-tests", "integration-tests",
    "androidtest", "testcases", "test-vectors", "testvectors", "kat", "cavp", "wycheproof",
    "__mocks__", "mocks",
})
_DOC_DIRS = frozenset({"doc", "docs", "documentation", "man", "manual", "javadoc", "apidocs",
                       "godoc", "site-docs", "_docs"})
_EXAMPLE_DIRS = frozenset({"example", "examples", "sample", "samples", "demo", "demos",
                           "tutorial", "tutorials", "snippets", "cookbook"})

# File names: test modules of each ecosystem, and documentation formats.
_TEST_FILE = re.compile(
    r"(?:^test_.*\.py$|_test\.(?:py|go|c|cc|cpp|rs|rb|exs?)$|_tests?\.py$"
    r"|\.(?:test|spec)\.(?:[cm]?[jt]sx?)$"
    r"|(?:Test|Tests|TestCase|IT|Spec)\.(?:java|kt|scala|groovy|cs|fs|vb|swift)$"
    r"|^conftest\.py$)"
)
_EXAMPLE_FILE = re.compile(r"^(?:example|sample|demo)[s]?[_.-]", re.IGNORECASE)
_DOC_SUFFIXES = (".md", ".markdown", ".rst", ".adoc", ".asciidoc", ".txt", ".texi",
                 ".texinfo", ".man", ".pod", ".ipynb")
_DOC_NAMES = frozenset({"readme", "changelog", "changes", "news", "history", "authors",
                        "contributing", "faq", "install", "usage"})


def _components(path: str) -> list[str]:
    return [part for part in re.split(r"!/|/|\\", path) if part and part != "."]


def context_of(path: str) -> Context | None:
    """The context of a report path (``a.zip!/src/test/java/FooTest.java`` -> test)."""
    parts = _components(path)
    if not parts:
        return None
    name = parts[-1]
    lowered = name.lower()
    if _TEST_FILE.search(name):
        return Context.TEST
    folders = [part.lower() for part in parts[:-1]]
    for folder in reversed(folders):  # the innermost convention wins
        if folder in _TEST_DIRS:
            return Context.TEST
        if folder in _EXAMPLE_DIRS:
            return Context.EXAMPLE
        if folder in _DOC_DIRS:
            return Context.DOCS
    stem = lowered.rsplit(".", 1)[0]
    # a .txt or suffix-less file is documentation only by name (README, not requirements.txt)
    by_suffix = lowered.endswith(_DOC_SUFFIXES) and not lowered.endswith(".txt")
    if by_suffix or (stem in _DOC_NAMES and (lowered.endswith(".txt") or "." not in lowered)):
        return Context.DOCS
    if _EXAMPLE_FILE.match(name):
        return Context.EXAMPLE
    return None
