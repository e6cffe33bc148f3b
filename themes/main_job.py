"""The main job: data/ in, every table, figure, saved model and executed notebook out.

:func:`run_study` fits the sweep and every reported model, compares them with the
reference and writes a results folder; :func:`reproduce` (``themes reproduce``) rebuilds the
paragraphs and agreement, stages ``results/`` beside the old one and swaps it in whole, then
executes the notebooks.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd

from . import files, outputs, selection, tables
from .intrusion_scores import score_study_intrusion
from .manifest import build_manifest
from .registry import MODELS
from .scoring import KeywordScorer, SupervisedScorer, TopicScorer
from .study import Study, StudyConfig, build_corpus, load_study, project_paths, write_agreement
from .sweep import FitTask, fit_models, run_sweep

STAGING_PREFIX = ".results-"


def run_study(study: Study, out: Path, *, progress: bool = False) -> dict:
    """Fit the sweep and every reported model, compare with the reference, write ``out``.

    ``out`` is the results folder; every table, figure, saved model and the manifest go
    there. Returns the manifest.
    """
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
        if name not in cfg.sweep_models
        for seed in cfg.seeds
    ]
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
            scored.append(selection.score_fits(part, study.matrices[kind]))
    models_table = pd.concat(scored, ignore_index=True)

    fits_by_model = sweep.chosen_fits()
    for fit in extra:
        fits_by_model.setdefault(fit.name, []).append(fit)
    scorers: dict = {
        name: [TopicScorer.from_model(f, labels, seeded=MODELS[name].seeded) for f in fits_by_model[name]]
        for name in MODELS
    }
    scorers["keywords"] = [KeywordScorer.from_matrix(study.dtm, study.seed_words)]
    scorers["supervised"] = [
        SupervisedScorer.from_matrix(study.dtm, labels, study.duplicate_groups, seed=s) for s in cfg.seeds
    ]

    per_seed = tables.per_seed_metrics(scorers, labels)
    failures = tables.failures(scorers)
    spread = tables.intervals_and_nulls(
        scorers, labels, n_boot=cfg.n_boot, n_perm=cfg.n_perm, seed=cfg.stat_seed
    )
    alignment = tables.alignment_table(
        scorers, per_seed, failures, spread, labels=labels, coders=study.coders
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
            "summary.csv": tables.summary_table(alignment),
            "topics.csv": tables.topics_table(scorers),
            "failures.csv": failures,
            "alignment_by_seed.csv": per_seed,
            "vocabulary.csv": tables.vocabulary_table(study.dtm),
        },
    )
    intrusion_tests = study.project.reference / "intrusion"
    if intrusion_tests.is_dir():
        current_k = {n: r[0].model.k for n, r in scorers.items() if isinstance(r[0], TopicScorer)}
        intrusion = score_study_intrusion(intrusion_tests, models=current_k, seed=cfg.stat_seed)
        if not intrusion.empty:
            outputs.write_tables(out, {"intrusion.csv": intrusion})
            outputs.write_intrusion_figure(out / "figures", intrusion, tables.summary_table(alignment))
    doc_of = study.kept.set_index("paragraph_id")["doc_id"]
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
    )
    outputs.save_scorers(out / "models", scorers)
    outputs.write_explorers(
        out / "explorer", scorers, texts=study.kept.set_index("paragraph_id")["text"], labels=labels
    )
    manifest = build_manifest(study, out, sweep.chosen, fits_by_model)
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
    from .cluster import connect, dask_backend

    project = project_paths(root)
    # the cluster first, so that an unreachable scheduler fails before anything is written
    with connect(scheduler=scheduler, n_workers=dask_workers) as client:
        table = build_corpus(project, rules=config.cleaning)
        study = load_study(project, config=config, paragraphs=table)
        write_agreement(study)
        staged = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=project.root))
        try:
            with dask_backend(client, scatter=study.matrices.values()):
                manifest = run_study(study, staged, progress=progress)
            replace_folder(staged, project.results)
        finally:
            if staged.exists():
                shutil.rmtree(staged)
    if notebooks:
        from .notebooks import run_notebooks

        run_notebooks(project.notebooks, progress=progress)
    return manifest
