"""The ``ocpi-harness`` command line.

Each subcommand lives next to the code it drives and exposes two functions:
``add_arguments(parser)`` and ``run(args) -> int``. This module only wires them together and
turns harness errors into a one-line message with exit code 2 (the CLI contract in
ARCHITECTURE.md: 0 success, 1 the checked thing is wrong, 2 usage or environment error).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from harness import __version__
from harness.errors import HarnessError


class _Command(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


# name -> (module implementing it, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("harness.run_cli", "run the conformance suites against a SUT (default: the mocks)"),
    "suites": ("harness.suites_cli", "list (and validate) the suites and their cases"),
    "validate": ("harness.schemas.cli", "check JSON documents against an OCPI object schema"),
    "price": ("harness.billing.cli", "price a CDR's charging periods with a tariff"),
    "mock": ("mock_partners.cli", "serve a mock OCPI partner (CPO or eMSP) on a socket"),
}


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2), no usage dump on stderr noise."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _wanted(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line (the first word that is one), if any."""
    return next((word for word in argv if word in COMMANDS), None)


def build_parser(
    only: str | None = None,
) -> tuple[argparse.ArgumentParser, dict[str, _Command]]:
    """The parser; the modules behind the subcommands are imported only for ``only`` (all when
    None), so ``ocpi-harness price`` does not pay for the runner, the mocks and uvicorn."""
    parser = _Parser(
        prog="ocpi-harness",
        description="OCPI conformance test harness and interop sandbox.",
    )
    parser.add_argument("--version", action="version", version=f"ocpi-harness {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    loaded: dict[str, _Command] = {}
    for name, (module_name, help_text) in COMMANDS.items():
        if only is not None and name != only:
            sub.add_parser(name, help=help_text, description=help_text)
            continue
        try:
            module = cast(_Command, importlib.import_module(module_name))
        except ModuleNotFoundError as exc:
            if not exc.name or not module_name.startswith(exc.name):
                raise  # a real missing dependency, not an unbuilt subcommand
            continue  # a subcommand whose module is not built yet
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command_parser)
        loaded[name] = module
    return parser, loaded


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    wanted = _wanted(words)
    parser, commands = build_parser(wanted if wanted is not None else "")
    args = parser.parse_args(words)
    try:
        return commands[args.command].run(args)
    except HarnessError as exc:
        print(f"ocpi-harness {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
