"""The ``themes`` command line: thin wrappers around the package's functions.

Every error a user can cause is a :class:`themes.errors.ThemesError`; it is
printed as one line on standard error and the command exits with code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ThemesError
from .project import Project


def _cmd_corpus(args: argparse.Namespace) -> int:
    from . import corpus, io

    project = Project(Path(args.root))
    source = Path(args.path) if args.path else project.raw
    out = Path(args.out) if args.out else project.processed
    docs = corpus.load_documents(source)
    table = corpus.build_paragraphs(docs)
    summary = corpus.summarize(table)
    if source.is_dir() and out.resolve().is_relative_to(source.resolve()):
        raise ThemesError(f"refusing to write into the corpus folder {source}; choose another --out.")
    io.write_csv(out / "paragraphs.csv", table)
    io.write_csv(out / "paragraph_summary.csv", summary)
    print(summary.to_string(index=False))
    print(f"wrote {out / 'paragraphs.csv'} ({int((table['status'] == 'kept').sum())} kept paragraphs)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="themes",
        description="Thematic topic modelling checked against a hand-labelled reference set.",
    )
    parser.add_argument("--root", default=".", help="project folder (default: the current folder)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("corpus", help="split texts into paragraphs, clean and de-duplicate them")
    p.add_argument("path", nargs="?", help="folder of .txt files, a .txt file, or a .csv/.jsonl table "
                   "with id and text columns (default: data/raw)")
    p.add_argument("--out", help="folder for paragraphs.csv and its summary (default: data/processed)")
    p.set_defaults(func=_cmd_corpus)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ThemesError as exc:
        print(f"themes {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
