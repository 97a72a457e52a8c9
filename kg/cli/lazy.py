"""A typer group that imports a command's module only when that command runs (or shows its help)."""

from __future__ import annotations

import difflib
import importlib
from typing import Any

import typer
from typer.core import TyperGroup


class LazyGroup(TyperGroup):
    """Lists the commands of ``kg.cli.COMMANDS`` without importing them; builds one on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        from kg.cli import COMMANDS

        eager = [name for name in super().list_commands(ctx) if name not in COMMANDS]
        return [*COMMANDS, *eager]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            command = _load(cmd_name)
            if command is not None:
                self.commands[cmd_name] = command
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # typer suggests from the commands already built; suggest from the whole table instead.
        known = self.list_commands(ctx)
        if args and args[0] not in known and (close := difflib.get_close_matches(args[0], known)):
            ctx.fail(f"No such command {args[0]!r}. Did you mean {', '.join(map(repr, close))}?")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list from the table, so ``kg --help`` imports no command module."""
        from kg.cli import COMMANDS

        rows = []
        for name in self.list_commands(ctx):
            if name in COMMANDS:
                rows.append((name, COMMANDS[name][1]))
            elif (command := self.commands.get(name)) is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(formatter.width)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _load(name: str) -> Any:
    """Import the module that registers ``name`` and build that one click command (None: no such command)."""
    from typer.main import get_command_from_info, get_command_name

    from kg.cli import COMMANDS
    from kg.cli.root import app

    if name not in COMMANDS:
        return None
    importlib.import_module(f"kg.cli.{COMMANDS[name][0]}")
    for info in app.registered_commands:
        assert info.callback is not None
        if (info.name or get_command_name(info.callback.__name__)) == name:
            return get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
    raise typer.BadParameter(f"kg.cli.{COMMANDS[name][0]} registers no command {name!r}")  # a wrong table line
