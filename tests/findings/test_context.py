"""Which findings sit in tests, documentation or examples, judged by path."""

from __future__ import annotations

import pytest

from anke.findings.context import context_of
from anke.findings.model import Context


@pytest.mark.parametrize(("path", "expected"), [
    ("src/auth/login.py", None),
    ("tests/test_login.py", Context.TEST),
    ("pkg/auth/login_test.go", Context.TEST),
    ("app.jar!/src/test/java/com/acme/LoginTest.java", Context.TEST),
    ("web/src/login.spec.ts", Context.TEST),
    ("lib/testdata/server.pem", Context.TEST),
    ("x.deb!/data.tar.xz!/usr/share/doc/libssl3/README.md", Context.DOCS),
    ("README", Context.DOCS),
    ("docs/usage.rst", Context.DOCS),
    ("CHANGELOG.md", Context.DOCS),
    ("requirements.txt", None),
    ("install.sh", None),
    ("Makefile", None),
    ("examples/client.c", Context.EXAMPLE),
    ("docs/examples/client.c", Context.EXAMPLE),
    ("examples/tests/x.py", Context.TEST),
    ("src/contest/score.py", None),
    ("src/latest/x.go", None),
])
def test_context_of_path(path: str, expected: Context | None) -> None:
    assert context_of(path) is expected
