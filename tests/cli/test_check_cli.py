"""``anke check`` and ``anke rulebook`` end to end: verdicts, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anke.cli.main import main
from anke.evaluation.result import Evaluation
from sample_rulebook import write_sample


@pytest.fixture
def product(tmp_path: Path) -> Path:
    root = tmp_path / "product"
    root.mkdir()
    (root / "hash.py").write_text("import hashlib\nhashlib.md5(b'x')\n")
    return root


def test_check_a_tree_fails_with_exit_1(product: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    book = write_sample(tmp_path)
    code = main(["check", str(product), "--rulebook", str(book), "--as-of", "2020-03-01",
                 "-j", "1"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("sample-book version v1 (First text) is in force on 2020-03-01")
    assert "forbidden algorithm MD5: hash.py:2" in out
    assert "overall: FAIL" in out
    assert "excluded by the rulebook: surveillance ports" in out


def test_check_reads_a_findings_file_and_writes_json(product: Path, tmp_path: Path) -> None:
    findings = tmp_path / "findings.json"
    assert main(["scan", str(product), "--format", "json", "-o", str(findings), "-j", "1"]) == 0
    out = tmp_path / "verdict.json"
    code = main(["check", str(findings), "--rulebook", str(write_sample(tmp_path)),
                 "--as-of", "2021-02-01", "--format", "json", "-o", str(out)])
    result = Evaluation.model_validate_json(out.read_text())
    assert (code, result.overall.value, result.if_in_force) == (4, "suspended", "fail")
    assert result.rulebook.version == "v1"


def test_what_if_lists_the_controls_that_change(product: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(product), "--rulebook", str(write_sample(tmp_path)),
                 "--as-of", "2020-03-01", "--category", "os", "--what-if", "v2-draft", "-j", "1"])
    out = capsys.readouterr().out
    assert code == 1
    assert "what-if: sample-book@v1 -> sample-book@v2-draft" in out
    assert "not in sample-book@v2-draft" in out
    assert "overall under sample-book@v2-draft: NOT-IN-FORCE (were it in force: FAIL)" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["check", "PRODUCT", "--rulebook", "no-such-book"], "no rulebook 'no-such-book'"),
    (["check", "PRODUCT", "--rulebook", "BOOK", "--version", "v9"], "has no version 'v9'"),
    (["check", "PRODUCT", "--rulebook", "BOOK", "--as-of", "2020-13-01"], "not a date"),
    (["check", "PRODUCT", "--rulebook", "BOOK", "--evidence", "missing.yaml"],
     "no such evidence file"),
    (["check", "BAD_JSON", "--rulebook", "BOOK"], "not an anke scan document"),
    (["rulebook", "validate", "BAD_BOOK"], "controls[0](no-md5).citation.source: unknown"),
    (["rulebook", "show", "BOOK", "--version", "v9"], "has no version 'v9'"),
])
def test_bad_input_is_one_line_and_exit_2(argv: list[str], message: str, product: Path,
                                          tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    book = write_sample(tmp_path)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text(json.dumps({"findings": "none"}))
    bad_book = tmp_path / "bad" / "book.yaml"
    bad_book.parent.mkdir()
    write_sample(bad_book.parent).rename(bad_book)
    bad_book.write_text(bad_book.read_text().replace("{source: guide, locator: \"3.1\"}",
                                                     "{source: nowhere}"))
    names = {"PRODUCT": str(product), "BOOK": str(book), "BAD_JSON": str(bad_json),
             "BAD_BOOK": str(bad_book)}
    code = _run([names.get(arg, arg) for arg in argv])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and message in err, err


def _run(argv: list[str]) -> int:
    """``main``, with argparse's own exits turned into exit codes."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def test_rulebook_show_diff_and_schema(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    book = str(write_sample(tmp_path))
    assert main(["rulebook", "show", book]) == 0
    shown = capsys.readouterr().out
    assert "version v2-draft: Revised draft (based on v1) [HYPOTHETICAL: not a real text]" in shown
    assert "  2021-01-01 suspended: to be revised" in shown
    assert main(["rulebook", "diff", book, "v1", "v2"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "sample-book@v1 -> sample-book@v2", "- control filing: Source filing"]
    assert main(["rulebook", "validate", book]) == 0
    assert "valid rulebook sample-book (3 versions)" in capsys.readouterr().out
    assert main(["rulebook", "schema", "evidence"]) == 0
    assert json.loads(capsys.readouterr().out)["$id"] == "urn:anke:schema:evidence"
