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

from .errors import ThemesError
from .project import Project


def _cmd_corpus(args: argparse.Namespace) -> int:
    from . import corpus, io

    project = Project(Path(args.root))
    source = Path(args.path) if args.path else project.raw
    out = Path(args.out) if args.out else project.processed
    if source.is_dir() and out.resolve().is_relative_to(source.resolve()):
        raise ThemesError(f"refusing to write into the corpus folder {source}; choose another --out.")
    docs = corpus.load_documents(source)
    table = corpus.build_paragraphs(docs)
    summary = corpus.summarize(table)
    io.write_csv(out / "paragraphs.csv", table)
    io.write_csv(out / "paragraph_summary.csv", summary)
    print(summary.to_string(index=False))
    print(f"wrote {out / 'paragraphs.csv'} ({int((table['status'] == 'kept').sum())} kept paragraphs)")
    return 0


def _cmd_reference(args: argparse.Namespace) -> int:
    from . import pipeline

    project = Project(Path(args.root))
    study = pipeline.load_study(project)
    table = pipeline.write_agreement(study)
    print(
        f"{len(study.labels)} kept paragraphs labelled on {len(study.themes)} themes: "
        f"{', '.join(study.themes)}"
    )
    if table is not None:
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        print(f"wrote {project.reference / 'agreement.csv'}")
    return 0


def _cmd_fit(args: argparse.Namespace) -> int:
    from . import pipeline, selection

    project = Project(Path(args.root))
    study = pipeline.load_study(project, labels_required=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        model = pipeline.fit_named(study, args.model, k=args.k, seed=args.seed)
    for w in caught:
        print(f"themes fit: warning: {w.message}", file=sys.stderr)
    top = model.top_terms(selection.TOP_N)
    npmi = selection.coherence([[model.vocabulary[j] for j in t] for t in top], model.dtm, measure="c_npmi")
    print(
        f"{model.name}: K={model.k}, seed={model.seed}, {model.dtm.shape[0]} paragraphs, "
        f"{model.dtm.shape[1]} terms; diversity {selection.diversity(top):.2f}"
    )
    for name, words, score in zip(model.topic_names, model.top_words(args.top), npmi, strict=True):
        print(f"{name:>14}  NPMI {score:+.3f}  {' '.join(words)}")
    return 0


def _cmd_score(args: argparse.Namespace) -> int:
    from . import corpus, pipeline

    project = Project(Path(args.root))
    if args.model not in pipeline.MODEL_NAMES:
        raise ThemesError(f"unknown model {args.model!r}; choose one of {', '.join(pipeline.MODEL_NAMES)}.")
    docs = [doc for path in args.files for doc in corpus.load_documents(Path(path))]
    table = corpus.kept(corpus.build_paragraphs(docs))
    study = pipeline.load_study(project)
    selected = pipeline.read_selection(project) if args.model in pipeline.SWEPT else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # seed words missing: reported by themes fit
        scores = pipeline.score_texts(
            study, args.model, table["text"].tolist(), table["paragraph_id"].tolist(), selected=selected
        )
    from . import io

    sys.stdout.write(io.csv_text(scores))
    return 0


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from . import pipeline

    config = pipeline.StudyConfig(n_jobs=args.jobs)
    manifest = pipeline.reproduce(
        args.root, config=config, notebooks=not args.no_notebooks, progress=sys.stderr.isatty()
    )
    chosen = ", ".join(f"{m} K={k}" for m, k in manifest["selection"]["chosen_K"].items())
    print(f"rebuilt {len(manifest['outputs'])} outputs in {Path(args.root) / 'results'} (chosen: {chosen})")
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from . import verify

    report = verify.verify(args.root, n_jobs=args.jobs, progress=sys.stderr.isatty())
    print(report.to_string(index=False))
    bad = report[~report["verdict"].isin(verify.PASSING)]
    if len(bad):
        print(f"DRIFT: {len(bad)} of {len(report)} files differ from the committed results.")
        return 1
    print(f"OK: all {len(report)} files match the committed results ({verify.TOLERANCE_TEXT}).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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

    p = sub.add_parser("fit", help="fit one topic model on the corpus and print its topics")
    p.add_argument(
        "--model",
        required=True,
        help="lda_gensim, lda_sklearn, nmf_sklearn, nmf_minibatch, lda_seeded, nmf_seeded or lda_naive",
    )
    p.add_argument("--k", type=int, required=True, help="number of topics")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--top", type=int, default=10, help="top words to print per topic (default 10)")
    p.set_defaults(func=_cmd_fit)

    p = sub.add_parser("score", help="theme scores of the paragraphs of unseen text files, as CSV")
    p.add_argument("--model", required=True, help="a model name of results/paragraph_scores.csv")
    p.add_argument("files", nargs="+", help="UTF-8 text files (or .csv/.jsonl tables with id and text)")
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser("reproduce", help="rebuild every table, figure and notebook from data/")
    p.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="joblib workers for the K sweep (default 1; results do not depend on it)",
    )
    p.add_argument("--no-notebooks", action="store_true", help="skip executing the notebooks")
    p.set_defaults(func=_cmd_reproduce)

    p = sub.add_parser("verify", help="rebuild in a temporary folder and compare with the committed results")
    p.add_argument("--jobs", type=int, default=1, help="joblib workers for the K sweep (default 1)")
    p.set_defaults(func=_cmd_verify)
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
