"""The subcommands of ``themes``: each reads its arguments, calls the package and returns the exit
code. The numeric libraries are imported inside each command, so that ``themes --help`` and a
refused argument answer at once."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from ..errors import CorpusWarning, ThemesError
from ..study.arguments import study_settings
from ..study.design import CONFOUNDS, get_spec
from ..study.project import Project, check_model_name, project_paths


def check_out(out: Path, root: str | Path) -> Path:
    """Refuse an output folder that is a file or lies inside the read-only ``data/raw``."""
    if out.exists() and not out.is_dir():
        raise ThemesError(f"the output folder {out} is a file; give a folder with --out.")
    raw = Project(Path(root)).raw.resolve()
    if out.resolve().is_relative_to(raw):
        raise ThemesError(f"refusing to write into the corpus folder {raw}; choose another --out.")
    return out


def one_run_at_a_time(command):
    """Hold ``<root>/.themes.lock`` while ``command`` runs; a second run stops at once.

    :func:`themes.study.run.reproduce` takes the same (re-entrant) lock; here it also covers
    the notebooks, which run after the results are swapped in.
    """
    import functools

    @functools.wraps(command)
    def locked(args: argparse.Namespace) -> int:
        from ..study.run import project_lock

        with project_lock(args.root):
            return command(args)

    return locked


def cmd_corpus(args: argparse.Namespace) -> int:
    from .. import corpus, files

    project = Project(Path(args.root))
    source = Path(args.path) if args.path else project.raw
    out = check_out(Path(args.out), args.root) if args.out else project.processed
    if source.is_dir() and out.resolve().is_relative_to(source.resolve()):
        raise ThemesError(f"refusing to write into the corpus folder {source}; choose another --out.")
    files.restore_folder(out)  # what a run killed while swapping left beside it
    files.check_replaceable(out, ("paragraphs.csv", "paragraph_summary.csv"), command="themes corpus")
    with warnings.catch_warnings(record=True) as caught, files.staged_folder(out) as staged:
        warnings.simplefilter("always", CorpusWarning)
        summary = corpus.write_paragraphs(source, staged)  # in chunks from 8 MiB: bounded memory
    for w in caught:
        print(f"themes corpus: warning: {w.message}", file=sys.stderr)
    print(summary.to_string(index=False))
    print(f"wrote {out / 'paragraphs.csv'} ({int(summary['kept'].iloc[-1])} kept paragraphs)")
    return 0


def cmd_reference(args: argparse.Namespace) -> int:
    from ..study.inputs import load_study
    from ..study.reference_rounds import check_reference

    study = load_study(project_paths(args.root))
    ids = study.kept["paragraph_id"].tolist()
    for report in check_reference(study.project, themes=study.themes, ids=ids, adjudicator=args.adjudicator):
        print(report.text())
    return 0


def cmd_code(args: argparse.Namespace) -> int:
    from ..study import coding

    project = project_paths(args.root)
    if args.action == "collect":
        print("\n".join(coding.collect_round(project, Path(args.folder), args.files)))
        return 0
    out = check_out(Path(args.out), args.root) if args.out else None
    models = args.models.split(",") if args.models else None
    make = coding.create_intrusion_round if args.intrusion else coding.create_label_round
    pages = make(project, coders=args.coders, seed=args.seed, round_name=args.round, out=out, models=models)
    names = ", ".join(p.name for p in pages)
    print(f"wrote the round in {pages[0].parents[1]}; give each coder only their own page ({names})")
    return 0


def cmd_fit(args: argparse.Namespace) -> int:
    if args.corpus:
        if not args.out:
            raise ThemesError("with --corpus, give --out DIR for the topics and the saved model.")
        return cmd_fit_corpus(args)
    get_spec(args.model)  # an unknown name is refused before the numeric libraries are imported

    from ..study.inputs import load_study
    from ..study.single import fit_study_model

    study = load_study(project_paths(args.root), labels_required=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        model, npmi = fit_study_model(study, args.model, k=args.k, seed=args.seed)
    for w in caught:
        print(f"themes fit: warning: {w.message}", file=sys.stderr)
    n, v = model.doc_topic.shape[0], model.topic_term.shape[1]
    from ..selection.measures import TOP_N, diversity

    print(
        f"{model.name}: K={model.k}, seed={model.seed}, {n} paragraphs, {v} terms; "
        f"diversity {diversity(model.top_term_indices(TOP_N)):.2f}"
    )
    for name, words, score in zip(
        model.topic_names, model.top_word_lists(args.top), npmi["npmi"], strict=True
    ):
        print(f"{name:>14}  NPMI {score:+.3f}  {' '.join(words)}")
    return 0


def cmd_fit_corpus(args: argparse.Namespace) -> int:
    """``themes fit --corpus PATH``: any corpus, no study folder; topics, shares and the model to --out."""
    from ..study.single import fit_corpus_into

    out = check_out(Path(args.out), args.root)
    corpus_folder = Path(args.corpus)
    if corpus_folder.is_dir() and out.resolve().is_relative_to(corpus_folder.resolve()):
        raise ThemesError(f"refusing to write into the corpus folder {corpus_folder}; choose another --out.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        fitted, written = fit_corpus_into(  # staged beside --out and swapped in whole
            out,
            corpus_folder,
            args.model,
            top=args.top,
            k=args.k,
            seed=args.seed,
            min_df=args.min_df,
            seed_words=args.seed_words,
            streaming=args.streaming,
        )
    for w in caught:
        print(f"themes fit: warning: {w.message}", file=sys.stderr)
    print(fitted.model.top_words(args.top).to_string())
    print(f"wrote {', '.join(written[:-1])} and {written[-1]} to {out}")
    return 0


def cmd_intrusion_create(args: argparse.Namespace) -> int:
    from ..models.topic_model import TopicModel
    from ..study.inputs import build_corpus
    from ..validate.intrusion import write_intrusion_test

    project = project_paths(args.root)
    out = check_out(Path(args.out), args.root) if args.out else None
    saved = project.results / "models" / check_model_name(args.model, project.results / "models")
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
        min_genuine_share=args.min_genuine_share,
    )
    print(f"wrote the intrusion test of {args.model} to {out}: give the coders {out / 'form'} only")
    return 0


def cmd_intrusion_score(args: argparse.Namespace) -> int:
    from .. import files
    from ..validate.intrusion_scores import score_intrusion_test

    out = check_out(Path(args.out) if args.out else Path(args.folder) / "scores", args.root)
    files.check_replaceable(out, ("*_intrusion_*.csv",), command="themes intrusion score")
    scores = score_intrusion_test(args.folder, word_answers=args.word, topic_answers=args.topic)
    with files.staged_folder(out) as staged:  # every table or none
        for result in scores.values():
            for name, table in result.tables().items():
                files.write_csv(staged / name, table)
    for result in scores.values():
        print(result.overall.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"wrote the scores to {out}")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    project = project_paths(args.root)
    if args.model not in CONFOUNDS:  # the confounds get their own sentence from score_texts
        project.saved_model(args.model)  # refused before the numeric libraries are imported

    from .. import files
    from ..study.single import score_texts

    scores = score_texts(project, args.model, args.files)
    sys.stdout.write(files.csv_text(files.defuse_formulas(scores)))  # often saved and opened in a spreadsheet
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from ..study.scaffold import init_report, init_study

    project = init_study(args.folder, args.themes, corpus=args.corpus)
    for line in init_report(project):
        print(line)
    print(f"wrote a new study to {project.root}; its README.md lists the next steps")
    return 0


@one_run_at_a_time
def cmd_reproduce(args: argparse.Namespace) -> int:
    from ..selection.cache import StudyCache
    from ..study.run import reproduce
    from ..study.settings import study_config

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


def cmd_cache(args: argparse.Namespace) -> int:
    from ..selection.cache import StudyCache

    cache = StudyCache(project_paths(args.root).cache)
    if args.action == "clear":
        cache.clear()
        print(f"removed {cache.folder}")
    else:
        n, size = cache.size()
        print(f"{cache.folder}: {n} fits, {size / 2**20:.1f} MB")
    return 0


@one_run_at_a_time
def cmd_verify(args: argparse.Namespace) -> int:
    from ..verify import verdict as verify

    result = verify.verify(
        args.root, n_jobs=args.jobs, progress=sys.stderr.isatty(), notebooks=not args.no_notebooks
    )
    print(verify.format_report(result))
    return 1 if result.tier == "DRIFT" else 0
