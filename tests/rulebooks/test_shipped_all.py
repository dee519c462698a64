"""Every shipped rulebook loads, cites its sources and says what is unverified."""

from __future__ import annotations

from anke.catalog import load_catalog
from anke.rulebooks.loader import DATA_DIR, shipped_rulebooks
from anke.rulebooks.model import AlgorithmsCheck, AttestedCheck

SHIPPED = {"cn-cbrc-317", "cn-gbt-39786-2021", "us-nist-sp800-131a-r2", "us-cnsa-2.0"}


def test_the_four_rulebooks_are_shipped() -> None:
    assert set(shipped_rulebooks()) >= SHIPPED
    for rulebook_id in SHIPPED:
        assert (DATA_DIR / f"{rulebook_id}.yaml").is_file()


def test_every_control_cites_a_declared_source() -> None:
    for rulebook_id in SHIPPED:
        loaded = shipped_rulebooks()[rulebook_id]
        sources = {source.id for source in loaded.rulebook.sources}
        for version in loaded.versions():
            assert version.controls, version.label
            for control in version.controls:
                assert control.citation.source in sources, (version.label, control.id)


def test_every_file_says_where_its_facts_come_from() -> None:
    for rulebook_id in SHIPPED:
        text = (DATA_DIR / f"{rulebook_id}.yaml").read_text(encoding="utf-8")
        assert text.startswith("# anke rulebook:"), rulebook_id
        assert "Where the facts come from" in text, rulebook_id
        assert "UNVERIFIED" in text, rulebook_id


def test_automatic_checks_speak_catalog_names() -> None:
    catalog = load_catalog()
    for rulebook_id in SHIPPED:
        for version in shipped_rulebooks()[rulebook_id].versions():
            for control in version.controls:
                for check in control.checks:
                    if isinstance(check, AttestedCheck):
                        continue
                    if isinstance(check, AlgorithmsCheck):
                        for selector in (check.scope, check.allowed, check.forbidden,
                                         check.required):
                            for name in selector.names if selector else ():
                                found = catalog.algorithm(name)
                                assert found is not None and found.name == name


def test_only_the_cbrc_what_if_is_hypothetical() -> None:
    hypothetical = {(rulebook_id, version.version)
                    for rulebook_id in SHIPPED
                    for version in shipped_rulebooks()[rulebook_id].rulebook.versions
                    if version.hypothetical}
    assert hypothetical == {("cn-cbrc-317", "2015-draft-hypothetical")}
