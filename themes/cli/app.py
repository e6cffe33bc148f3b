"""The ``themes`` command line's entry point: parse, run one subcommand, turn errors into exit codes.

Every error a user can cause is a :class:`themes.errors.ThemesError`; it is printed as one
line on standard error and the command exits with code 2. ``themes verify`` exits with 1
when the rebuilt results drift from the committed ones.
"""

from __future__ import annotations

import os
import signal
import sys

from ..environment import sigterm_stops_the_run, unusable_core_message
from ..errors import Stopped, ThemesError, one_line, os_error_sentence
from ..study.project import project_paths
from .arguments import build_parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        jobs = getattr(args, "jobs", None)
        if jobs is not None and (jobs == 0 or jobs < -1):
            parser.error(f"argument --jobs: must be a positive whole number or -1 (all cores), not {jobs}")
    except SystemExit as exc:  # argparse's own errors (one line: see _Parser) and --help
        return exc.code
    try:
        with sigterm_stops_the_run():
            unusable = unusable_core_message()  # before anything calls OpenBLAS
            if unusable:
                raise ThemesError(unusable)
            project_paths(args.root)
            if args.command in ("reproduce", "verify", "fit"):
                from ..selection.dask_cluster import end_workers_with_parent

                end_workers_with_parent(os.getpid())
            return args.func(args)
    except ThemesError as exc:
        print(one_line(f"themes {args.command}: error: {exc}"), file=sys.stderr)
        return 2
    except OSError as exc:  # the operating system refused a file (permissions, a full disk ...)
        print(one_line(f"themes {args.command}: error: {os_error_sentence(exc)}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (Stopped): staged outputs were removed
        number = exc.signal_number if isinstance(exc, Stopped) else signal.SIGINT
        print(
            f"themes {args.command}: stopped by {signal.Signals(number).name} before it finished; "
            "the outputs are as they were before this run.",
            file=sys.stderr,
        )
        return 128 + number


if __name__ == "__main__":
    sys.exit(main())
