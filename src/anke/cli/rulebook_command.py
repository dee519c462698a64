"""``anke rulebook list | show ID | validate FILE | diff ID V1 V2 | schema``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from anke.errors import AnkeError


def add_rulebook_parser(commands: Any) -> None:
    """Register the ``rulebook`` command and its subcommands."""
    parser = commands.add_parser("rulebook", help="list, show, validate and compare rulebooks",
                                 description="List, show, validate and compare rulebooks.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION",
                                    parser_class=type(parser))
    listing = actions.add_parser("list", help="the shipped rulebooks and their standing today")
    listing.add_argument("--as-of", metavar="DATE", help="standing on this date")
    listing.set_defaults(handler=run_list)
    show = actions.add_parser("show", help="a rulebook's versions, events and controls")
    show.add_argument("rulebook", metavar="ID")
    show.add_argument("--version", metavar="V", help="only this version")
    show.set_defaults(handler=run_show)
    validate = actions.add_parser("validate", help="validate a rulebook file")
    validate.add_argument("file", metavar="FILE")
    validate.set_defaults(handler=run_validate)
    diff = actions.add_parser("diff", help="what changed between two versions")
    diff.add_argument("rulebook", metavar="ID")
    diff.add_argument("old", metavar="V1")
    diff.add_argument("new", metavar="V2")
    diff.set_defaults(handler=run_diff)
    schema = actions.add_parser("schema", help="print a published JSON Schema")
    schema.add_argument("kind", choices=("rulebook", "evidence"), nargs="?", default="rulebook")
    schema.set_defaults(handler=run_schema)
    parser.set_defaults(handler=_missing_action(parser))


def _missing_action(parser: argparse.ArgumentParser) -> Any:
    def handler(args: argparse.Namespace) -> int:
        raise AnkeError("rulebook needs an action: list, show, validate, diff or schema")
    return handler


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise AnkeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def run_list(args: argparse.Namespace) -> int:
    """The shipped rulebooks, each with its versions and its standing on the date."""
    from anke.rulebooks.lifecycle import resolve
    from anke.rulebooks.loader import shipped_rulebooks

    as_of = _as_of(args.as_of)
    for loaded in shipped_rulebooks().values():
        book = loaded.rulebook
        versions = ", ".join(v.version + (" (hypothetical)" if v.hypothetical else "")
                             for v in book.versions)
        sys.stdout.write(f"{book.id}: {book.title}\n  issuer: {book.issuer}; "
                         f"versions: {versions}\n  {resolve(loaded, as_of).message}\n")
    return 0


def run_show(args: argparse.Namespace) -> int:
    """One rulebook's versions with their events, controls, exclusions and targets."""
    from anke.rulebooks.loader import find_rulebook

    loaded = find_rulebook(args.rulebook)
    book = loaded.rulebook
    out = [f"{book.id}: {book.title}", f"issuer: {book.issuer} ({book.jurisdiction})"]
    if book.summary:
        out.append(book.summary.strip())
    for resolved in loaded.versions():
        version = resolved.version
        if args.version and version.version != args.version:
            continue
        flag = " [HYPOTHETICAL: not a real text]" if version.hypothetical else ""
        base = f" (based on {version.based_on})" if version.based_on else ""
        out.append(f"\nversion {version.version}: {version.title}{base}{flag}")
        for event in version.events:
            note = f": {event.note}" if event.note else ""
            mark = " (unverified)" if event.unverified else ""
            out.append(f"  {event.date} {event.type.value}{mark}{note}")
        for control in resolved.controls:
            kinds = ", ".join(check.type for check in control.checks)
            scope = f" [{', '.join(control.categories)}]" if control.categories else ""
            out.append(f"  control {control.id}{scope}: {control.title} ({kinds}; "
                       f"{control.severity.value})")
        for item in resolved.excluded:
            out.append(f"  excluded: {item.criterion}: {item.reason}")
        for target in resolved.targets:
            share = f"{target.share:.0%}" if target.share is not None else "unknown"
            cats = ", ".join(target.categories) or "all categories"
            mark = " (unverified)" if target.unverified else ""
            out.append(f"  target {target.year}: {share} by {target.basis.value} of "
                       f"{target.scope} ({cats}){mark}")
    if args.version and len(out) <= 3:
        raise AnkeError(f"rulebook {book.id} has no version {args.version!r}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    """Validate a rulebook file; errors name the file, the path inside it and the problem."""
    from anke.rulebooks.loader import load_rulebook_file

    path = Path(args.file)
    if not path.is_file():
        raise AnkeError(f"no such file: {path}")
    loaded = load_rulebook_file(path)
    count = len(loaded.rulebook.versions)
    sys.stdout.write(f"{path}: valid rulebook {loaded.rulebook.id} ({count} versions)\n")
    return 0


def run_diff(args: argparse.Namespace) -> int:
    """Controls added, removed and changed between two versions, and their events."""
    from anke.rulebooks.diff import diff_versions
    from anke.rulebooks.loader import find_rulebook

    loaded = find_rulebook(args.rulebook)
    lines = diff_versions(loaded.resolve(args.old), loaded.resolve(args.new))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def run_schema(args: argparse.Namespace) -> int:
    """Print the published JSON Schema of rulebook or evidence files."""
    from anke.rulebooks.schema import render

    sys.stdout.write(render(args.kind))
    return 0
