"""The project's errors, each mapped to a documented exit code.

0 ok · 1 validation failures · 2 usage or input error.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_VALIDATION = 1
EXIT_USAGE = 2


class KGError(Exception):
    """Base of every error the tool reports to a user; carries its exit code."""

    exit_code = EXIT_USAGE


class UsageError(KGError):
    """The command was called wrongly (bad option, missing argument)."""


class InputError(KGError):
    """An input file, query or store cannot be used as given."""


class RDFSyntaxError(InputError):
    """A Turtle (or other RDF) file does not parse; names file, line and column."""

    def __init__(self, path: str, line: int | None, column: int | None, message: str) -> None:
        self.path, self.line, self.column, self.message = path, line, column, message
        where = path if line is None else f"{path}:{line}:{column}"
        super().__init__(f"{where}: {message}")


class SeedChecksumError(InputError):
    """A seed text no longer matches the checksum its metadata records."""


class QueryError(InputError):
    """A SPARQL query is malformed, not allowed, or failed."""


class QueryTimeout(QueryError):
    """A query ran past its time limit and was stopped."""


class EndpointError(InputError):
    """A remote SPARQL endpoint refused, failed or did not answer."""


class ValidationFailed(KGError):
    """The graph does not conform: SHACL violations or broken evidence."""

    exit_code = EXIT_VALIDATION
