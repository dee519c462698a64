"""The result cache: hits give what a fresh scan gives, a rule file's change invalidates the
results of its own languages only, the store stays bounded, survives concurrent writers and
corruption."""

from __future__ import annotations

import itertools
import multiprocessing
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from anke.detect.base import Detection
from anke.detect.classfile import ClassFileDetector
from anke.detect.constants import ConstantsDetector
from anke.detect.manifests import ManifestsDetector
from anke.detect.source_api.detector import SourceDetector
from anke.engine import ScanOptions, result_keys, scan_paths
from anke.engine import inspect as inspect_module
from anke.engine.executors import local as local_executor
from anke.engine.result_cache import FILE_NAME, CacheSpec, SqliteStore, open_store
from anke.engine.session import scan_listing
from anke.findings.model import ScanDocument
from anke.rules import load_rules
from anke.rules.loader import DATA_DIR as RULES_DIR
from anke.rules.loader import RuleSet, load_rules_dir
from anke.rules.model import Language
from anke.service.db.migrate import upgrade
from anke.service.db.result_cache import DatabaseStore
from anke.service.db.session import Database

PYTHON = "import hashlib\nfrom Crypto.Cipher import AES\n\n" \
         "def seal(key, data):\n    hashlib.md5(data)\n    return AES.new(key, AES.MODE_ECB)\n"
JAVA = "import javax.crypto.Cipher;\nclass A {\n  void f() throws Exception {\n" \
       "    Cipher c = Cipher.getInstance(\"DES/CBC/PKCS5Padding\");\n  }\n}\n"
PACKAGE = '{"name": "app", "version": "1.0.0", "dependencies": {"crypto-js": "^4.2.0"}}\n'
SBOX = "static const unsigned char sbox[256] = {" + ", ".join(
    f"0x{b:02x}" for b in bytes.fromhex(
        "637c777bf26b6fc53001672bfed7ab76ca82c97dfa5947f0add4a2af9ca472c0"
        "b7fd9326363ff7cc34a5e5f171d8311504c723c31896059a071280e2eb27b275"
        "09832c1a1b6e5aa0523bd6b329e32f8453d100ed20fcb15b6acbbe394a4c58cf"
        "d0efaafb434d338545f9027f503c9fa851a3408f929d38f5bcb6da2110fff3d2"
        "cd0c13ec5f974417c4a77e3d645d197360814fdc222a908846eeb814de5e0bdb"
        "e0323a0a4906245cc2d3ac629195e479e7c8376d8dd54ea96c56f4ea657aae08"
        "ba78252e1ca6b4c6e8dd741f4bbd8b8a703eb5664803f60e613557b986c11d9e"
        "e1f8981169d98e949b1e87e9ce5528df8ca1890dbfe6426841992d0fb054bb16")) + "};\n"


def _tree(root: Path, archive: str) -> Path:
    """A small product: source files, a manifest, a C table, and the same again in a zip."""
    files = {"app/seal.py": PYTHON, "src/A.java": JAVA, "package.json": PACKAGE,
             "native/aes.c": SBOX}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    with zipfile.ZipFile(root / archive, "w") as bundle:
        for name, text in files.items():
            bundle.writestr(f"lib/{name}", text)
    return root


def _findings(document: ScanDocument) -> list[dict[str, object]]:
    return [finding.model_dump() for finding in document.findings]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """How often each detector really ran (not answered from the cache)."""
    counts: dict[str, int] = {}
    def spying(name: str, original: Callable[[Any, str, bytes], Detection]
               ) -> Callable[[Any, str, bytes], Detection]:
        def spy(self: Any, path: str, data: bytes) -> Detection:
            counts[name] = counts.get(name, 0) + 1
            return original(self, path, data)
        return spy

    kinds: tuple[Any, ...] = (SourceDetector, ConstantsDetector, ManifestsDetector)
    for kind in kinds:
        monkeypatch.setattr(kind, "detect", spying(kind.__name__, kind.detect))
    yield counts


def _scan(path: Path, cache: CacheSpec | None) -> ScanDocument:
    return scan_paths([path], ScanOptions(jobs=1, cache=cache))


def test_a_hit_gives_what_a_fresh_scan_gives_under_any_path(
        tmp_path: Path, calls: dict[str, int]) -> None:
    cache = CacheSpec("sqlite", str(tmp_path / "cache"))
    first = _tree(tmp_path / "product-1.0", "bundle-1.0.zip")
    fresh = _scan(first, None)
    assert {f.detector for f in fresh.findings} >= {"source-api", "constants", "manifests"}
    assert _findings(_scan(first, cache)) == _findings(fresh)  # cold: fills the cache
    calls.clear()
    assert _findings(_scan(first, cache)) == _findings(fresh)
    assert calls == {}  # every result came from the cache
    moved = _tree(tmp_path / "elsewhere" / "product-2.0", "bundle-2.0.zip")  # same bytes
    again = _scan(moved, cache)
    assert calls == {}
    assert _findings(again) == _findings(_scan(moved, None))
    zipped = {f.id for f in again.findings if f.path.startswith("bundle-2.0.zip!/lib/")}
    assert zipped and zipped.isdisjoint({f.id for f in fresh.findings})  # ids follow the path


def _edited_rules(tmp_path: Path, name: str) -> RuleSet:
    """The shipped rules with one file edited (a reference added: the rules' digest of its
    languages changes, what they find does not)."""
    folder = tmp_path / f"rules-{name}"
    shutil.copytree(RULES_DIR, folder)
    edited = folder / name
    text = edited.read_text()
    assert "\nreferences:\n" in text
    edited.write_text(text.replace("\nreferences:\n",
                                   "\nreferences:\n  - https://example.org/edited\n", 1))
    return load_rules_dir(folder)


def _use_rules(monkeypatch: pytest.MonkeyPatch, rules: RuleSet) -> None:
    monkeypatch.setattr(inspect_module, "load_rules", lambda: rules)
    monkeypatch.setattr(inspect_module, "_DETECTORS", None)  # detectors and digests rebuilt
    monkeypatch.setattr(inspect_module, "_CACHE", None)


def test_a_changed_rule_file_invalidates_only_the_results_of_its_languages(
        tmp_path: Path, calls: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    cache = CacheSpec("sqlite", str(tmp_path / "cache"))
    tree = _tree(tmp_path / "product", "bundle.zip")
    fresh = _scan(tree, cache)
    _use_rules(monkeypatch, _edited_rules(tmp_path, "python-pycryptodome.yaml"))
    calls.clear()
    assert _findings(_scan(tree, cache)) == _findings(fresh)
    # seal.py alone (its copy in the zip hits that fresh result); A.java, aes.c, the manifest
    # and every other detector's results are still valid
    assert calls == {"SourceDetector": 1}
    _use_rules(monkeypatch, _edited_rules(tmp_path, "java-jca.yaml"))
    calls.clear()
    assert _findings(_scan(tree, cache)) == _findings(fresh)
    assert calls == {"SourceDetector": 1}  # A.java


def test_a_java_rule_change_invalidates_bytecode_results(tmp_path: Path) -> None:
    shipped = load_rules()
    edited = _edited_rules(tmp_path, "java-jca.yaml")
    for language in Language:
        same = shipped.language_digest(language) == edited.language_digest(language)
        assert same is (language is not Language.JAVA)
    detectors = [ClassFileDetector(rules=rules) for rules in (shipped, edited)]
    scopes = {result_keys.scope(d, "A.class", b"\xca\xfe\xba\xbe") for d in detectors}
    assert len(scopes) == 2 and "" not in scopes


def test_eviction_keeps_the_bound_and_drops_the_least_recently_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = itertools.count(1_000_000, 1000)
    monkeypatch.setattr(time, "time", lambda: float(next(clock)))
    store = SqliteStore(tmp_path / FILE_NAME, max_bytes=20_000)
    for batch in range(40):
        store.put_many({bytes([batch, n]) * 16: b"v" * 500 for n in range(4)})
    assert store.size() <= 20_000
    assert store.get_many([bytes([39, 3]) * 16]) != {}  # the newest stay
    assert store.get_many([bytes([0, 0]) * 16]) == {}  # the oldest went


def _write(directory: str, worker: int) -> None:
    store = SqliteStore(Path(directory) / FILE_NAME)
    for batch in range(30):
        store.put_many({f"{worker}-{batch}-{n}".encode().ljust(32, b"."): b"x" * 200
                        for n in range(10)})


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_write, args=(str(tmp_path), w)) for w in range(2)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(60)
    assert [process.exitcode for process in writers] == [0, 0]
    keys = [f"{w}-{b}-{n}".encode().ljust(32, b".")
            for w in range(2) for b in range(30) for n in range(10)]
    assert len(SqliteStore(tmp_path / FILE_NAME).get_many(keys)) == 600


def test_a_corrupt_store_is_a_miss_not_an_error(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"this is not a database" * 100)
    store = SqliteStore(tmp_path / FILE_NAME)
    assert store.get_many([b"k" * 32]) == {}
    store.put_many({b"k" * 32: b"v"})  # dropped, silently
    tree = _tree(tmp_path / "product", "bundle.zip")
    assert _findings(_scan(tree, CacheSpec("sqlite", str(tmp_path)))) == \
        _findings(_scan(tree, None))


def test_the_service_database_store_round_trips_and_stays_bounded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'anke.db'}"
    upgrade(Database(url))
    store = DatabaseStore(url, max_bytes=10_000)
    store.put_many({b"a" * 32: b"one", b"b" * 32: b"two"})
    assert store.get_many([b"a" * 32, b"c" * 32]) == {b"a" * 32: b"one"}
    for n in range(50):
        store.put_many({bytes([n]) * 32: b"v" * 400})
    assert store.size() <= 10_000
    assert DatabaseStore(f"sqlite:///{tmp_path / 'none.db'}", 1000).get_many([b"a" * 32]) == {}


def test_a_rescan_is_answered_in_the_driver_without_a_pool(
        tmp_path: Path, calls: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    cache = CacheSpec("sqlite", str(tmp_path / "cache"))
    tree = _tree(tmp_path / "product", "bundle.zip")
    for n in range(40):  # enough bytes that a cold scan uses the pool
        (tree / f"pad/{n}.py").parent.mkdir(exist_ok=True)
        (tree / f"pad/{n}.py").write_text(f"import hashlib\nhashlib.sha{n % 3 + 1}()\n"
                                          + "# padding\n" * 4000)
    options = ScanOptions(jobs=2, cache=cache, listing=True)
    first, first_listed = scan_listing([tree], options)
    calls.clear()

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started for a rescan the cache answers")

    monkeypatch.setattr(local_executor, "ProcessPoolExecutor", no_pool)
    (tree / "pad/7.py").write_text("import hashlib\nhashlib.md5()\n")  # one file changed
    again, listed = scan_listing([tree], options)
    assert calls == {"SourceDetector": 1, "ConstantsDetector": 1}  # pad/7.py, here
    expected, expected_listed = scan_listing([tree], ScanOptions(jobs=1, listing=True))
    assert _findings(again) == _findings(expected)
    assert listed == expected_listed and len(listed) == len(first_listed)
    assert again.stats.files == first.stats.files and again.stats.bytes < first.stats.bytes


def test_an_unchanged_member_is_answered_by_its_bundle_in_one_query(
        tmp_path: Path, calls: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    cache = CacheSpec("sqlite", str(tmp_path / "cache"))
    tree = _tree(tmp_path / "product", "bundle.zip")
    (tree / "empty.bin").write_bytes(b"")  # a member no detector handles has a bundle too
    fresh = _scan(tree, cache)
    buffered = open_store(cache)
    assert buffered is not None
    buffered.flush()  # this process's pending writes go out: every look-up is a query
    queries: list[int] = []
    original = SqliteStore.get_many

    def counting(self: SqliteStore, keys: Any) -> dict[bytes, bytes]:
        wanted = list(keys)
        queries.append(len(wanted))
        return original(self, wanted)

    monkeypatch.setattr(SqliteStore, "get_many", counting)
    calls.clear()
    assert _findings(_scan(tree, cache)) == _findings(fresh)
    # the driver asks for the plain files' bundles in one query; the zip goes to a worker,
    # which asks for each member's bundle (and plan, in case) in one query
    assert calls == {} and queries == [5, 2, 2, 2, 2]
    # damaged bundles: answered the long way (plans, then each result), and rewritten
    store = SqliteStore(tmp_path / "cache" / FILE_NAME)
    db = store._connect()
    assert db is not None
    state = inspect_module.cache_state()
    assert state is not None
    members = {p.relative_to(tree).as_posix(): p.read_bytes() for p in tree.rglob("*")
               if p.is_file() and p.suffix != ".zip"}
    with zipfile.ZipFile(tree / "bundle.zip") as bundle:
        members.update({f"bundle.zip!/{n}": bundle.read(n) for n in bundle.namelist()})
    bundles = [result_keys.bundle_key(result_keys.member_digest(data), state.salt, path)
               for path, data in members.items()]
    damaged = db.execute(f"UPDATE result SET value = x'7b' WHERE key IN "
                         f"({','.join('?' * len(bundles))})", bundles).rowcount
    assert damaged == len(members) == 9
    queries.clear()
    assert _findings(_scan(tree, cache)) == _findings(fresh)
    assert calls == {} and len(queries) == 3 + 4 * 2
    buffered.flush()
    queries.clear()
    assert _findings(_scan(tree, cache)) == _findings(fresh)
    assert calls == {} and queries == [5, 2, 2, 2, 2]
