"""The ``themes`` command line: thin wrappers around the package's functions.

Every error a user can cause is a :class:`themes.errors.ThemesError`; it is printed as one line on
standard error and the command exits with code 2. ``themes verify`` exits with 1 when the rebuilt
results drift from the committed ones. :mod:`~themes.cli.arguments` builds the parser,
:mod:`~themes.cli.commands` holds one function per subcommand, :mod:`~themes.cli.app` runs them.
"""

from .app import main
from .arguments import build_parser

__all__ = ["build_parser", "main"]
