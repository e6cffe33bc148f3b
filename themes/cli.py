"""The ``themes`` command line: thin wrappers around the package's functions.

Every error a user can cause is a :class:`themes.errors.ThemesError`; it is printed as one
line on standard error and the command exits with code 2. ``themes verify`` exits with 1
when the rebuilt results drift from the committed ones.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from .environment import unusable_core_message
from .errors import CorpusWarning, ThemesError
from .study.arguments import add_study_arguments, study_settings
from .study.design import CONFOUNDS, DEFAULT_MODELS, get_spec
from .study.project import Project, project_paths


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like every other error of the command line."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())}\n")


def _check_out(out: Path, root: str | Path) -> Path:
    """Refuse an output folder that is a file or lies inside the read-only ``data/raw``."""
    if out.exists() and not out.is_dir():
        raise ThemesError(f"the output folder {out} is a file; give a folder with --out.")
    raw = Project(Path(root)).raw.resolve()
    if out.resolve().is_relative_to(raw):
        raise ThemesError(f"refusing to write into the corpus folder {raw}; choose another --out.")
    return out


def _one_run_at_a_time(command):
    """Hold ``<root>/.themes.lock`` while ``command`` runs; a second run stops at once.

    :func:`themes.study.run.reproduce` takes the same (re-entrant) lock; here it also covers
    the notebooks, which run after the results are swapped in.
    """
    import functools

    @functools.wraps(command)
    def locked(args: argparse.Namespace) -> int:
        from .study.run import project_lock

        with project_lock(args.root):
            return command(args)

    return locked


def _cmd_corpus(args: argparse.Namespace) -> int:
    from . import corpus, files

    project = Project(Path(args.root))
    source = Path(args.path) if args.path else project.raw
    out = _check_out(Path(args.out), args.root) if args.out else project.processed
    if source.is_dir() and out.resolve().is_relative_to(source.resolve()):
        raise ThemesError(f"refusing to write into the corpus folder {source}; choose another --out.")
    docs = corpus.load_documents(source)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CorpusWarning)
        table = corpus.build_paragraphs(docs)
    for w in caught:
        print(f"themes corpus: warning: {w.message}", file=sys.stderr)
    summary = corpus.summarize(table)
    files.write_csv(out / "paragraphs.csv", table)
    files.write_csv(out / "paragraph_summary.csv", summary)
    print(summary.to_string(index=False))
    print(f"wrote {out / 'paragraphs.csv'} ({int((table['status'] == 'kept').sum())} kept paragraphs)")
    return 0


def _cmd_reference(args: argparse.Namespace) -> int:
    from .study.inputs import load_study, write_agreement

    study = load_study(project_paths(args.root), labels_required=True)
    table = write_agreement(study)
    print(
        f"{len(study.labels)} kept paragraphs labelled on {len(study.themes)} themes: "
        + ", ".join(study.themes)
    )
    if table is not None:
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        print(f"wrote {study.project.reference / 'agreement.csv'}")
    return 0


def _cmd_fit(args: argparse.Namespace) -> int:
    if args.corpus:
        if not args.out:
            raise ThemesError("with --corpus, give --out DIR for the topics and the saved model.")
        return _cmd_fit_corpus(args)
    get_spec(args.model)  # an unknown name is refused before the numeric libraries are imported

    from .study.inputs import load_study
    from .study.single import fit_study_model

    study = load_study(project_paths(args.root), labels_required=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        model, npmi = fit_study_model(study, args.model, k=args.k, seed=args.seed)
    for w in caught:
        print(f"themes fit: warning: {w.message}", file=sys.stderr)
    n, v = model.doc_topic.shape[0], model.topic_term.shape[1]
    from .selection.measures import TOP_N, diversity

    print(
        f"{model.name}: K={model.k}, seed={model.seed}, {n} paragraphs, {v} terms; "
        f"diversity {diversity(model.top_term_indices(TOP_N)):.2f}"
    )
    for name, words, score in zip(
        model.topic_names, model.top_word_lists(args.top), npmi["npmi"], strict=True
    ):
        print(f"{name:>14}  NPMI {score:+.3f}  {' '.join(words)}")
    return 0


def _cmd_fit_corpus(args: argparse.Namespace) -> int:
    """``themes fit --corpus PATH``: any corpus, no study folder; topics, shares and the model to --out."""
    from .study.single import fit_corpus

    out = _check_out(Path(args.out), args.root)
    corpus_folder = Path(args.corpus)
    if corpus_folder.is_dir() and out.resolve().is_relative_to(corpus_folder.resolve()):
        raise ThemesError(f"refusing to write into the corpus folder {corpus_folder}; choose another --out.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        fitted = fit_corpus(
            corpus_folder,
            args.model,
            k=args.k,
            seed=args.seed,
            min_df=args.min_df,
            seed_words=args.seed_words,
            streaming=args.streaming,
            paragraphs_csv=out / "paragraphs.csv",
        )
    for w in caught:
        print(f"themes fit: warning: {w.message}", file=sys.stderr)
    written = fitted.write(out, top=args.top)
    print(fitted.model.top_words(args.top).to_string())
    print(f"wrote {', '.join(written[:-1])} and {written[-1]} to {out}")
    return 0


def _cmd_intrusion_create(args: argparse.Namespace) -> int:
    from .models.topic_model import TopicModel
    from .study.inputs import build_corpus
    from .validate.intrusion import write_intrusion_test

    project = project_paths(args.root)
    out = _check_out(Path(args.out), args.root) if args.out else None
    saved = project.results / "models" / args.model
    if not (saved / "model.json").is_file():
        raise ThemesError(f"there is no saved topic model {args.model!r} in {saved.parent}.")
    model = TopicModel.load(saved)
    paragraphs = build_corpus(project, write=False)
    out = out or project.reference / "intrusion" / args.model
    write_intrusion_test(
        model,
        paragraphs,
        out,
        seed=args.seed,
        n_paragraphs=args.paragraphs,
        n_topics=min(args.topics, model.k - 1),
    )
    print(f"wrote the intrusion test of {args.model} to {out}: give the coders {out / 'form'} only")
    return 0


def _cmd_intrusion_score(args: argparse.Namespace) -> int:
    from . import files
    from .validate.intrusion_scores import score_intrusion_test

    out = _check_out(Path(args.out) if args.out else Path(args.folder) / "scores", args.root)
    scores = score_intrusion_test(args.folder, word_answers=args.word, topic_answers=args.topic)
    for result in scores.values():
        for name, table in result.tables().items():
            files.write_csv(out / name, table)
        print(result.overall.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"wrote the scores to {out}")
    return 0


def _cmd_score(args: argparse.Namespace) -> int:
    project = project_paths(args.root)
    if args.model not in CONFOUNDS:  # the confounds get their own sentence from score_texts
        project.saved_model(args.model)  # refused before the numeric libraries are imported

    from . import files
    from .study.single import score_texts

    scores = score_texts(project, args.model, args.files)
    sys.stdout.write(files.csv_text(scores))
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from .study.scaffold import init_report, init_study

    project = init_study(args.folder, args.themes, corpus=args.corpus)
    for line in init_report(project):
        print(line)
    print(f"wrote a new study to {project.root}; its README.md lists the next steps")
    return 0


@_one_run_at_a_time
def _cmd_reproduce(args: argparse.Namespace) -> int:
    from .selection.cache import StudyCache
    from .study.run import reproduce
    from .study.settings import study_config

    config = study_config(args.root, study_settings(args))
    if args.clear_cache:
        StudyCache(project_paths(args.root).cache).clear()
    manifest = reproduce(
        args.root,
        config=config,
        notebooks=not args.no_notebooks,
        progress=True,
        scheduler=args.scheduler,
        dask_workers=args.dask_workers,
        cache=not args.no_cache,
        force=args.force,
    )
    chosen = ", ".join(f"{m} K={k}" for m, k in manifest["selection"]["chosen_K"].items())
    quick = " QUICK LOOK, not for reporting" if manifest["config"].get("quick") else ""
    print(f"{len(manifest['outputs'])} outputs in {Path(args.root) / 'results'} (chosen: {chosen}){quick}")
    return 0


def _cmd_cache(args: argparse.Namespace) -> int:
    from .selection.cache import StudyCache

    cache = StudyCache(project_paths(args.root).cache)
    if args.action == "clear":
        cache.clear()
        print(f"removed {cache.folder}")
    else:
        n, size = cache.size()
        print(f"{cache.folder}: {n} fits, {size / 2**20:.1f} MB")
    return 0


@_one_run_at_a_time
def _cmd_verify(args: argparse.Namespace) -> int:
    from .verify import verdict as verify

    result = verify.verify(
        args.root, n_jobs=args.jobs, progress=sys.stderr.isatty(), notebooks=not args.no_notebooks
    )
    print(verify.format_report(result))
    return 1 if result.tier == "DRIFT" else 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="themes",
        description="Thematic topic modelling checked against a hand-labelled reference set.",
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
    p.set_defaults(func=_cmd_corpus)

    p = sub.add_parser("reference", help="validate the codebook, labels and codings; write agreement.csv")
    p.set_defaults(func=_cmd_reference)

    p = sub.add_parser("fit", help="fit one topic model on the study's corpus (or any --corpus)")
    p.add_argument(
        "--model",
        required=True,
        help="a topic model of the study ("
        + ", ".join(DEFAULT_MODELS)
        + "); with --corpus also lda_tomotopy, lda_tomotopy_seeded, lda_online",
    )
    p.add_argument("--k", type=int, required=True, help="number of topics")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--top", type=int, default=10, help="top words to print per topic (default 10)")
    p.add_argument("--corpus", help="a folder of .txt files or a .csv/.jsonl/.parquet table: not the study")
    p.add_argument("--seed-words", help="with --corpus: YAML of theme: [words] for a seeded model")
    p.add_argument("--min-df", type=int, default=2, help="with --corpus: minimum paragraphs per term")
    p.add_argument("--out", help="with --corpus: folder for topics, document shares and the saved model")
    p.add_argument(
        "--streaming",
        action="store_true",
        help="with --corpus: read and count the corpus in chunks, for one larger than memory "
        "(automatic from 256 MiB of text)",
    )
    p.set_defaults(func=_cmd_fit)

    p = sub.add_parser("intrusion", help="word and topic intrusion tests of a saved model")
    isub = p.add_subparsers(dest="action", required=True)
    q = isub.add_parser("create", help="write the forms and the answer key for a saved model")
    q.add_argument("--model", required=True, help="a model saved in results/models/")
    q.add_argument("--out", help="folder (default data/reference/intrusion/MODEL)")
    q.add_argument("--seed", type=int, default=0, help="seed of the item draws (default 0)")
    q.add_argument("--paragraphs", type=int, default=20, help="topic-intrusion items (default 20)")
    q.add_argument(
        "--topics",
        type=int,
        default=3,
        help="a paragraph's top topics shown beside the intruder (default 3; K-1 at most)",
    )
    q.set_defaults(func=_cmd_intrusion_create)
    q = isub.add_parser("score", help="score the coders' filled-in forms")
    q.add_argument("folder", help="the test's folder (with intrusion.json and key/)")
    q.add_argument("--word", nargs="*", default=[], help="coders' word_intrusion.csv files")
    q.add_argument("--topic", nargs="*", default=[], help="coders' topic_intrusion.csv files")
    q.add_argument("--out", help="folder for the score tables (default FOLDER/scores)")
    q.set_defaults(func=_cmd_intrusion_score)

    p = sub.add_parser("score", help="theme scores of the paragraphs of unseen text files, as CSV")
    p.add_argument("--model", required=True, help="a model name of results/paragraph_scores.csv")
    p.add_argument("files", nargs="+", help="UTF-8 text files (or .csv/.jsonl tables with id and text)")
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser("init", help="start a study of your own in a new folder: layout, codebook, templates")
    p.add_argument("folder", help="a new (or empty) folder for the study")
    p.add_argument("--themes", required=True, help="comma-separated theme names, e.g. fire,conflict")
    p.add_argument("--corpus", help="a folder of .txt files or a .csv/.jsonl/.parquet table to copy in")
    p.set_defaults(func=_cmd_init)

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
    p.set_defaults(func=_cmd_reproduce)

    p = sub.add_parser("cache", help="the study's cache of fits (.themes-cache): its size, or clear it")
    p.add_argument("action", choices=("show", "clear"), nargs="?", default="show")
    p.set_defaults(func=_cmd_cache)

    p = sub.add_parser("verify", help="rebuild in a temporary folder and compare with the committed results")
    p.add_argument(
        "--jobs", type=int, default=-1, help="joblib workers for the fits (default -1: one per core)"
    )
    p.add_argument("--no-notebooks", action="store_true", help="rebuild and compare the tables only")
    p.set_defaults(func=_cmd_verify)
    return parser


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
        unusable = unusable_core_message()  # before anything calls OpenBLAS
        if unusable:
            raise ThemesError(unusable)
        project_paths(args.root)
        return args.func(args)
    except ThemesError as exc:
        print(f"themes {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the operating system refused a file (permissions, a full disk ...)
        where = f" {exc.filename}" if exc.filename else ""
        print(
            f"themes {args.command}: error: could not use{where}: {exc.strerror or exc}; "
            "check that it can be read (or written) and try again.",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
