"""The ``themes`` command line's arguments: one parser, one-line errors, and each subcommand's
options bound to its function in :mod:`themes.cli.commands`."""

from __future__ import annotations

import argparse

from ..study.arguments import add_study_arguments
from ..study.design import DEFAULT_MODELS
from .commands import (
    cmd_cache,
    cmd_code,
    cmd_corpus,
    cmd_fit,
    cmd_init,
    cmd_intrusion_create,
    cmd_intrusion_score,
    cmd_reference,
    cmd_reproduce,
    cmd_score,
    cmd_verify,
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like every other error of the command line."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())}\n")


def _seed(text: str) -> int:
    """A random seed as numpy and scikit-learn take it: a whole number from 0 to 2**32 - 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {2**32 - 1}, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="themes",
        description="Thematic topic modelling checked against a labelled reference set.",
    )
    parser.add_argument("--root", default=".", help="project folder (default: the current folder)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("corpus", help="split texts into paragraphs, clean and de-duplicate them")
    p.add_argument(
        "path",
        nargs="?",
        help="folder of .txt files, a .txt file, or a .csv/.jsonl table "
        "with id and text columns (default: data/raw)",
    )
    p.add_argument("--out", help="folder for paragraphs.csv and its summary (default: data/processed)")
    p.set_defaults(func=cmd_corpus)

    p = sub.add_parser("reference", help="check the codebook, labels and their coders; agreement")
    p.add_argument("--adjudicator", help="who settled a round's disagreements (then writes its labels)")
    p.set_defaults(func=cmd_reference)

    p = sub.add_parser("code", help="coding rounds for people: an offline page per coder, answers collected")
    csub = p.add_subparsers(dest="action", required=True)
    q = csub.add_parser("create", help="write one offline HTML page per coder (labels, or --intrusion tests)")
    q.add_argument("--coders", required=True, help="comma-separated coder names, e.g. alice,bob")
    q.add_argument("--seed", type=int, default=0, help="seed of each coder's order of the items (default 0)")
    q.add_argument("--round", help="the round's name (default human1, or intrusion_human1)")
    q.add_argument("--intrusion", action="store_true", help="the study's intrusion tests, blind, not labels")
    q.add_argument("--models", help="with --intrusion: the models whose tests to include (default all)")
    q.add_argument("--out", help="folder for the round (default coding/ROUND)")
    q = csub.add_parser("collect", help="check the coders' exported files and write their labels or answers")
    q.add_argument("folder", help="the round's folder (with round.json)")
    q.add_argument("files", nargs="+", help="the coders' exported files (labels_CODER.csv, ...)")
    p.set_defaults(func=cmd_code)

    p = sub.add_parser("fit", help="fit one topic model on the study's corpus (or any --corpus)")
    p.add_argument(
        "--model",
        required=True,
        help="a topic model of the study ("
        + ", ".join(DEFAULT_MODELS)
        + "); with --corpus also lda_tomotopy, lda_tomotopy_seeded, lda_online",
    )
    p.add_argument("--k", type=int, required=True, help="number of topics")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--top", type=int, default=10, help="top words to print per topic (default 10)")
    p.add_argument("--corpus", help="a folder of .txt files or a .csv/.jsonl/.parquet table: not the study")
    p.add_argument("--seed-words", help="with --corpus: YAML of theme: [words] for a seeded model")
    p.add_argument("--min-df", type=int, default=2, help="with --corpus: minimum paragraphs per term")
    p.add_argument("--out", help="with --corpus: folder for topics, document shares and the saved model")
    p.add_argument(
        "--streaming",
        action="store_true",
        help="with --corpus: read and count the corpus in chunks, for one larger than memory "
        "(automatic from 8 MiB of text)",
    )
    p.set_defaults(func=cmd_fit)

    p = sub.add_parser("intrusion", help="word and topic intrusion tests of a saved model")
    isub = p.add_subparsers(dest="action", required=True)
    q = isub.add_parser("create", help="write the forms and the answer key for a saved model")
    q.add_argument("--model", required=True, help="a model saved in results/models/")
    q.add_argument("--out", help="folder (default data/reference/intrusion/MODEL)")
    q.add_argument("--seed", type=_seed, default=0, help="seed of the item draws (default 0)")
    q.add_argument("--paragraphs", type=int, default=20, help="topic-intrusion items (default 20)")
    q.add_argument(
        "--topics",
        type=int,
        default=3,
        help="a paragraph's top topics shown beside the intruder (default 3; K-1 at most)",
    )
    q.add_argument(
        "--min-genuine-share",
        type=float,
        default=0.10,
        help="topic items only for paragraphs whose shown topics each hold this share (default 0.10)",
    )
    q.set_defaults(func=cmd_intrusion_create)
    q = isub.add_parser("score", help="score the coders' filled-in forms")
    q.add_argument("folder", help="the test's folder (with intrusion.json and key/)")
    q.add_argument("--word", nargs="*", default=[], help="coders' word_intrusion.csv files")
    q.add_argument("--topic", nargs="*", default=[], help="coders' topic_intrusion.csv files")
    q.add_argument("--out", help="folder for the score tables (default FOLDER/scores)")
    q.set_defaults(func=cmd_intrusion_score)

    p = sub.add_parser("score", help="theme scores of the paragraphs of unseen text files, as CSV")
    p.add_argument("--model", required=True, help="a model name of results/paragraph_scores.csv")
    p.add_argument("files", nargs="+", help="UTF-8 text files (or .csv/.jsonl tables with id and text)")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("init", help="start a study of your own in a new folder: layout, codebook, templates")
    p.add_argument("folder", help="a new (or empty) folder for the study")
    p.add_argument("--themes", required=True, help="comma-separated theme names, e.g. fire,conflict")
    p.add_argument("--corpus", help="a folder of .txt files or a .csv/.jsonl/.parquet table to copy in")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("reproduce", help="rebuild every table, figure and notebook from data/")
    p.add_argument(
        "--jobs",
        type=int,
        help="joblib workers for the fits (default -1: one per core; results do not depend on it)",
    )
    p.add_argument("--no-notebooks", action="store_true", help="skip executing the notebooks")
    add_study_arguments(p)
    dask = p.add_mutually_exclusive_group()
    dask.add_argument("--scheduler", help="run the fits on a running Dask scheduler (tcp://HOST:PORT)")
    dask.add_argument(
        "--dask-workers",
        type=int,
        help="run the fits on a local Dask cluster of this many worker processes, closed after",
    )
    p.set_defaults(func=cmd_reproduce)

    p = sub.add_parser("cache", help="the study's cache of fits (.themes-cache): its size, or clear it")
    p.add_argument("action", choices=("show", "clear"), nargs="?", default="show")
    p.set_defaults(func=cmd_cache)

    p = sub.add_parser("verify", help="rebuild in a temporary folder and compare with the committed results")
    p.add_argument(
        "--jobs", type=int, default=-1, help="joblib workers for the fits (default -1: one per core)"
    )
    p.add_argument("--no-notebooks", action="store_true", help="rebuild and compare the tables only")
    p.set_defaults(func=cmd_verify)
    return parser
