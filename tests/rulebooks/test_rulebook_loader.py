"""Rulebook files: validation errors that name file and place, inheritance, schemas."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from anke.errors import DataFileError
from anke.rulebooks.loader import UnknownRulebook, find_rulebook, load_rulebook_file
from anke.rulebooks.schema import SCHEMAS, path_of, render
from sample_rulebook import SAMPLE, write_sample


def test_the_sample_loads_and_inherits(tmp_path: Path) -> None:
    loaded = load_rulebook_file(write_sample(tmp_path))
    base = [c.id for c in loaded.resolve("v1").controls]
    assert "filing" in base
    revised = [c.id for c in loaded.resolve("v2").controls]
    assert revised == [c for c in base if c != "filing"]
    assert loaded.resolve("v2").targets == loaded.resolve("v1").targets


@pytest.mark.parametrize(("change", "where", "problem"), [
    (("{source: guide, locator: \"3.1\"}", "{source: nowhere}"),
     "versions[0](v1).controls[0](no-md5).citation.source", "unknown source 'nowhere'"),
    (("names: [MD5]", "names: [MD55]"),
     "versions[0](v1).controls[0](no-md5).checks[0].forbidden", "'MD55' is not a catalog"),
    (("names: [MD5]", "names: [md5]"),
     "versions[0](v1).controls[0](no-md5).checks[0].forbidden", "canonical name 'MD5'"),
    (("allowed: [P-256, SM2P256V1]", "allowed: [P-257]"),
     "versions[0](v1).controls[3](curves).checks[0].allowed", "not a catalog curve"),
    (("categories: [os]\n        applies", "categories: [mainframe]\n        applies"),
     "versions[0](v1).controls[7](filing).categories", "undeclared category"),
    (("drop: [filing]\n    events:\n      - {type: draft",
      "drop: [nothing]\n    events:\n      - {type: draft"),
     "versions[1](v2-draft).drop", "v1 has no control 'nothing'"),
    (("based_on: v1\n    drop: [filing]\n    events:\n      - {type: reissued",
      "based_on: v9\n    drop: [filing]\n    events:\n      - {type: reissued"),
     "versions[2](v2).based_on", "not an earlier version"),
    (("{type: issued, date: 2020-01-01}", "{type: issued, date: 2018-01-01}"),
     "versions[0](v1).events", "date order"),
    (("{type: effective, date: 2020-02-01}", "{type: in-effect, date: 2020-02-01}"),
     "versions[0](v1).events[2].type", "Input should be"),
    (("min_bits: 2048", "min_bits: -1"),
     "versions[0](v1).controls[2](rsa-size).checks[0].key-sizes.min_bits", "greater than 0"),
])
def test_errors_name_the_file_the_place_and_the_problem(
        tmp_path: Path, change: tuple[str, str], where: str, problem: str) -> None:
    old, new = change
    assert old in SAMPLE
    path = write_sample(tmp_path, SAMPLE.replace(old, new, 1))
    with pytest.raises(DataFileError) as caught:
        load_rulebook_file(path)
    assert caught.value.path == str(path)
    assert caught.value.where == where
    assert problem in caught.value.problem


def test_unknown_names_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(UnknownRulebook, match="no rulebook 'nope'"):
        find_rulebook("nope")
    loaded = load_rulebook_file(write_sample(tmp_path))
    with pytest.raises(UnknownRulebook, match="has no version 'v7'"):
        loaded.resolve("v7")


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_published_schemas_are_what_the_models_generate(kind: str) -> None:
    assert path_of(kind).read_text(encoding="utf-8") == render(kind), (
        "regenerate with: .venv/bin/python -c 'from anke.rulebooks.schema import write_all; "
        "write_all()'")
    assert json.loads(render(kind))["$schema"].endswith("2020-12/schema")


def test_the_sample_validates_against_the_published_schema(tmp_path: Path) -> None:
    schema = json.loads(path_of("rulebook").read_text(encoding="utf-8"))
    document = json.loads(json.dumps(yaml.safe_load(SAMPLE), default=str))
    jsonschema.validate(document, schema)
    broken = dict(document, versions="none")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
