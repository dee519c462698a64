"""Load the constants tables shipped in ``data/*.yaml``, validated, once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from anke.cache import built_once, files_key
from anke.datafile import load_yaml_model
from anke.detect.constants.model import Table, TableFile
from anke.errors import DataFileError

DATA_DIR = Path(__file__).parent / "data"


def _read(paths: list[Path]) -> tuple[Table, ...]:
    tables: list[Table] = []
    seen: dict[str, str] = {}
    for path in paths:
        for table in load_yaml_model(path, TableFile).tables:
            if table.id in seen:
                raise DataFileError(str(path), f"tables({table.id})",
                                    f"id also used in {seen[table.id]}")
            seen[table.id] = path.name
            tables.append(table)
    return tuple(tables)


def load_tables(data_dir: Path = DATA_DIR) -> tuple[Table, ...]:
    """Every table in ``data_dir`` (cached in anke's cache directory by content)."""
    paths = sorted(data_dir.glob("*.yaml"))
    key = files_key("constants-tables", [*paths, Path(__file__).with_name("model.py")])
    return built_once(key, lambda: _read(paths))


@lru_cache(maxsize=1)
def shipped_tables() -> tuple[Table, ...]:
    """The shipped tables, loaded once per process."""
    return load_tables()
