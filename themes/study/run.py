"""The main job: data/ in, every table, figure, saved model and executed notebook out.

:func:`run_study` fits the sweep and every reported model, compares them with the
reference and writes a results folder; :func:`reproduce` (``themes reproduce``) rebuilds the
paragraphs and agreement, stages ``results/`` beside the old one and swaps it in whole, then
executes the notebooks.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout
from sklearn.utils.parallel import Parallel, delayed

from .. import files
from ..comparison import robustness as seed_checks
from ..comparison import tables
from ..comparison.scorers import ConfoundScorer, KeywordScorer, SupervisedScorer, TopicScorer
from ..corpus.paragraphs import summarize
from ..errors import ThemesError
from ..models.registry import MODELS
from ..selection import measures as selection
from ..selection.sweep import FitTask, fit_models, run_sweep
from ..validate.intrusion_scores import score_study_intrusion
from . import outputs
from .inputs import Study, StudyConfig, build_corpus, load_study, write_agreement
from .manifest import build_manifest
from .project import Project, project_paths

STAGING_PREFIX = ".results-"
LOCK_FILE = ".themes.lock"


def run_study(study: Study, out: Path, *, progress: bool = False) -> dict:
    """Fit the sweep and every reported model, compare with the reference, write ``out``.

    ``out`` is the results folder; every table, figure, saved model and the manifest go
    there. Returns the manifest.
    """
    import sklearn

    # Thousands of scikit-learn calls on the study's own matrices and scores (fits, AUCs, average
    # precisions) re-check arguments and finiteness each time: a fifth of the main job. The
    # matrices come from the Vectorizer and the scores from fitted models, so the checks are
    # skipped here; the numbers are the same (the rebuild is byte-identical either way).
    with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
        return _run_study(study, out, progress=progress)


def _run_study(study: Study, out: Path, *, progress: bool) -> dict:
    cfg, labels = study.config, study.labels
    sweep = run_sweep(
        study.dtm,
        models=cfg.sweep_models,
        k_range=cfg.k_range,
        seeds=cfg.seeds,
        n_jobs=cfg.n_jobs,
        progress=progress,
    )
    selected = sweep.selected

    # the other topic models, every seed, at their fixed K
    extra_tasks = [
        FitTask(name, study.model_k(name, selected), seed)
        for name in MODELS
        if name not in cfg.sweep_models and (study.seed_words or not MODELS[name].seeded)
        for seed in cfg.seeds
    ]
    if not study.seed_words:
        skipped = ", ".join(n for n, spec in MODELS.items() if spec.seeded)
        say(
            f"themes: no seed words in {study.project.seed_words}: the seeded models ({skipped}) are skipped."
        )
    extra = fit_models(
        extra_tasks,
        study.matrices,
        seed_words=study.seed_words,
        n_jobs=cfg.n_jobs,
        progress=progress,
        desc="other models",
    )
    scored = [sweep.scores]
    for kind in ("study", "naive"):
        part = [f for f in extra if MODELS[f.name].vectorizer == kind]
        if part:
            scored.append(selection.score_fits(part, study.matrices[kind], n_jobs=cfg.n_jobs))
    models_table = pd.concat(scored, ignore_index=True)

    fits_by_model = sweep.chosen_fits()
    for fit in extra:
        fits_by_model.setdefault(fit.name, []).append(fit)
    if labels is None:
        return run_without_labels(study, out, sweep, fits_by_model, models_table)
    scorers: dict = {
        name: [TopicScorer.from_model(f, labels, seeded=MODELS[name].seeded) for f in fits_by_model[name]]
        for name in MODELS
    }
    scorers["keywords"] = [KeywordScorer.from_matrix(study.dtm, study.seed_words)]
    scorers["keywords_vocab"] = [KeywordScorer.from_matrix(study.dtm, study.seed_words, vocabulary_only=True)]
    scorers["document"] = [ConfoundScorer.from_documents(study.dtm, labels)]
    scorers["length"] = [ConfoundScorer.from_lengths(study.dtm, labels)]
    # one classifier per seed, each in its own local worker (the seed is its only randomness)
    scorers["supervised"] = Parallel(n_jobs=cfg.n_jobs, backend="loky")(
        delayed(SupervisedScorer.from_matrix)(study.dtm, labels, list(study.dtm.document_ids), seed=s)
        for s in cfg.seeds
    )

    per_seed = tables.per_seed_metrics(scorers, labels)
    failures = tables.failures(scorers)
    doc_of = study.kept.set_index("paragraph_id")["doc_id"]
    spread = tables.intervals_and_nulls(
        scorers, labels, doc_of, n_boot=cfg.n_boot, n_perm=cfg.n_perm, seed=cfg.stat_seed, n_jobs=cfg.n_jobs
    )
    alignment = tables.alignment_table(
        scorers,
        per_seed,
        failures,
        spread,
        labels=labels,
        coders=study.coders,
        seed_terms=tables.theme_terms(study.dtm, study.seed_words),
    )
    summary = tables.summary_table(alignment)
    seed_tables = {}
    if study.seed_words and cfg.seed_word_checks:
        seed_tables["seeding_effect.csv"] = seed_checks.seeding_effect(
            study.dtm,
            labels,
            scorers,
            alignment,
            doc_of,
            n_boot=cfg.n_boot,
            n_perm=cfg.n_perm,
            stat_seed=cfg.stat_seed,
            n_jobs=cfg.n_jobs,
            progress=progress,
        )
        seed_tables["seed_sensitivity.csv"] = seed_checks.seed_sensitivity(
            study.dtm,
            labels,
            study.seed_words,
            scorers,
            seed=cfg.seeds[0],
            stat_seed=cfg.stat_seed,
            n_jobs=cfg.n_jobs,
            progress=progress,
        )
    sweep_scorers = [TopicScorer.from_model(f, labels, seeded=False) for f in sweep.fits]
    sensitivity = tables.k_sensitivity(sweep_scorers, labels, selected)
    outputs.write_tables(
        out,
        {
            "paragraph_scores.csv": tables.paragraph_scores(scorers, study.themes),
            "alignment.csv": alignment,
            "models.csv": models_table,
            "model_sweep.csv": sweep.summary,
            "model_selection.csv": sweep.chosen,
            "k_sensitivity.csv": sensitivity,
            "summary.csv": summary,
            "topics.csv": tables.topics_table(scorers),
            "failures.csv": failures,
            "alignment_by_seed.csv": per_seed,
            "vocabulary.csv": tables.vocabulary_table(study.dtm),
            **seed_tables,
        },
    )
    intrusion_tests = study.project.reference / "intrusion"
    if intrusion_tests.is_dir():
        current_k = {n: r[0].model.k for n, r in scorers.items() if isinstance(r[0], TopicScorer)}
        intrusion = score_study_intrusion(intrusion_tests, models=current_k, seed=cfg.stat_seed)
        if not intrusion.empty:
            outputs.write_tables(out, {"intrusion.csv": intrusion})
            outputs.write_intrusion_figure(out / "figures", intrusion, summary)
    outputs.write_reference_tables(out, labels, doc_of)
    outputs.write_figures(
        out / "figures",
        labels=labels,
        doc_of=doc_of,
        summary=sweep.summary,
        selected=selected,
        sensitivity=sensitivity,
        alignment=alignment,
        scorers=scorers,
        n_jobs=cfg.n_jobs,
    )
    outputs.save_scorers(out / "models", scorers)
    outputs.write_explorers(
        out / "explorer", scorers, texts=study.kept.set_index("paragraph_id")["text"], labels=labels
    )
    manifest = build_manifest(study, out, sweep.chosen, fits_by_model)
    files.write_json(out / "MANIFEST.json", manifest)
    return manifest


def say(line: str) -> None:
    """One line for the user on standard error (what the main job skipped and why)."""
    import sys

    print(line, file=sys.stderr)


LABELLED_OUTPUTS = (
    "alignment.csv, summary.csv, k_sensitivity.csv, failures.csv, alignment_by_seed.csv, "
    "reference/, the supervised and confound baselines, the association and score figures"
)


def run_without_labels(
    study: Study, out: Path, sweep, fits_by_model: dict, models_table: pd.DataFrame
) -> dict:
    """The main job's outputs that need no hand labels, for a study whose labels are not made yet.

    Writes the sweep and fit tables, the topics (plain models' topics unmatched, "other"; seeded
    models' theme topics named), top-word and sweep figures, an explorer per model (no theme
    overlay), the saved models and the manifest; ``paragraph_scores.csv`` holds the models whose
    theme scores need no labels (seeded models and the seed-word counts). Intrusion tests are
    offered in their place: scored into ``intrusion.csv`` when answered, else their command is given.
    """
    from ..comparison.matching import topic_theme_scores

    scorers: dict = {}
    for name, fits in fits_by_model.items():
        model, seeded = fits[0], MODELS[name].seeded
        matching = {t: (t if seeded and t in model.topic_names else None) for t in study.themes}
        scorers[name] = [
            TopicScorer(model, pd.DataFrame(), matching, topic_theme_scores(model, matching), seeded)
        ]
    if study.seed_words:
        scorers["keywords"] = [KeywordScorer.from_matrix(study.dtm, study.seed_words)]
    themed = {n: r for n, r in scorers.items() if not isinstance(r[0], TopicScorer) or r[0].seeded}
    named = {
        "models.csv": models_table,
        "model_sweep.csv": sweep.summary,
        "model_selection.csv": sweep.chosen,
        "topics.csv": tables.topics_table(scorers),
        "vocabulary.csv": tables.vocabulary_table(study.dtm),
    }
    if themed:
        named["paragraph_scores.csv"] = tables.paragraph_scores(themed, study.themes)
    outputs.write_tables(out, named)
    outputs.write_figure_jobs(
        out / "figures",
        outputs.sweep_figure_jobs(sweep.summary, sweep.selected) + outputs.top_words_jobs(scorers),
        n_jobs=study.config.n_jobs,
    )
    outputs.save_scorers(out / "models", scorers)
    texts = study.kept.set_index("paragraph_id")["text"]
    outputs.write_explorers(out / "explorer", scorers, texts=texts, labels=None)
    tests = study.project.reference / "intrusion"
    k_of = {n: r[0].model.k for n, r in scorers.items() if isinstance(r[0], TopicScorer)}
    intrusion = (
        score_study_intrusion(tests, models=k_of, seed=study.config.stat_seed) if tests.is_dir() else None
    )
    if intrusion is not None and not intrusion.empty:
        outputs.write_tables(out, {"intrusion.csv": intrusion})
    root = study.project.root
    to_create = [n for n in k_of if not (tests / n).is_dir()]
    missing = study.project.labels.relative_to(root).as_posix()
    note = f"no hand labels ({missing} does not exist): skipped {LABELLED_OUTPUTS}."
    say(f"themes: no hand labels ({study.project.labels} does not exist): skipped {LABELLED_OUTPUTS}.")
    if to_create:
        example = f"themes --root {root} intrusion create --model {to_create[0]}"
        say(f"themes: check the topics with intrusion tests instead, e.g. {example}")
    manifest = build_manifest(study, out, sweep.chosen, fits_by_model)
    # relative paths and model names only: the manifest is the same wherever the study folder is
    manifest["labels"] = {"present": False, "note": note, "intrusion_tests_to_create": to_create}
    files.write_json(out / "MANIFEST.json", manifest)
    return manifest


def replace_folder(staged: Path, target: Path) -> None:
    """Put a fully written folder in place of ``target`` (the old one is removed only then)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
    staged.rename(target)
    if old is not None:
        shutil.rmtree(old)


@contextlib.contextmanager
def project_lock(root: str | Path):
    """Hold ``<root>/.themes.lock``: one ``reproduce`` or ``verify`` per project folder at a time.

    Raises
    ------
    ThemesError
        At once, when another run holds the lock, or when ``root`` is not a project (no ``data/raw``).
    """
    # checked first: the lock would leave its file in a folder that is not a project
    Project(Path(root)).require_corpus()
    path = Path(root).resolve() / LOCK_FILE
    lock = FileLock(path, timeout=0, is_singleton=True)  # a singleton is re-entrant in one process
    try:
        lock.acquire()
    except Timeout:
        raise ThemesError(f"another themes run holds {path}; wait for it to finish.") from None
    try:
        yield path
    finally:
        lock.release()


def remove_stale_staging(project) -> list[Path]:
    """Remove what killed runs left beside ``results/`` (call it only while holding the lock).

    A run killed between the two renames of :func:`replace_folder` leaves no ``results/`` but
    a whole ``.results.old``: that one is put back rather than removed.
    """
    old = project.results.with_name(f".{project.results.name}.old")
    if old.is_dir() and not project.results.exists():
        old.rename(project.results)
    stale = sorted(project.root.glob(STAGING_PREFIX + "*")) + ([old] if old.exists() else [])
    for folder in stale:
        shutil.rmtree(folder)
    return stale


def reproduce(
    root: str | Path = ".",
    *,
    config: StudyConfig = StudyConfig(),
    notebooks: bool = True,
    progress: bool = True,
    scheduler: str | None = None,
    dask_workers: int | None = None,
) -> dict:
    """Rebuild everything from ``data/``: paragraphs, agreement, results/ and the notebooks.

    With ``scheduler`` (a Dask scheduler's address) or ``dask_workers`` (a local cluster of
    that many processes, closed after) the fits run on that cluster; the results are the same.
    """
    from ..selection.dask_cluster import connect, dask_backend

    if notebooks:
        from .notebooks import check_execution_tools

        check_execution_tools()
    project = project_paths(root)
    # the cluster first, so that an unreachable scheduler fails before anything is written
    with project_lock(project.root), connect(scheduler=scheduler, n_workers=dask_workers) as client:
        remove_stale_staging(project)  # what killed runs left; no other run holds the lock
        # every input (the adjudication log too) is validated before anything is written
        table = build_corpus(project, rules=config.cleaning, write=False)
        study = load_study(project, config=config, paragraphs=table)
        write_agreement(study)
        files.write_csv(project.paragraphs, table)
        files.write_csv(project.processed / "paragraph_summary.csv", summarize(table))
        staged = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=project.root))
        try:
            with dask_backend(client, scatter=study.matrices.values()):
                manifest = run_study(study, staged, progress=progress)
            replace_folder(staged, project.results)
        finally:
            if staged.exists():
                shutil.rmtree(staged)
    if notebooks:
        execute_notebooks(study, progress=progress)
    return manifest


def execute_notebooks(study: Study, *, progress: bool = False) -> list[Path]:
    """Execute the study's notebooks that it can feed (after its results are written); the executed ones.

    Each notebook left, because the study lacks what its metadata says it needs (labels, two
    codings, answered intrusion tests: :data:`themes.study.notebooks.NEEDS`), is named with what it waits for.
    """
    from .notebooks import NEEDS, needs, notebook_paths, run_notebooks

    project = study.project
    present = {
        "labels": study.labels is not None,
        "coders": study.coders is not None,
        "intrusion": (project.results / "intrusion.csv").is_file(),
    }
    available = [name for name, there in present.items() if there]
    executed = run_notebooks(project.notebooks, progress=progress, available=available)
    for path in notebook_paths(project.notebooks):
        if path not in executed:
            missing = [NEEDS.get(n, n) for n in needs(path) if n not in available]
            say(f"themes: left {path.name} unexecuted: it needs {'; '.join(missing)}.")
    return executed
