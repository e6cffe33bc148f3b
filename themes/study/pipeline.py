"""The study's run as stages: fit the models, turn them into theme scorers, compare, write.

Each stage takes typed inputs and returns a small frozen record:

* :func:`fit_stage` (a :class:`~themes.study.inputs.Study`) -> :class:`Fits`: the K sweep of the
  plain models and every other model of the design, each seed;
* :func:`scorer_stage` (study, fits) -> every model's :class:`~themes.comparison.scorers.ModelRuns`:
  with labels, topics matched to themes and the baselines; without, the seeded models' own topics
  and the seed-word counts;
* :func:`compare_stage` (study, fits, runs) -> :class:`Comparisons`: ``alignment.csv`` and the
  tables and checks that need labels (:func:`themes.comparison.compare.theme_table` per model);
* :func:`themes.study.outputs.write_results` writes what the stages made.

:func:`themes.study.run.run_study` composes them into the main job;
:func:`themes.study.explore.explore_corpus` composes the first three on a folder of one's own texts,
without writing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from sklearn.utils.parallel import Parallel, delayed

from ..comparison import robustness
from ..comparison.intervals import paired_auc_difference
from ..comparison.keyword_topics import FEW_KEYWORDS, few_keywords
from ..comparison.matching import topic_theme_scores
from ..comparison.null import null_design
from ..comparison.scorers import ConfoundScorer, KeywordScorer, ModelRuns, SupervisedScorer, TopicScorer
from ..comparison.theme_table import summary_table, theme_table, theme_terms
from ..models.topic_model import TopicModel
from ..progress import progress as progress_counter
from ..progress import say
from ..selection import measures
from ..selection.sweep import Sweep, fit_models, grid_task, run_sweep
from .inputs import Study
from .tables import k_sensitivity


@dataclass(frozen=True, eq=False)
class Fits:
    """Every fit of a run.

    Attributes
    ----------
    sweep : Sweep
        The K sweep of the design's swept models (every K and seed) and the K chosen.
    by_model : dict of str to list of TopicModel
        Each model's fits used in the results, one per seed, in the design's order: the swept
        models at their chosen K, the others at their fixed K.
    table : pandas.DataFrame
        ``models.csv``: coherence, diversity and stability of every fit.
    """

    sweep: Sweep
    by_model: dict[str, list[TopicModel]]
    table: pd.DataFrame


def fit_stage(study: Study, *, progress: bool = False) -> Fits:
    """Fit the sweep and every other model of the study's design, each seed; score every fit."""
    cfg = study.config
    design = cfg.models
    swept = {name: design[name].prototype() for name in cfg.sweep_models}
    sweep = run_sweep(
        study.dtm, swept, k_range=cfg.k_range, seeds=cfg.seeds, n_jobs=cfg.n_jobs, progress=progress
    )
    others = [
        n for n, spec in design.items() if n not in cfg.sweep_models and (study.seed_words or not spec.seeded)
    ]
    seed_terms = theme_terms(study.dtm.vectorizer, study.seed_words)
    for theme, n in few_keywords(seed_terms).items():
        say(
            f"themes: only {n} seed word(s) of {theme} are in the vocabulary (fewer than {FEW_KEYWORDS}): "
            "its seeded topics have little to hold on to; see keyword_topics.csv."
        )
    skipped = ", ".join(n for n, spec in design.items() if spec.seeded)
    if not study.seed_words and skipped:
        say(
            f"themes: no seed words in {study.project.seed_words}: the seeded models ({skipped}) are skipped."
        )
    tasks = [
        grid_task(
            name,
            design[name].prototype(seed_words=study.seed_words if design[name].seeded else None),
            k=study.model_k(name, sweep.selected),
            seed=seed,
            matrix=design[name].vectorizer,
        )
        for name in others
        for seed in cfg.seeds
    ]
    extra = fit_models(tasks, study.matrices, n_jobs=cfg.n_jobs, progress=progress, desc="other models")
    scored = [sweep.scores]
    with progress_counter(1, "coherence of the other models", enabled=progress) as bar:
        for kind, dtm in study.matrices.items():
            part = [f for f in extra if design[f.name].vectorizer == kind]
            if part:
                scored.append(measures.score_fits(part, dtm, n_jobs=cfg.n_jobs))
        bar.update(1)
    by_model = sweep.chosen_fits()
    for fit in extra:
        by_model.setdefault(fit.name, []).append(fit)
    order = [n for n in design if n in by_model]
    return Fits(sweep, {n: by_model[n] for n in order}, pd.concat(scored, ignore_index=True))


def scorer_stage(study: Study, fits: Fits) -> dict[str, ModelRuns]:
    """Every model's theme scorers, one per seed: topic models, then the baselines.

    With labels, plain models' topics are matched to the themes on them, and the confounds and
    the supervised classifier are added. Without labels, only what needs none: the first seed of
    each topic model (a seeded model's themes are its own topics; a plain model's are unmatched)
    and the seed-word counts.
    """
    labels = study.labels
    if labels is None:
        runs = {}
        for name, models in fits.by_model.items():
            model = models[0]
            matching = {t: (t if model.seeded and t in model.topic_names else None) for t in study.themes}
            scores = topic_theme_scores(model, matching)
            runs[name] = ModelRuns(name, (TopicScorer(model, None, matching, scores, model.seeded),))
        if study.seed_words:
            runs["keywords"] = ModelRuns(
                "keywords", (KeywordScorer.from_matrix(study.dtm, study.seed_words),)
            )
        return runs
    runs = {name: ModelRuns.of_models(models, labels) for name, models in fits.by_model.items()}
    dtm, cfg = study.dtm, study.config
    runs["keywords"] = ModelRuns("keywords", (KeywordScorer.from_matrix(dtm, study.seed_words),))
    runs["keywords_vocab"] = ModelRuns(
        "keywords_vocab", (KeywordScorer.from_matrix(dtm, study.seed_words, vocabulary_only=True),)
    )
    n_docs = len(set(dtm.document_ids or ()))
    if n_docs <= cfg.confound_documents_max:
        runs["document"] = ModelRuns("document", (ConfoundScorer.from_documents(dtm, labels),))
    else:
        say(
            f"themes: the document confound is left out: {n_docs} documents (more than "
            f"{cfg.confound_documents_max}; one indicator per document, matched to the themes in every "
            "bootstrap resample and permutation, would take longer than the rest of the study)."
        )
    runs["length"] = ModelRuns("length", (ConfoundScorer.from_lengths(dtm, labels),))
    # one classifier per seed, each in its own local worker (the seed is its only randomness)
    supervised = Parallel(n_jobs=cfg.n_jobs, backend="loky")(
        delayed(SupervisedScorer.from_matrix)(
            dtm, labels, list(dtm.document_ids), seed=s, n_folds=cfg.supervised_folds
        )
        for s in cfg.seeds
    )
    runs["supervised"] = ModelRuns("supervised", tuple(supervised))
    return runs


@dataclass(frozen=True, eq=False)
class Comparisons:
    """What comparing every model with the labels gives: the tables of ``results/`` that need labels."""

    alignment: pd.DataFrame
    per_seed: pd.DataFrame
    failures: pd.DataFrame
    summary: pd.DataFrame
    k_sensitivity: pd.DataFrame
    checks: dict[str, pd.DataFrame] = field(default_factory=dict)
    """The seed-word checks (``seeding_effect.csv``, ``seed_sensitivity.csv``) when run."""


def versus_baseline(runs: Mapping[str, ModelRuns], labels, baseline: str, inference) -> pd.DataFrame:
    """Every topic model's seed-averaged AUC minus a baseline's, per theme and over the themes, with a
    paired bootstrap interval over paragraphs (:func:`themes.comparison.intervals.paired_auc_difference`)."""
    base = [sc.scores for sc in runs[baseline]]
    parts = [
        paired_auc_difference(
            [sc.scores for sc in r], base, labels, n_boot=inference.n_boot or 1000, seed=inference.seed
        ).assign(model=name, baseline=baseline)
        for name, r in runs.items()
        if r.model is not None
    ]
    return pd.concat(parts, ignore_index=True)[
        ["model", "baseline", "theme", "difference", "ci_low", "ci_high"]
    ]


def compare_stage(
    study: Study, fits: Fits, runs: Mapping[str, ModelRuns], *, progress: bool = False
) -> Comparisons:
    """Compare every model with the labels (:func:`~themes.comparison.compare.theme_table`, one model
    per local worker), summarise, and run the seed-word checks when the study asks for them.

    Each model draws from its own generator seeded with the study's ``stat_seed``, so spreading
    the models over workers gives the same numbers as one after another.
    """
    cfg, labels = study.config, study.labels
    doc_of = study.kept.set_index("paragraph_id")["doc_id"]
    design = null_design(labels.loc[doc_of.index].to_numpy(), doc_of.to_numpy())
    if cfg.null_within == "document" and design.scheme == "documents":
        say(
            f"themes: every theme's labels are the same for all paragraphs of a document: the null permutes "
            f"whole documents' labels ({doc_of.nunique()} documents), and the AUC held out by document "
            "is undefined."
        )
    seed_terms = theme_terms(study.dtm.vectorizer, study.seed_words)
    jobs = Parallel(n_jobs=cfg.n_jobs, backend="loky", return_as="generator")(
        delayed(theme_table)(
            r, labels, doc_of, inference=cfg.inference(), coders=study.coders, seed_terms=seed_terms
        )
        for r in runs.values()
    )
    parts = []
    with progress_counter(len(runs), "comparisons (intervals and null)", enabled=progress) as bar:
        for part in jobs:
            parts.append(part)
            bar.update(1)
    alignment = pd.concat([p.table for p in parts], ignore_index=True)
    checks = {}
    if study.seed_words and cfg.seed_word_checks:
        checks["seeding_effect.csv"] = robustness.seeding_effect(
            study.dtm,
            labels,
            runs,
            alignment,
            doc_of,
            inference=cfg.inference(),
            n_jobs=cfg.n_jobs,
            progress=progress,
        )
        checks["seed_sensitivity.csv"] = robustness.seed_sensitivity(
            study.dtm,
            labels,
            study.seed_words,
            runs,
            seed=cfg.seeds[0],
            stat_seed=cfg.stat_seed,
            n_jobs=cfg.n_jobs,
            progress=progress,
            max_variants=cfg.seed_word_variants,
        )
    if "keywords_vocab" in runs:
        checks["versus_keywords.csv"] = versus_baseline(runs, labels, "keywords_vocab", cfg.inference())
    sweep_scorers = [TopicScorer.from_model(f, labels, seeded=False) for f in fits.sweep.fits]
    return Comparisons(
        alignment=alignment,
        per_seed=pd.concat([p.per_seed for p in parts], ignore_index=True),
        failures=pd.concat([p.failures for p in parts if len(p.failures)], ignore_index=True)
        if any(len(p.failures) for p in parts)
        else parts[0].failures,
        summary=summary_table(alignment),
        k_sensitivity=k_sensitivity(sweep_scorers, labels, fits.sweep.selected),
        checks=checks,
    )
