"""The study's descriptive tables, built from every model's runs (one scorer per seed).

Each function returns one table of ``results/`` (its columns are the README's output contract):
scores per paragraph, topics, vocabulary, the AUC over the sweep's K, prevalence by document. The
comparison's own tables (``alignment.csv``, ``summary.csv``) come from
:mod:`themes.comparison.compare`; writing is :mod:`themes.study.outputs`'s job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..comparison.metrics import precision_recall_f1
from ..comparison.scorers import ModelRuns, TopicScorer
from ..selection.measures import TOP_N
from ..text.matrix import DocumentTermMatrix

Runs = Mapping[str, ModelRuns]
"""Every model's runs by name, in the study's order (topic models, then baselines)."""


def paragraph_scores(runs: Runs, themes: list[str]) -> pd.DataFrame:
    """Every kept paragraph's theme scores by every model (first seed)."""
    return pd.concat(
        [r.first.scores.reset_index().assign(model=name) for name, r in runs.items()], ignore_index=True
    )[["paragraph_id", "model", *themes]]


def topics_table(runs: Runs, *, n: int = TOP_N) -> pd.DataFrame:
    """Each topic of every model's first fit: matched theme, share, top words and terms."""
    rows = []
    for name, model_runs in runs.items():
        sc = model_runs.first
        if sc.model is None:
            continue
        matched = {topic: theme for theme, topic in sc.matching.items() if topic is not None}
        words, terms = sc.model.top_word_lists(n), sc.model.top_word_lists(n, readable=False)
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


def vocabulary_table(dtm: DocumentTermMatrix) -> pd.DataFrame:
    """Every term: its display word, the paragraphs it occurs in, its count."""
    return pd.DataFrame(
        {
            "term": dtm.vocabulary,
            "label": dtm.display_words,
            "paragraphs": np.bincount(dtm.counts.indices, minlength=dtm.shape[1]),
            "count": np.asarray(dtm.counts.sum(axis=0)).ravel(),
        }
    )


def k_sensitivity(
    sweep_scorers: Sequence[TopicScorer], labels: pd.DataFrame, selected: dict[str, int]
) -> pd.DataFrame:
    """Mean AUC and F1 over themes for every fit of the sweep, per model and K."""
    rows = []
    for sc in sweep_scorers:
        auc = [
            sc.association.at[topic, theme] if topic is not None else 0.5
            for theme, topic in sc.matching.items()
        ]
        y = labels.loc[sc.scores.index]
        _, _, f1 = precision_recall_f1(y.to_numpy(), sc.decide(sc.scores)[y.columns].to_numpy())
        rows.append(
            {"model": sc.name, "K": sc.model.k, "seed": sc.seed, "auc": np.mean(auc), "f1": np.mean(f1)}
        )
    out = (
        pd.DataFrame(rows)
        .groupby(["model", "K"], sort=True)
        .agg(auc_mean=("auc", "mean"), auc_sd=("auc", "std"), f1_mean=("f1", "mean"), f1_sd=("f1", "std"))
        .reset_index()
    )
    out["selected"] = [selected.get(m) == k for m, k in zip(out["model"], out["K"], strict=True)]
    return out


def prevalence_by_document(runs: Runs, labels: pd.DataFrame, doc_of: pd.Series) -> pd.DataFrame:
    """Share of each document's paragraphs carrying each theme: reference and model decisions."""
    themes = list(labels.columns)
    rows = [labels.assign(doc_id=doc_of.loc[labels.index].to_numpy(), source="reference")]
    for name, model_runs in runs.items():
        decided = model_runs.first.decide(model_runs.first.scores)
        rows.append(decided.assign(doc_id=doc_of.loc[decided.index].to_numpy(), source=name))
    return pd.concat(rows).groupby(["source", "doc_id"], sort=False)[themes].mean().reset_index()
