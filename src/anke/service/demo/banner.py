"""What ``make run`` prints: before the seed, what will be downloaded; at start, where the
service is and how to sign in as each role."""

from __future__ import annotations

from pathlib import Path

from anke.service.demo.record import DemoRecord
from anke.service.demo.scenario import Scenario


def download_notice(scenario: Scenario, cache: Path) -> str:
    """The packages a first run fetches, and where they are kept."""
    lines = [f"anke demo: the first run downloads {len(scenario.packages)} package archives "
             f"from their registry into {cache / 'packages'} (SHA-256 pinned in "
             "anke/service/demo/data/demo.yaml):"]
    lines += [f"  {package.url}" for package in scenario.packages]
    return "\n".join(lines) + "\n"


def banner(scenario: Scenario, record: DemoRecord, url: str, data_dir: Path,
           skipped: tuple[str, ...] = ()) -> str:
    """The start banner: the address, one account per role with its password, the data."""
    orgs = {org.key: org.name for org in scenario.organisations}
    rows = [(a.role.value, a.email, record.passwords[a.key], orgs[a.org])
            for a in scenario.accounts]
    widths = [max(len(row[i]) for row in [*rows, ("role", "e-mail", "password", "")])
              for i in range(3)]
    rule = "=" * 78
    lines = [rule, f"anke demo: open {url} and sign in as any of these (FICTIONAL people "
             "and organisations):", ""]
    lines.append("  " + "  ".join(("role", "e-mail", "password")[i].ljust(widths[i])
                                  for i in range(3)) + "  organisation")
    for row in rows:
        lines.append("  " + "  ".join(row[i].ljust(widths[i]) for i in range(3)) + f"  {row[3]}")
    lines += ["", f"  data: {data_dir} (passwords in {record.path.name}, mode 0600; remove the "
              "folder to seed afresh)",
              f"  API documentation: {url}/docs    stop: Ctrl-C"]
    if skipped:
        lines.append(f"  not seeded yet (this build lacks their routes): {', '.join(skipped)}")
    lines.append(rule)
    return "\n".join(lines) + "\n"
