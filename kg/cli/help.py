"""``kg --help`` without importing typer: the same text, laid out as click lays it out.

typer (and the click it carries) takes longer to import than the rest of a
``kg --help``. The top-level help is plain text made from ``kg.cli``'s
tables, so it is written here with click's layout rules (its ``HelpFormatter``:
width from the terminal, at most 78 columns; paragraphs wrapped by
``textwrap``; definition lists with a first column of at most 30).
``tests/test_cli_startup.py`` compares the two outputs at several terminal
widths. Where the layout would need a rule not copied here, ``None`` is
returned and typer writes the help.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap

#: click's defaults: HelpFormatter(indent_increment=2, max_width=80), write_dl(col_max=30, col_spacing=2).
MAX_WIDTH, INDENT, COL_MAX, COL_SPACING = 80, 2, 30, 2

#: The options of ``kg`` itself, as click names them in the help (``--project`` takes a path).
HELP_OPTION = ("--help", "Show this message and exit.")


class _Wrapper(textwrap.TextWrapper):
    """click's wrapper: a word longer than the line is cut where the line ends, hyphen or not."""

    def _handle_long_word(self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int) -> None:
        space_left = max(width - cur_len, 1)
        last = reversed_chunks[-1]
        cur_line.append(last[:space_left])
        reversed_chunks[-1] = last[space_left:]


def _fill(text: str, width: int, indent: str = "", subsequent: str | None = None) -> str:
    wrapper = _Wrapper(
        width,
        initial_indent=indent,
        subsequent_indent=indent if subsequent is None else subsequent,
        replace_whitespace=False,
    )
    return wrapper.fill(" ".join(text.split()))


def program_name() -> str:
    """How click names the program in "Usage:": ``python -m kg`` or the script's file name."""
    package = getattr(sys.modules.get("__main__"), "__package__", None)
    if package in (None, ""):
        return os.path.basename(sys.argv[0])
    name = os.path.splitext(os.path.basename(sys.argv[0]))[0]
    module = package if name == "__main__" else f"{package}.{name}"
    return f"python -m {module.lstrip('.')}"


def _definitions(rows: list[tuple[str, str]], width: int) -> list[str] | None:
    first_col = min(max(len(name) for name, _ in rows), COL_MAX) + COL_SPACING
    text_width = max(width - first_col - 2, 10)
    lines = []
    for name, text in rows:
        if len(name) > first_col - COL_SPACING:
            return None  # click puts such a name on a line of its own: not copied here
        wrapped = _fill(text, text_width).splitlines() or [""]
        lines.append(f"{' ' * INDENT}{name}{' ' * (first_col - len(name))}{wrapped[0]}")
        lines += [f"{' ' * (first_col + INDENT)}{line}" for line in wrapped[1:]]
    return lines


def top_level_help(width: int | None = None, prog: str | None = None) -> str | None:
    """The text of ``kg --help`` (ending in a newline), or None where typer must write it."""
    import kg.cli

    if width is None:
        width = max(min(shutil.get_terminal_size().columns, MAX_WIDTH) - 2, 50)
    prog = prog or program_name()
    usage_prefix = f"Usage: {prog} "
    if width < len(usage_prefix) + 20:
        return None
    options = [("--project <path>", kg.cli.PROJECT_HELP), ("--version", kg.cli.VERSION_HELP), HELP_OPTION]
    commands = [(name, summary) for name, (_module, summary) in kg.cli.COMMANDS.items()]
    option_lines = _definitions(options, width)
    command_lines = _definitions(commands, width)
    if option_lines is None or command_lines is None:
        return None
    lines = [
        _fill("[OPTIONS] COMMAND [ARGS]...", width, usage_prefix, " " * len(usage_prefix)),
        "",
        _fill(kg.cli.HELP, width, " " * INDENT),
        "",
        "Options:",
        *option_lines,
        "",
        "Commands:",
        *command_lines,
    ]
    return "\n".join(lines) + "\n"
