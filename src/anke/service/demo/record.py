"""The demo's record in the data directory (``demo.json``, mode 0600): the accounts'
passwords, the steps done, and the ids of what was made, so a later run reuses the seeded
data, prints the same passwords, and finishes any step an earlier run could not take."""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from anke.errors import AnkeError
from anke.service.demo.scenario import Scenario

RECORD_NAME = "demo.json"


@dataclass
class DemoRecord:
    """What the demo has seeded so far."""

    path: Path
    passwords: dict[str, str]
    done: list[str] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)

    @classmethod
    def open(cls, data_dir: Path, scenario: Scenario) -> tuple[DemoRecord, bool]:
        """The record of ``data_dir`` and False, or a new one (random passwords) and True."""
        path = data_dir / RECORD_NAME
        if not path.exists():
            passwords = {account.key: secrets.token_urlsafe(12) for account in scenario.accounts}
            return cls(path, passwords), True
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            record = cls(path, dict(raw["passwords"]), list(raw["done"]),
                         {str(k): int(v) for k, v in raw["ids"].items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise AnkeError(f"{path}: not a demo record ({exc}); remove the data directory "
                            "to seed afresh") from None
        missing = [a.key for a in scenario.accounts if a.key not in record.passwords]
        if missing:
            raise AnkeError(f"{path}: no password for {', '.join(missing)}; remove the data "
                            "directory to seed afresh")
        return record, False

    def id(self, key: str) -> int:
        """The id recorded under ``key``."""
        return self.ids[key]

    def keep(self, key: str, value: int) -> int:
        """Record an id and save; returns it."""
        self.ids[key] = value
        self.save()
        return value

    def finish(self, step: str) -> None:
        """Mark a step done and save."""
        if step not in self.done:
            self.done.append(step)
        self.save()

    def save(self) -> None:
        """Write the record atomically, readable by its owner only."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = json.dumps({"passwords": self.passwords, "done": self.done, "ids": self.ids},
                          indent=2, sort_keys=True)
        handle, name = tempfile.mkstemp(dir=self.path.parent, prefix=".demo-")
        try:
            os.fchmod(handle, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text + "\n")
            os.replace(name, self.path)
        finally:
            if os.path.exists(name):
                os.unlink(name)
