"""``anke``: the command-line entry point.

Exit codes: 0 success, 2 usage or input error (one line on stderr, never a traceback);
``anke check`` adds 1 fail, 3 needs evidence, 4 rulebook not in force.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from anke import __version__
from anke.cli.check_command import add_check_parser
from anke.cli.rulebook_command import add_rulebook_parser
from anke.cli.scan_command import add_scan_parser
from anke.cli.service_command import add_service_parsers
from anke.errors import AnkeError

EXIT_OK = 0
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"anke: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The full command-line grammar."""
    parser = _Parser(prog="anke", description="Inspect software for cryptography and judge it "
                     "against technology rules.")
    parser.add_argument("--version", action="version", version=f"anke {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    add_scan_parser(commands)
    add_check_parser(commands)
    add_rulebook_parser(commands)
    add_service_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_usage(sys.stderr)
        sys.stderr.write("anke: error: a command is required (try: anke scan PATH)\n")
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except AnkeError as exc:
        sys.stderr.write(f"anke: error: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("anke: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
