"""The study end to end: data/ in, every table and figure of results/ out.

:func:`load_study` reads and validates the inputs (corpus, codebook, labels, seed words) and
vectorizes the kept paragraphs; :func:`run_study` fits the K sweep and every reported model,
compares them with the reference and writes ``results/``. :func:`reproduce` (the
``themes reproduce`` command) does both, then executes the notebooks.
"""

from __future__ import annotations

import platform
import shutil
import sys
import tempfile
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

from . import __version__, compare, corpus, io, reference, selection
from . import plotting as plots
from .errors import ModelError, ThemesError
from .models import SEEDED, TopicModel, check_k, fit_topic_model, library_versions, thread_settings
from .project import Project
from .vectorize import NAIVE_SETTINGS, DocumentTermMatrix, VectorizerSettings, vectorize

TOPIC_MODELS = {
    # name: (backend, vectorizer, backend settings)
    "lda_naive": ("lda_sklearn", "naive", {"max_iter": 10, "evaluate_every": -1}),
    "lda_sklearn": ("lda_sklearn", "study", {}),
    "lda_gensim": ("lda_gensim", "study", {}),
    "nmf_sklearn": ("nmf_sklearn", "study", {}),
    "nmf_minibatch": ("nmf_minibatch", "study", {}),
    "lda_seeded": ("lda_seeded", "study", {}),
    "nmf_seeded": ("nmf_seeded", "study", {}),
}
"""Every topic model of the comparison. ``lda_naive`` is scikit-learn's LDA as a newcomer
would run it: ``CountVectorizer(stop_words='english')``, K=5, default settings."""
BASELINES = ("keywords", "supervised")
MODEL_NAMES = tuple(TOPIC_MODELS) + BASELINES
SWEPT = ("lda_gensim", "lda_sklearn", "nmf_sklearn", "nmf_minibatch")
DECISION_RULES = {
    "topic": "topic share >= 1/K (more than a uniform spread over the K topics would give)",
    "keywords": "at least one of the theme's seed words (share > 0)",
    "supervised": "predicted probability >= 0.5",
}
VERDICT_RULE = (
    "recovered: mean AUC >= 0.7 and the lower end of its 95% interval above the 95th percentile of "
    "the matching null; weak: interval above that null but mean AUC < 0.7; not recovered: otherwise"
)


@dataclass(frozen=True)
class StudyConfig:
    """Every setting of a study run; all of it is written to the manifest.

    Parameters
    ----------
    seeds : tuple of int
        Random seeds; every model is fitted once per seed. The first is the reference
        seed whose fits give ``paragraph_scores.csv`` and the topic tables.
    k_range : tuple of int
        The K sweep of the plain models. On about fifty paragraphs a K above twelve leaves
        fewer than four paragraphs per topic, so the sweep stops there.
    sweep_models : tuple of str
        Plain models whose K is chosen by the sweep.
    n_free : int
        Free topics of a seeded model besides one topic per theme.
    naive_k : int
        K of the naive baseline (the number of themes, as a newcomer would pick it).
    n_boot, n_perm : int
        Bootstrap resamples for the confidence intervals; label permutations for the null.
    stat_seed : int
        Seed of the bootstrap and permutation draws.
    n_jobs : int
        joblib workers of the sweep; results do not depend on it.
    vectorizer : VectorizerSettings
    cleaning : CleaningRules
    """

    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    k_range: tuple[int, ...] = tuple(range(3, 13))
    sweep_models: tuple[str, ...] = SWEPT
    n_free: int = 2
    naive_k: int = 5
    n_boot: int = 1000
    n_perm: int = 200
    stat_seed: int = 0
    n_jobs: int = 1
    vectorizer: VectorizerSettings = VectorizerSettings()
    cleaning: corpus.CleaningRules = corpus.CleaningRules()

    def as_dict(self) -> dict:
        out = asdict(self)
        out["seeds"], out["k_range"], out["sweep_models"] = (
            list(self.seeds),
            list(self.k_range),
            list(self.sweep_models),
        )
        return out


@dataclass(frozen=True, eq=False)
class Study:
    """Validated inputs of a study: paragraphs, reference set, seed words, matrices."""

    project: Project
    config: StudyConfig
    paragraphs: pd.DataFrame
    themes: list[str]
    labels: pd.DataFrame
    coder1: pd.DataFrame | None
    coder2: pd.DataFrame | None
    seed_words: dict[str, list[str]]
    dtm: DocumentTermMatrix
    naive_dtm: DocumentTermMatrix
    groups: list[str] = field(repr=False)

    @property
    def kept(self) -> pd.DataFrame:
        return corpus.kept(self.paragraphs)


# ----------------------------------------------------------------- inputs


def build_corpus(
    project: Project, *, rules: corpus.CleaningRules = corpus.CleaningRules(), write: bool = True
) -> pd.DataFrame:
    """Read ``data/raw`` (checksums verified), build the paragraph table, and write it."""
    table = corpus.build_paragraphs(corpus.load_documents(project.raw), rules=rules)
    if write:
        io.write_csv(project.paragraphs, table)
        io.write_csv(project.processed / "paragraph_summary.csv", corpus.summarize(table))
    return table


def duplicate_groups(table: pd.DataFrame) -> dict[str, str]:
    """Paragraph id -> the id of the original it repeats (itself for an original)."""
    return {pid: (dup or pid) for pid, dup in zip(table["paragraph_id"], table["duplicate_of"], strict=True)}


def make_study(
    paragraphs: pd.DataFrame,
    *,
    themes: list[str],
    seed_words: dict[str, list[str]],
    labels: pd.DataFrame | None = None,
    coders: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    config: StudyConfig = StudyConfig(),
    project: Project | None = None,
) -> Study:
    """A study from inputs already in memory: vectorizes the kept paragraphs."""
    kept = corpus.kept(paragraphs)
    ids, texts, docs = kept["paragraph_id"].tolist(), kept["text"].tolist(), kept["doc_id"].tolist()
    dtm = vectorize(texts, doc_ids=ids, groups=docs, settings=config.vectorizer)
    naive = vectorize(texts, doc_ids=ids, groups=docs, settings=NAIVE_SETTINGS)
    group_of = duplicate_groups(paragraphs)
    coder1, coder2 = coders if coders is not None else (None, None)
    return Study(
        project or Project(),
        config,
        paragraphs,
        list(themes),
        labels,
        coder1,
        coder2,
        seed_words,
        dtm,
        naive,
        [group_of[i] for i in ids],
    )


def load_study(
    project: Project,
    *,
    config: StudyConfig = StudyConfig(),
    paragraphs: pd.DataFrame | None = None,
    labels_required: bool = True,
) -> Study:
    """Read and validate every input of a project's study and vectorize the kept paragraphs."""
    table = build_corpus(project, rules=config.cleaning, write=False) if paragraphs is None else paragraphs
    ids = corpus.kept(table)["paragraph_id"].tolist()
    themes = reference.read_themes(project.codebook)
    labels = coders = None
    if labels_required or project.labels.exists():
        labels = reference.load_labels(project.labels, themes=themes, paragraph_ids=ids)
    c1, c2 = project.reference / "labels_coder1.csv", project.reference / "labels_coder2.csv"
    if c1.exists() and c2.exists():
        coders = tuple(reference.load_labels(c, themes=themes, paragraph_ids=ids) for c in (c1, c2))
    seed_words = reference.read_seed_words(project.seed_words, themes=themes)
    return make_study(
        table,
        themes=themes,
        seed_words=seed_words,
        labels=labels,
        coders=coders,
        config=config,
        project=project,
    )


# ------------------------------------------------------------------ models


def model_k(study: Study, name: str, selected: dict[str, int]) -> int:
    """K of a named model: chosen by the sweep, themes plus free topics, or the naive K."""
    if name == "lda_naive":
        return study.config.naive_k
    if TOPIC_MODELS[name][0] in SEEDED:
        return len(study.themes) + study.config.n_free
    if name not in selected:
        raise ModelError(f"no K was chosen for {name!r}; run the sweep (themes reproduce) first.")
    return selected[name]


def model_task(study: Study, name: str, k: int, seed: int) -> dict:
    backend, _, params = TOPIC_MODELS[name]
    return {"name": name, "backend": backend, "k": k, "seed": seed, "params": params}


def fit_named(study: Study, name: str, *, k: int, seed: int) -> TopicModel:
    """Fit one of :data:`TOPIC_MODELS` on the study's matrix."""
    if name not in TOPIC_MODELS:
        raise ModelError(f"unknown model {name!r}; choose one of {', '.join(TOPIC_MODELS)}.")
    backend, matrix, params = TOPIC_MODELS[name]
    dtm = study.naive_dtm if matrix == "naive" else study.dtm
    return fit_topic_model(dtm, backend, k=k, seed=seed, name=name, seed_words=study.seed_words, **params)


def _fit_all(study: Study, tasks: list[dict], *, progress: bool, desc: str) -> list[TopicModel]:
    from tqdm import tqdm

    groups: dict[str, list[dict]] = {}
    for task in tasks:
        groups.setdefault("naive" if task["name"] == "lda_naive" else "study", []).append(task)
    out: list[TopicModel] = []
    with tqdm(total=len(tasks), desc=desc, disable=None if progress else True, leave=False) as bar:
        for matrix, part in groups.items():
            dtm = study.naive_dtm if matrix == "naive" else study.dtm
            with warnings.catch_warnings():
                # seed words missing from the vocabulary are reported once, in the manifest
                warnings.simplefilter("ignore", UserWarning)
                out.extend(
                    selection.fit_grid(
                        part, dtm, seed_words=study.seed_words, n_jobs=study.config.n_jobs, progress=bar
                    )
                )
    order = {(t["name"], t["k"], t["seed"]): i for i, t in enumerate(tasks)}
    return sorted(out, key=lambda m: order[(m.name, m.k, m.seed)])


@dataclass(frozen=True, eq=False)
class Scorer:
    """A fitted model turned into theme scores, for the corpus and for new text."""

    name: str
    scores: pd.DataFrame  # kept paragraphs x themes
    predict: object = field(repr=False)  # texts -> array (n, themes)
    model: TopicModel | None = None
    matching: dict | None = None
    association: pd.DataFrame | None = None


def topic_scorer(study: Study, model: TopicModel) -> Scorer:
    assoc = compare.association(model, study.labels)
    matching = compare.match_topics(assoc, seeded=model.backend in SEEDED)
    scores = compare.topic_theme_scores(model, matching)

    def predict(texts):
        shares = model.transform(texts)
        cols = [
            shares[:, model.topic_names.index(t)] if t is not None else np.zeros(len(texts))
            for t in matching.values()
        ]
        return np.column_stack(cols)

    return Scorer(model.name, scores, predict, model, matching, assoc)


def keyword_scorer(study: Study) -> Scorer:
    kept = study.kept
    scores = compare.keyword_scores(
        kept["text"].tolist(), kept["paragraph_id"].tolist(), study.dtm, study.seed_words
    )

    def predict(texts):
        return compare.keyword_scores(texts, list(range(len(texts))), study.dtm, study.seed_words).to_numpy()

    return Scorer("keywords", scores, predict)


def supervised_scorer(study: Study, seed: int) -> Scorer:
    scores = compare.supervised_scores(study.dtm, study.labels, study.groups, seed=seed)
    X = study.dtm.tfidf()
    fitted = {}
    for theme in study.themes:
        y = study.labels.loc[list(study.dtm.doc_ids), theme].to_numpy()
        fitted[theme] = (
            compare.supervised_classifier(seed).fit(X, y) if y.min() != y.max() else float(y.mean())
        )

    def predict(texts):
        Xn = study.dtm.tfidf(study.dtm.transform(texts))
        return np.column_stack(
            [
                f.predict_proba(Xn)[:, 1] if not isinstance(f, float) else np.full(len(texts), f)
                for f in fitted.values()
            ]
        )

    return Scorer("supervised", scores, predict)


def read_selection(project: Project) -> dict[str, int]:
    """The K chosen for each swept model, from ``results/model_selection.csv``."""
    path = project.results / "model_selection.csv"
    if not path.exists():
        raise ThemesError(f"{path} does not exist; run 'themes reproduce' first to choose K.")
    table = pd.read_csv(path)
    return dict(zip(table["model"], table["K"].astype(int), strict=True))


def build_scorer(study: Study, name: str, *, seed: int, selected: dict[str, int]) -> Scorer:
    """The scorer of a named model (topic model, ``keywords`` or ``supervised``).

    Seed words missing from the vocabulary are not warned about here: a seeded model lists
    them in ``model.params["seed_words_missing"]`` (``themes fit`` prints them).
    """
    if name == "keywords":
        return keyword_scorer(study)
    if name == "supervised":
        return supervised_scorer(study, seed)
    if name not in TOPIC_MODELS:
        raise ModelError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model = fit_named(study, name, k=model_k(study, name, selected), seed=seed)
    return topic_scorer(study, model)


def score_texts(
    study: Study, name: str, texts: list[str], ids: list[str], *, selected: dict[str, int]
) -> pd.DataFrame:
    """Theme scores of unseen paragraphs, in the columns of ``paragraph_scores.csv`` plus ``text``."""
    scorer = build_scorer(study, name, seed=study.config.seeds[0], selected=selected)
    values = np.clip(scorer.predict(texts), 0.0, 1.0)
    out = pd.DataFrame(values, columns=study.themes)
    out.insert(0, "model", name)
    out.insert(0, "paragraph_id", ids)
    out["text"] = texts
    return out


# ---------------------------------------------------------------- the run


def _summarise_per_seed(per_seed: pd.DataFrame) -> pd.DataFrame:
    metrics = ["auc", "average_precision", "precision", "recall", "f1", "alpha_model"]
    grouped = per_seed.groupby(["model", "theme"], sort=False)[metrics]
    mean = grouped.mean().add_suffix("_mean")
    sd = grouped.std(ddof=1).add_suffix("_sd")
    out = pd.concat([mean, sd], axis=1)
    out.insert(0, "n_seeds", grouped.size())
    return out.reset_index()


def _verdict(row) -> str:
    if not np.isfinite(row["auc_mean"]):
        return "undefined"
    above_null = row["auc_ci_low"] > row["auc_null_95"]
    if above_null and row["auc_mean"] >= compare.CAPTURE_AUC:
        return "recovered"
    return "weak" if above_null else "not recovered"


def run_study(study: Study, out: Path, *, progress: bool = False) -> dict:
    """Fit the sweep and every reported model, compare with the reference, write ``out``.

    ``out`` is the results folder; every table, figure and the manifest go there.
    Returns the manifest.
    """
    cfg = study.config
    themes, labels = study.themes, study.labels
    figures = out / "figures"

    # 1. K sweep of the plain models
    sweep_tasks = [
        model_task(study, m, k, s) for m in cfg.sweep_models for k in cfg.k_range for s in cfg.seeds
    ]
    for k in cfg.k_range:
        check_k(k, study.dtm.shape[0])
    sweep_fits = _fit_all(study, sweep_tasks, progress=progress, desc="K sweep")
    sweep_table = selection.score_fits(sweep_fits, study.dtm)
    summary = selection.summarise_sweep(sweep_table)
    chosen = selection.select_k(summary)
    selected = dict(zip(chosen["model"], chosen["K"], strict=True))

    # 2. the other topic models, every seed
    extra = [
        model_task(study, m, model_k(study, m, selected), s)
        for m in TOPIC_MODELS
        if m not in cfg.sweep_models
        for s in cfg.seeds
    ]
    extra_fits = _fit_all(study, extra, progress=progress, desc="seeded and naive models")
    extra_table = selection.score_fits([f for f in extra_fits if f.name != "lda_naive"], study.dtm)
    naive_fits = [f for f in extra_fits if f.name == "lda_naive"]
    naive_table = selection.score_fits(naive_fits, study.naive_dtm) if naive_fits else None
    models_table = pd.concat(
        [t for t in (sweep_table, extra_table, naive_table) if t is not None], ignore_index=True
    )

    # 3. alignment of every fit with the reference
    fits_by_model: dict[str, list[TopicModel]] = {}
    for f in sweep_fits:
        if selected.get(f.name) == f.k:
            fits_by_model.setdefault(f.name, []).append(f)
    for f in extra_fits:
        fits_by_model.setdefault(f.name, []).append(f)
    scorers: dict[str, list[Scorer]] = {
        m: [topic_scorer(study, f) for f in fits_by_model[m]] for m in TOPIC_MODELS
    }
    scorers["keywords"] = [keyword_scorer(study)]
    scorers["supervised"] = [supervised_scorer(study, s) for s in cfg.seeds]

    per_seed_rows, failure_rows, ci_rows, null_rows = [], [], [], []
    for name, runs in scorers.items():
        for run_index, sc in enumerate(runs):
            seed = (
                sc.model.seed
                if sc.model is not None
                else (cfg.seeds[run_index] if name == "supervised" else None)
            )
            threshold, strict, _ = _decision(name, sc)
            metrics = compare.theme_metrics(
                sc.scores, labels, compare.decisions(sc.scores, threshold, strict=strict)
            )
            per_seed_rows.append(metrics.assign(model=name, seed=seed))
            if sc.association is not None:
                kinds = compare.failure_kinds(sc.association)
                failure_rows.append(kinds.assign(model=name, seed=seed))
        ci = compare.bootstrap_auc([sc.scores for sc in runs], labels, n_boot=cfg.n_boot, seed=cfg.stat_seed)
        ci_rows.append(ci.assign(model=name))
        first = runs[0]
        if first.model is not None:
            shares = pd.DataFrame(
                first.model.doc_topic, index=list(first.model.doc_ids), columns=list(first.model.topic_names)
            )
            null = compare.matching_null(
                shares, labels, n_perm=cfg.n_perm, seed=cfg.stat_seed, match=first.model.backend not in SEEDED
            )
        else:
            null = compare.matching_null(
                first.scores, labels, n_perm=cfg.n_perm, seed=cfg.stat_seed, match=False
            )
        null_rows.append(null.assign(model=name))
    per_seed = pd.concat(per_seed_rows, ignore_index=True)
    failures = (
        pd.concat(failure_rows, ignore_index=True)
        if failure_rows
        else pd.DataFrame(columns=["model", "seed", "kind", "theme", "topics"])
    )
    alignment = _alignment_table(study, scorers, per_seed, failures, pd.concat(ci_rows), pd.concat(null_rows))

    # 4. sensitivity of the alignment to K (every fit of the sweep)
    sens_rows = []
    for f in sweep_fits:
        sc = topic_scorer(study, f)
        auc = [
            sc.association.at[topic, theme] if topic is not None else 0.5
            for theme, topic in sc.matching.items()
        ]
        y = labels.loc[sc.scores.index]
        f1 = f1_score(y, compare.decisions(sc.scores, 1.0 / f.k)[y.columns], average=None, zero_division=0)
        sens_rows.append({"model": f.name, "K": f.k, "seed": f.seed, "auc": np.mean(auc), "f1": np.mean(f1)})
    sens = (
        pd.DataFrame(sens_rows)
        .groupby(["model", "K"], sort=True)
        .agg(auc_mean=("auc", "mean"), auc_sd=("auc", "std"), f1_mean=("f1", "mean"), f1_sd=("f1", "std"))
        .reset_index()
    )
    sens["selected"] = [selected.get(m) == k for m, k in zip(sens["model"], sens["K"], strict=True)]

    # 5. tables
    scores_table = pd.concat(
        [runs[0].scores.clip(0, 1).reset_index().assign(model=name) for name, runs in scorers.items()],
        ignore_index=True,
    )[["paragraph_id", "model", *themes]]
    topics_table = _topics_table(scorers)
    summary_table = _summary_table(alignment)
    vocabulary = _vocabulary_table(study.dtm)
    tables = {
        "paragraph_scores.csv": scores_table,
        "alignment.csv": alignment,
        "models.csv": models_table,
        "model_sweep.csv": summary,
        "model_selection.csv": chosen,
        "k_sensitivity.csv": sens,
        "summary.csv": summary_table,
        "topics.csv": topics_table,
        "failures.csv": failures[["model", "seed", "kind", "theme", "topics"]],
        "alignment_by_seed.csv": per_seed[
            ["model", "seed", "theme", "auc", "average_precision", "precision", "recall", "f1", "alpha_model"]
        ],
        "vocabulary.csv": vocabulary,
    }
    for name, table in tables.items():
        io.write_csv(out / name, table)
    _reference_outputs(study, out)

    # 6. figures
    _figures(study, figures, summary, chosen, sens, alignment, scorers)

    manifest = _manifest(study, out, chosen, fits_by_model)
    io.write_json(out / "MANIFEST.json", manifest)
    return manifest


def _decision(name: str, scorer: Scorer) -> tuple[float, bool, str]:
    if name == "keywords":
        return 0.0, True, DECISION_RULES["keywords"]
    if name == "supervised":
        return 0.5, False, DECISION_RULES["supervised"]
    return 1.0 / scorer.model.k, False, DECISION_RULES["topic"]


def _alignment_table(study, scorers, per_seed, failures, ci, null) -> pd.DataFrame:
    themes = study.themes
    table = _summarise_per_seed(per_seed)
    table = table.merge(ci, on=["model", "theme"]).merge(null, on=["model", "theme"])
    human = {
        t: reference.krippendorff_alpha(study.coder1[t], study.coder2[t])
        if study.coder1 is not None
        else np.nan
        for t in themes
    }
    prevalence = study.labels.mean()
    rows = []
    for _, row in table.iterrows():
        name, theme = row["model"], row["theme"]
        first = scorers[name][0]
        n_runs = len(scorers[name])
        kinds = (
            failures[(failures["model"] == name) & (failures["theme"] == theme)]
            if len(failures)
            else failures
        )
        rows.append(
            {
                "model": name,
                "theme": theme,
                "K": first.model.k if first.model is not None else np.nan,
                "matched_topic": (first.matching or {}).get(theme) or ("" if first.model is None else "none"),
                "prevalence": prevalence[theme],
                **{c: row[c] for c in table.columns if c not in ("model", "theme")},
                "alpha_human": human[theme],
                "decision_rule": _decision(name, first)[2],
                "missing_share": (kinds["kind"] == "missing").sum() / n_runs
                if first.model is not None
                else np.nan,
                "fused_share": kinds[kinds["kind"] == "fused"]["seed"].nunique() / n_runs
                if first.model is not None
                else np.nan,
                "repeated_share": (kinds["kind"] == "repeated").sum() / n_runs
                if first.model is not None
                else np.nan,
            }
        )
    out = pd.DataFrame(rows)
    out["verdict"] = out.apply(_verdict, axis=1)
    order = {m: i for i, m in enumerate(MODEL_NAMES)}
    out = out.sort_values(
        ["model", "theme"],
        key=lambda c: c.map(order) if c.name == "model" else c.map({t: i for i, t in enumerate(themes)}),
        kind="stable",
    )
    cols = [
        "model",
        "theme",
        "K",
        "matched_topic",
        "n_seeds",
        "prevalence",
        "auc_mean",
        "auc_sd",
        "auc_ci_low",
        "auc_ci_high",
        "auc_null_mean",
        "auc_null_95",
        "average_precision_mean",
        "average_precision_sd",
        "precision_mean",
        "recall_mean",
        "f1_mean",
        "f1_sd",
        "alpha_model_mean",
        "alpha_model_sd",
        "alpha_human",
        "missing_share",
        "fused_share",
        "repeated_share",
        "verdict",
        "decision_rule",
    ]
    return out[cols].reset_index(drop=True)


def _summary_table(alignment: pd.DataFrame) -> pd.DataFrame:
    """Per model: mean over themes of the headline scores, and its share of the supervised gain."""
    g = alignment.groupby("model", sort=False)
    out = pd.DataFrame(
        {
            "K": g["K"].first(),
            "auc_mean": g["auc_mean"].mean(),
            "average_precision_mean": g["average_precision_mean"].mean(),
            "f1_mean": g["f1_mean"].mean(),
            "alpha_model_mean": g["alpha_model_mean"].mean(),
            "themes_recovered": g["verdict"].apply(lambda v: int((v == "recovered").sum())),
        }
    ).reset_index()
    if "supervised" in set(out["model"]):
        sup = out.loc[out["model"] == "supervised", "auc_mean"].iloc[0]
        out["share_of_supervised_gain"] = (out["auc_mean"] - 0.5) / (sup - 0.5) if sup > 0.5 else np.nan
    return out


def _topics_table(scorers) -> pd.DataFrame:
    rows = []
    for name, runs in scorers.items():
        sc = runs[0]
        if sc.model is None:
            continue
        matched = {topic: theme for theme, topic in sc.matching.items() if topic is not None}
        words = sc.model.top_words(selection.TOP_N)
        terms = sc.model.top_words(selection.TOP_N, readable=False)
        for i, topic in enumerate(sc.model.topic_names):
            rows.append(
                {
                    "model": name,
                    "seed": sc.model.seed,
                    "topic": topic,
                    "matched_theme": matched.get(topic, "other"),
                    "share": sc.model.doc_topic[:, i].mean(),
                    "top_words": " ".join(words[i]),
                    "top_terms": " ".join(terms[i]),
                }
            )
    return pd.DataFrame(rows)


def _vocabulary_table(dtm: DocumentTermMatrix) -> pd.DataFrame:
    present = (dtm.counts > 0).astype(np.int64)
    return pd.DataFrame(
        {
            "term": dtm.vocabulary,
            "label": dtm.labels,
            "paragraphs": np.asarray(present.sum(axis=0)).ravel(),
            "count": np.asarray(dtm.counts.sum(axis=0)).ravel(),
        }
    )


def _reference_outputs(study: Study, out: Path) -> None:
    ref = out / "reference"
    labels = study.labels
    doc_of = study.kept.set_index("paragraph_id")["doc_id"]
    io.write_csv(ref / "prevalence.csv", reference.prevalence(labels))
    io.write_csv(ref / "cooccurrence.csv", reference.cooccurrence(labels))
    io.write_csv(ref / "themes_by_document.csv", reference.themes_by_document(labels, doc_of))
    io.write_csv(ref / "themes_per_paragraph.csv", reference.themes_per_paragraph(labels))


def top_words_table(model: TopicModel, matching: dict, *, n: int = 8) -> pd.DataFrame:
    """Each topic's top words and weights, with the theme it is matched to (or "other")."""
    matched = {topic: theme for theme, topic in matching.items() if topic is not None}
    rows = []
    for i, (idx, words) in enumerate(zip(model.top_terms(n), model.top_words(n), strict=True)):
        topic = model.topic_names[i]
        rows.extend(
            {
                "topic": topic,
                "matched_theme": matched.get(topic, "other"),
                "rank": r + 1,
                "word": w,
                "weight": model.topic_term[i, j],
            }
            for r, (j, w) in enumerate(zip(idx, words, strict=True))
        )
    return pd.DataFrame(rows)


def prevalence_by_document(study: Study, scorers: dict) -> pd.DataFrame:
    """Share of each document's paragraphs carrying each theme: reference and model decisions."""
    labels, themes = study.labels, study.themes
    doc_of = study.kept.set_index("paragraph_id")["doc_id"]
    rows = [labels.assign(doc_id=doc_of.loc[labels.index].to_numpy(), source="reference")]
    for name, runs in scorers.items():
        sc = runs[0]
        threshold, strict, _ = _decision(name, sc)
        decided = compare.decisions(sc.scores, threshold, strict=strict)
        rows.append(decided.assign(doc_id=doc_of.loc[decided.index].to_numpy(), source=name))
    return pd.concat(rows).groupby(["source", "doc_id"], sort=False)[themes].mean().reset_index()


def _figures(study, folder, summary, chosen, sens, alignment, scorers) -> None:
    selected = dict(zip(chosen["model"], chosen["K"], strict=True))
    prev = reference.prevalence(study.labels)
    plots.save_figure(plots.figure_prevalence(prev), folder / "reference_prevalence", prev)
    co = reference.cooccurrence(study.labels)
    plots.save_figure(plots.figure_cooccurrence(co), folder / "reference_cooccurrence", co)
    by_doc = prevalence_by_document(study, scorers)
    plots.save_figure(
        plots.figure_prevalence_by_document(by_doc, study.themes), folder / "prevalence_by_document", by_doc
    )
    plots.save_figure(plots.figure_k_sweep(summary, selected), folder / "k_sweep", summary)
    plots.save_figure(
        plots.figure_stability(summary, selected),
        folder / "stability",
        summary[["model", "K", "seeds", "stability_mean", "stability_se"]],
    )
    plots.save_figure(plots.figure_k_sensitivity(sens, selected), folder / "k_sensitivity", sens)
    scores = alignment[["model", "theme", "auc_mean", "auc_ci_low", "auc_ci_high", "auc_null_95"]]
    plots.save_figure(plots.figure_theme_scores(scores), folder / "theme_scores", scores)
    for name, runs in scorers.items():
        sc = runs[0]
        if sc.model is None:
            continue
        model = sc.model
        title = f"{name} (K={model.k}, seed {model.seed}): topic x theme ROC AUC; matched cells framed"
        plots.save_figure(
            plots.figure_association(sc.association, sc.matching, title=title),
            folder / f"association_{name}",
            sc.association.rename_axis("topic").reset_index(),
        )
        words = top_words_table(model, sc.matching)
        title = f"{name}: top words per topic (K={model.k}, seed {model.seed})"
        plots.save_figure(plots.figure_top_words(words, title=title), folder / f"top_words_{name}", words)


def _manifest(study: Study, out: Path, chosen: pd.DataFrame, fits_by_model) -> dict:
    project = study.project
    files = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != "MANIFEST.json"):
        files[f"results/{path.relative_to(out).as_posix()}"] = io.sha256_bytes(path.read_bytes())
    inputs = {}
    for path in sorted([*project.raw.glob("*"), *project.reference.rglob("*")]):
        if path.is_file() and path.name != "agreement.csv":
            inputs[path.relative_to(project.root).as_posix()] = io.sha256_bytes(path.read_bytes())
    processed = {}
    for path in sorted(project.processed.glob("*.csv")):
        processed[path.relative_to(project.root).as_posix()] = io.sha256_bytes(path.read_bytes())
    models = {}
    for name, fits in fits_by_model.items():
        params = {k: v for k, v in fits[0].params.items() if k not in ("n_iter", "converged", "vectorizer")}
        models[name] = {
            "backend": fits[0].backend,
            "K": fits[0].k,
            "seeds": [f.seed for f in fits],
            "params": params,
            "n_iter": [f.params.get("n_iter") for f in fits],
            "converged": [f.params.get("converged") for f in fits],
        }
    return {
        "package": {"name": "themes", "version": __version__},
        "command": "themes reproduce",
        "config": study.config.as_dict(),
        "seeds": list(study.config.seeds),
        "themes": study.themes,
        "vectorizer": study.dtm.record(),
        "naive_vectorizer": study.naive_dtm.record(),
        "selection": {
            "rule": selection.SELECTION_RULE,
            "chosen_K": dict(zip(chosen["model"], chosen["K"].astype(int).tolist(), strict=True)),
            "coherence": {
                "top_n": selection.TOP_N,
                "npmi_window": selection.NPMI_WINDOW,
                "cv_window": selection.CV_WINDOW,
                "texts": "kept paragraphs after vectorizing",
            },
        },
        "comparison": {
            "decision_rules": DECISION_RULES,
            "capture_auc": compare.CAPTURE_AUC,
            "verdict_rule": VERDICT_RULE,
            "bootstrap": "stratified percentile, 95%",
            "n_boot": study.config.n_boot,
            "n_perm": study.config.n_perm,
        },
        "models": models,
        "environment": {
            "python": platform.python_version(),
            "implementation": sys.implementation.name,
            "system": platform.system(),
            "machine": platform.machine(),
            "libraries": library_versions(),
            "threads": thread_settings(),
            "n_jobs": study.config.n_jobs,
        },
        "inputs": inputs,
        "outputs": {
            **processed,
            "data/reference/agreement.csv": _sha_or_none(project.reference / "agreement.csv"),
            **files,
        },
    }


def _sha_or_none(path: Path) -> str | None:
    return io.sha256_bytes(path.read_bytes()) if path.exists() else None


# ---------------------------------------------------------------- reproduce


def write_agreement(study: Study) -> pd.DataFrame | None:
    """Write ``data/reference/agreement.csv`` and check the adjudication log."""
    if study.coder1 is None:
        return None
    table = reference.agreement_table(study.coder1, study.coder2)
    reference.check_adjudication(
        study.coder1, study.coder2, study.labels, study.project.reference / "adjudication.csv"
    )
    io.write_csv(study.project.reference / "agreement.csv", table)
    return table


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
) -> dict:
    """Rebuild everything from ``data/``: paragraphs, agreement, results/ and the notebooks."""
    project = Project(Path(root))
    table = build_corpus(project, rules=config.cleaning)
    study = load_study(project, config=config, paragraphs=table)
    write_agreement(study)
    staged = Path(tempfile.mkdtemp(prefix=".results-", dir=project.root))
    try:
        manifest = run_study(study, staged, progress=progress)
        replace_folder(staged, project.results)
    finally:
        if staged.exists():
            shutil.rmtree(staged)
    if notebooks:
        from .notebooks import run_notebooks

        run_notebooks(project.notebooks, progress=progress)
    return manifest


# ------------------------------------------------------- for the notebooks


def example_paragraphs(
    model: TopicModel, paragraphs: pd.DataFrame, *, n: int = 1, chars: int = 160
) -> pd.DataFrame:
    """For each topic, the ``n`` paragraphs with the largest share of it (text shortened)."""
    text_of = paragraphs.set_index("paragraph_id")["text"]
    rows = []
    for i, topic in enumerate(model.topic_names):
        for j in np.argsort(-model.doc_topic[:, i], kind="stable")[:n]:
            pid = model.doc_ids[j]
            text = text_of[pid]
            rows.append(
                {
                    "topic": topic,
                    "paragraph_id": pid,
                    "share": model.doc_topic[j, i],
                    "text": text if len(text) <= chars else text[: chars - 3] + "...",
                }
            )
    return pd.DataFrame(rows)


def disagreements(
    scores: pd.DataFrame,
    labels: pd.DataFrame,
    paragraphs: pd.DataFrame,
    *,
    model: str,
    n: int = 2,
    chars: int = 200,
) -> pd.DataFrame:
    """Paragraphs where a model and the coders disagree most, per theme.

    From ``paragraph_scores.csv``: the labelled paragraphs the model scores lowest ("coders
    yes, model no") and the unlabelled ones it scores highest ("coders no, model yes").
    """
    part = scores[scores["model"] == model].set_index("paragraph_id")
    text_of = paragraphs.set_index("paragraph_id")["text"]
    rows = []
    for theme in labels.columns:
        y = labels.loc[part.index, theme]
        s = part[theme]
        for kind, ids in (
            ("coders yes, model no", s[y == 1].sort_values(kind="stable").index[:n]),
            ("coders no, model yes", s[y == 0].sort_values(ascending=False, kind="stable").index[:n]),
        ):
            for pid in ids:
                text = text_of[pid]
                rows.append(
                    {
                        "theme": theme,
                        "disagreement": kind,
                        "paragraph_id": pid,
                        "score": s[pid],
                        "text": text if len(text) <= chars else text[: chars - 3] + "...",
                    }
                )
    return pd.DataFrame(rows)


def _fmt_auc(row) -> str:
    return f"{row['auc_mean']:.2f} [{row['auc_ci_low']:.2f}, {row['auc_ci_high']:.2f}]"


def discussion(alignment: pd.DataFrame, summary: pd.DataFrame) -> str:
    """The results in words, generated from ``alignment.csv`` and ``summary.csv``.

    Every number in the text is read from the tables, so the discussion cannot drift from
    the results it discusses.
    """
    s = summary.set_index("model")
    topic_models = [m for m in s.index if m in TOPIC_MODELS]
    plain = [m for m in topic_models if m != "lda_naive" and TOPIC_MODELS[m][0] not in SEEDED]
    seeded = [m for m in topic_models if TOPIC_MODELS[m][0] in SEEDED]
    best_plain = max(plain, key=lambda m: s.at[m, "auc_mean"]) if plain else None
    best_seeded = max(seeded, key=lambda m: s.at[m, "auc_mean"]) if seeded else None
    lines = []
    if "lda_naive" in s.index:
        lines.append(
            f"- **Naive LDA** (scikit-learn defaults, K=5) reaches a mean ROC AUC over themes of "
            f"{s.at['lda_naive', 'auc_mean']:.2f}, where 0.50 is chance: it recovers "
            f"{int(s.at['lda_naive', 'themes_recovered'])} of {alignment['theme'].nunique()} themes."
        )
    if best_plain:
        lines.append(
            f"- The best **plain** topic model is `{best_plain}` (K={int(s.at[best_plain, 'K'])}) "
            f"with mean AUC {s.at[best_plain, 'auc_mean']:.2f} and mean F1 "
            f"{s.at[best_plain, 'f1_mean']:.2f}; "
            + ", ".join(f"`{m}` {s.at[m, 'auc_mean']:.2f}" for m in plain if m != best_plain)
            + "."
        )
    if best_seeded:
        lines.append(
            f"- The best **seeded** model is `{best_seeded}` with mean AUC "
            f"{s.at[best_seeded, 'auc_mean']:.2f} "
            + "("
            + ", ".join(f"`{m}` {s.at[m, 'auc_mean']:.2f}" for m in seeded if m != best_seeded)
            + ")."
        )
    if "keywords" in s.index:
        lines.append(
            f"- Counting the **seed words alone** gives mean AUC {s.at['keywords', 'auc_mean']:.2f} "
            f"and mean F1 {s.at['keywords', 'f1_mean']:.2f}."
        )
    if "supervised" in s.index:
        sup = s.at["supervised", "auc_mean"]
        gains = ", ".join(f"`{m}` {s.at[m, 'share_of_supervised_gain']:.0%}" for m in topic_models)
        lines.append(
            f"- The cross-validated **supervised** classifier reaches mean AUC {sup:.2f}. As a share of "
            f"its gain over chance, the topic models reach: {gains}."
        )
    lines.append("")
    lines.append(
        "Per theme (mean AUC over seeds with its 95% bootstrap interval; *recovered* means the "
        "interval clears the matching null and the mean reaches 0.70):"
    )
    lines.append("")
    for theme, part in alignment.groupby("theme", sort=False):
        part = part.set_index("model")
        got = [m for m in topic_models if part.at[m, "verdict"] == "recovered"]
        weak = [m for m in topic_models if part.at[m, "verdict"] == "weak"]
        best = max(topic_models, key=lambda m: part.at[m, "auc_mean"])
        text = (
            f"- **{theme}** (prevalence {part['prevalence'].iloc[0]:.0%}, coders' alpha "
            f"{part['alpha_human'].iloc[0]:.2f}): "
        )
        if got:
            text += "recovered by " + ", ".join(f"`{m}` {_fmt_auc(part.loc[m])}" for m in got)
        else:
            text += (
                f"**no topic model recovers it**; the best is `{best}` at {_fmt_auc(part.loc[best])}, "
                f"against {part.at[best, 'auc_null_95']:.2f} that matching alone reaches in 5% of shuffles"
            )
        if weak:
            text += "; weak in " + ", ".join(f"`{m}`" for m in weak)
        missing = [m for m in plain if part.at[m, "missing_share"] > 0]
        if missing:
            text += "; no topic reaches AUC 0.70 for it in " + ", ".join(
                f"`{m}` ({part.at[m, 'missing_share']:.0%} of seeds)" for m in missing
            )
        for base in BASELINES:
            if base in part.index:
                text += f"; {base} {_fmt_auc(part.loc[base])}"
        lines.append(text + ".")
    return "\n".join(lines)


def run_record(project: Project) -> pd.DataFrame:
    """Package and library versions and the sha256 of the results manifest, for a notebook's last cell."""
    manifest = project.results / "MANIFEST.json"
    rows = [
        ("themes", __version__),
        ("python", platform.python_version()),
        *sorted(library_versions().items()),
        (
            "results/MANIFEST.json sha256",
            io.sha256_bytes(manifest.read_bytes()) if manifest.exists() else "missing",
        ),
    ]
    return pd.DataFrame(rows, columns=["item", "value"])


@dataclass(frozen=True, eq=False)
class Exploration:
    """What :func:`explore_corpus` finds in a corpus of one's own."""

    study: Study
    paragraph_summary: pd.DataFrame
    sweep: pd.DataFrame
    chosen: pd.DataFrame
    models: dict[str, TopicModel]
    topics: pd.DataFrame
    theme_shares: pd.DataFrame
    scores: pd.DataFrame | None


def explore_corpus(
    path: str | Path,
    seed_words: dict[str, list[str]],
    *,
    labels: str | Path | None = None,
    k_range=range(3, 9),
    seeds=(0, 1, 2),
    models=("nmf_sklearn", "lda_gensim"),
    config: StudyConfig = StudyConfig(),
    progress: bool = False,
) -> Exploration:
    """The study's pipeline on a folder (or table) of one's own texts and themes.

    Paragraphs are cut and cleaned as for the study; plain models are swept over
    ``k_range`` and K chosen by the same rule; the seeded models use ``seed_words``. With a
    ``labels`` file (one 0/1 column per theme), each model's per-theme ROC AUC is reported.
    """
    themes = list(seed_words)
    words = reference.check_seed_words(seed_words, themes=themes)
    table = corpus.build_paragraphs(corpus.load_documents(path), rules=config.cleaning)
    ids = corpus.kept(table)["paragraph_id"].tolist()
    y = reference.load_labels(labels, themes=themes, paragraph_ids=ids) if labels is not None else None
    config = StudyConfig(
        **{**config.__dict__, "seeds": tuple(seeds), "k_range": tuple(k_range), "sweep_models": tuple(models)}
    )
    study = make_study(table, themes=themes, seed_words=words, labels=y, config=config)
    for k in config.k_range:
        check_k(k, study.dtm.shape[0])
    tasks = [
        model_task(study, m, k, s) for m in config.sweep_models for k in config.k_range for s in config.seeds
    ]
    fits = _fit_all(study, tasks, progress=progress, desc="K sweep")
    sweep = selection.summarise_sweep(selection.score_fits(fits, study.dtm))
    chosen = selection.select_k(sweep)
    selected = dict(zip(chosen["model"], chosen["K"], strict=True))
    reference_seed = config.seeds[0]
    chosen_fits = {f.name: f for f in fits if selected[f.name] == f.k and f.seed == reference_seed}
    seeded = _fit_all(
        study,
        [
            model_task(study, m, model_k(study, m, selected), reference_seed)
            for m in ("lda_seeded", "nmf_seeded")
        ],
        progress=False,
        desc="seeded",
    )
    fitted = {**chosen_fits, **{f.name: f for f in seeded}}
    topics = pd.DataFrame(
        [
            {"model": name, "topic": t, "share": m.doc_topic[:, i].mean(), "top_words": " ".join(w)}
            for name, m in fitted.items()
            for i, (t, w) in enumerate(zip(m.topic_names, m.top_words(), strict=True))
        ]
    )
    doc_of = study.kept.set_index("paragraph_id")["doc_id"]
    shares = []
    for name in ("lda_seeded", "nmf_seeded"):
        m = fitted[name]
        frame = pd.DataFrame(m.doc_topic[:, : len(themes)], columns=themes, index=list(m.doc_ids))
        shares.append(
            frame.groupby(doc_of.loc[frame.index].to_numpy())
            .mean()
            .rename_axis("doc_id")
            .reset_index()
            .assign(model=name)
        )
    scores = None
    if y is not None:
        rows = []
        for name, m in fitted.items():
            sc = topic_scorer(study, m)
            rows.append(
                compare.theme_metrics(sc.scores, y, compare.decisions(sc.scores, 1.0 / m.k)).assign(
                    model=name
                )
            )
        kw = keyword_scorer(study)
        rows.append(
            compare.theme_metrics(kw.scores, y, compare.decisions(kw.scores, 0.0, strict=True)).assign(
                model="keywords"
            )
        )
        scores = pd.concat(rows, ignore_index=True)[["model", "theme", "auc", "average_precision", "f1"]]
    return Exploration(
        study,
        corpus.summarize(table),
        sweep,
        chosen,
        fitted,
        topics,
        pd.concat(shares, ignore_index=True),
        scores,
    )
