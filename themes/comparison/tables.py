"""The study's result tables, built from the scorers of every model and seed.

Each function returns one table of ``results/`` (its columns are the README's output
contract); writing them is ``themes.outputs``'s job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import reference
from ..models.registry import model_names
from ..models.topic_model import TopicModel, resolve_seed_words
from ..selection import measures as selection
from ..text.matrix import DocumentTermMatrix
from . import held_out
from . import intervals as uncertainty
from . import matching as alignment
from .rules import RULES, Rules
from .scorers import ThemeScorer, TopicScorer

ALIGNMENT_COLUMNS = [
    "model",
    "theme",
    "K",
    "matched_topic",
    "n_seeds",
    "seeds_matched",
    "matched_top_words",
    "theme_words_in_topic",
    "prevalence",
    "auc_mean",
    "auc_sd",
    "auc_ci_low",
    "auc_ci_high",
    "auc_cluster_low",
    "auc_cluster_high",
    "n_documents",
    "auc_null_mean",
    "auc_null_95",
    "auc_p",
    "auc_p_holm",
    "auc_lodo",
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
    "verdict_interval",
    "decision_rule",
]
PER_SEED_COLUMNS = [
    "model",
    "seed",
    "theme",
    "auc",
    "average_precision",
    "precision",
    "recall",
    "f1",
    "alpha_model",
]
FAILURE_COLUMNS = ["model", "seed", "kind", "theme", "topics"]
Scorers = Mapping[str, Sequence[ThemeScorer]]


def unmatched_themes(scorer: ThemeScorer) -> set[str]:
    """The themes a run matched no topic (or document) to: fewer candidates than themes."""
    matching = getattr(scorer, "matching", None) or {}
    return {theme for theme, topic in matching.items() if topic is None}


def per_seed_metrics(scorers: Scorers, labels: pd.DataFrame) -> pd.DataFrame:
    """Every scorer run's per-theme metrics, under its own decision rule.

    A theme a run matched nothing to has no ROC AUC or average precision in that run (NaN,
    not the 0.5 of its constant zero score); its F1 and alpha are those of deciding
    "absent" everywhere.
    """
    rows = []
    for name, runs in scorers.items():
        for sc in runs:
            metrics = alignment.theme_metrics(sc.scores, labels, sc.decide(sc.scores))
            metrics.loc[metrics["theme"].isin(unmatched_themes(sc)), ["auc", "average_precision"]] = np.nan
            rows.append(metrics.assign(model=name, seed=sc.seed))
    return pd.concat(rows, ignore_index=True)[PER_SEED_COLUMNS]


def failures(scorers: Scorers) -> pd.DataFrame:
    """Missing, fused and repeated themes of every topic-model fit."""
    rows = [
        alignment.failure_kinds(sc.association).assign(model=name, seed=sc.seed)
        for name, runs in scorers.items()
        for sc in runs
        if isinstance(sc, TopicScorer)
    ]
    return (
        pd.concat(rows, ignore_index=True)[FAILURE_COLUMNS] if rows else pd.DataFrame(columns=FAILURE_COLUMNS)
    )


def intervals_and_nulls(
    scorers: Scorers,
    labels: pd.DataFrame,
    doc_of: pd.Series,
    *,
    n_boot: int,
    n_perm: int,
    seed: int,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Per model and theme: the seed-averaged AUC's bootstrap intervals (over paragraphs, and over
    source documents with the matching redone), its permutation test over all seeds, and the
    AUC with the matching made on the other documents only (``auc_lodo``).

    Each model draws from its own generator seeded with ``seed``, so the models are computed in
    ``n_jobs`` local worker processes with the same result as one after another.
    """
    from sklearn.utils.parallel import Parallel, delayed

    parts = Parallel(n_jobs=n_jobs, backend="loky")(
        delayed(_model_intervals)(
            [sc.scores for sc in runs],
            [unmatched_themes(sc) for sc in runs],
            [sc.candidates for sc in runs],
            runs[0].matched,
            labels,
            doc_of,
            n_boot=n_boot,
            n_perm=n_perm,
            seed=seed,
        )
        for runs in scorers.values()
    )
    return pd.concat(
        [part.assign(model=name) for name, part in zip(scorers, parts, strict=True)], ignore_index=True
    )


def _model_intervals(scores, unmatched, candidates, match, labels, doc_of, *, n_boot, n_perm, seed):
    """:func:`intervals_and_nulls` for one model's runs (one task)."""
    ci = uncertainty.bootstrap_auc(scores, labels, n_boot=n_boot, seed=seed, unmatched=unmatched)
    cluster = uncertainty.cluster_bootstrap_auc(
        candidates, labels, doc_of, n_boot=n_boot, seed=seed, match=match
    )
    test = uncertainty.permutation_test(candidates, labels, n_perm=n_perm, seed=seed, match=match)
    test["auc_p_holm"] = uncertainty.holm(test["auc_p"])
    lodo = held_out.leave_one_document_out_auc(candidates, labels, doc_of, match=match)
    return (
        ci.merge(cluster, on="theme")
        .merge(test.drop(columns="auc_observed"), on="theme")
        .merge(lodo, on="theme")
    )


def theme_terms(
    dtm: DocumentTermMatrix, seed_words: Mapping[str, Sequence[str]] | None
) -> dict[str, set[str]]:
    """Each theme's seed words as the vocabulary terms they map to (lower case, stemmed)."""
    terms, _ = resolve_seed_words(dtm.vectorizer, seed_words or {})
    return {theme: set(found) for theme, found in terms.items()}


def _matched_words(scorer: ThemeScorer, theme: str, terms: dict[str, set[str]], n: int) -> tuple[str, float]:
    """The first run's topic for ``theme``: its top words, and how many of its top terms are the theme's
    seed words (NaN when no topic is matched or the scorer has no topics)."""
    if not isinstance(scorer, TopicScorer) or scorer.matching.get(theme) is None:
        return "", np.nan
    i = scorer.model.topic_names.index(scorer.matching[theme])
    top = scorer.model.top_word_lists(n, readable=False)[i]
    words = scorer.model.top_word_lists(n)[i]
    return " ".join(words), float(len(set(top) & terms.get(theme, set()))) if terms else np.nan


def alignment_table(
    scorers: Scorers,
    per_seed: pd.DataFrame,
    failure_table: pd.DataFrame,
    uncertainty_table: pd.DataFrame,
    *,
    labels: pd.DataFrame,
    coders: tuple[pd.DataFrame, pd.DataFrame] | None,
    seed_terms: dict[str, set[str]] | None = None,
    rules: Rules = RULES,
) -> pd.DataFrame:
    """One row per model and theme: K, match, scores with their spread, interval, null, verdict.

    ``matched_top_words`` quotes the first run's matched topic by its top words, and
    ``theme_words_in_topic`` counts the theme's seed words (``seed_terms``, as terms) among its
    top terms: a match with none of them is one a reader should not take at its label.
    """
    metrics = ["auc", "average_precision", "precision", "recall", "f1", "alpha_model"]
    grouped = per_seed.groupby(["model", "theme"], sort=False)[metrics]
    table = pd.concat([grouped.mean().add_suffix("_mean"), grouped.std(ddof=1).add_suffix("_sd")], axis=1)
    table.insert(0, "n_seeds", grouped.size())
    table.insert(1, "seeds_matched", per_seed.groupby(["model", "theme"], sort=False)["auc"].count())
    table = table.reset_index().merge(uncertainty_table, on=["model", "theme"])
    themes = list(labels.columns)
    human = {
        t: reference.krippendorff_alpha(coders[0][t], coders[1][t]) if coders is not None else np.nan
        for t in themes
    }
    prevalence = labels.mean()
    rows = []
    for row in table.to_dict("records"):
        name, theme = row["model"], row["theme"]
        runs = scorers[name]
        first = runs[0]
        topic = isinstance(first, TopicScorer)
        kinds = failure_table[(failure_table["model"] == name) & (failure_table["theme"] == theme)]
        top_words, theme_words = _matched_words(first, theme, seed_terms or {}, selection.TOP_N)
        matched = row["seeds_matched"] > 0  # a theme no seed matched has no verdict to give
        rows.append(
            {
                **row,
                "matched_top_words": top_words,
                "theme_words_in_topic": theme_words,
                "K": first.model.k if topic else np.nan,
                "matched_topic": (first.matching.get(theme) or "none") if hasattr(first, "matching") else "",
                "prevalence": prevalence[theme],
                "alpha_human": human[theme],
                "decision_rule": first.decision_rule,
                "missing_share": (kinds["kind"] == "missing").sum() / len(runs) if topic else np.nan,
                "fused_share": kinds[kinds["kind"] == "fused"]["seed"].nunique() / len(runs)
                if topic
                else np.nan,
                "repeated_share": (kinds["kind"] == "repeated").sum() / len(runs) if topic else np.nan,
                "verdict": rules.verdict(row["auc_mean"], row["auc_p_holm"], matched=matched),
                "verdict_interval": rules.interval_verdict(
                    row["auc_mean"], row["auc_ci_low"], row["auc_null_95"], matched=matched
                ),
            }
        )
    out = pd.DataFrame(rows)
    order = {m: i for i, m in enumerate(model_names())}
    theme_order = {t: i for i, t in enumerate(themes)}
    out = out.sort_values(
        ["model", "theme"],
        key=lambda c: c.map(order) if c.name == "model" else c.map(theme_order),
        kind="stable",
    )
    return out[ALIGNMENT_COLUMNS].reset_index(drop=True)


def summary_table(alignment_rows: pd.DataFrame) -> pd.DataFrame:
    """Per model: mean over themes of the headline scores, and its share of the supervised gain
    (on ``auc_lodo``: each model's held-out within-document AUC over the supervised classifier's).

    A theme the model never matched a topic to enters the means over themes at chance (AUC
    0.5, average precision equal to the theme's prevalence): leaving it out would credit the
    model with the themes it could represent only. ``themes_matched`` counts the others.
    """
    never = alignment_rows["seeds_matched"] == 0
    rows = alignment_rows.assign(
        auc_mean=alignment_rows["auc_mean"].mask(never, 0.5),
        average_precision_mean=alignment_rows["average_precision_mean"].mask(
            never, alignment_rows["prevalence"]
        ),
        matched=~never,
    )
    out = (
        rows.groupby("model", sort=False)
        .agg(
            K=("K", "first"),
            themes_matched=("matched", "sum"),
            auc_mean=("auc_mean", "mean"),
            auc_lodo_mean=("auc_lodo", "mean"),
            average_precision_mean=("average_precision_mean", "mean"),
            f1_mean=("f1_mean", "mean"),
            alpha_model_mean=("alpha_model_mean", "mean"),
            themes_recovered=("verdict", lambda v: int((v == "recovered").sum())),
            themes_recovered_interval_rule=("verdict_interval", lambda v: int((v == "recovered").sum())),
        )
        .reset_index()
    )
    if "supervised" in set(out["model"]):
        # on the held-out, within-document AUC: the supervised classifier is held out by document,
        # and pooling its folds' scores compares classifiers fitted on different documents
        sup = out.loc[out["model"] == "supervised", "auc_lodo_mean"].iloc[0]
        out["share_of_supervised_gain"] = (out["auc_lodo_mean"] - 0.5) / (sup - 0.5) if sup > 0.5 else np.nan
    return out


def paragraph_scores(scorers: Scorers, themes: list[str]) -> pd.DataFrame:
    """Every kept paragraph's theme scores by every model (first seed)."""
    return pd.concat(
        [runs[0].scores.reset_index().assign(model=name) for name, runs in scorers.items()], ignore_index=True
    )[["paragraph_id", "model", *themes]]


def topics_table(scorers: Scorers, *, n: int = selection.TOP_N) -> pd.DataFrame:
    """Each topic of every model's first fit: matched theme, share, top words and terms."""
    rows = []
    for name, runs in scorers.items():
        sc = runs[0]
        if not isinstance(sc, TopicScorer):
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
        _, _, f1 = alignment.precision_recall_f1(y.to_numpy(), sc.decide(sc.scores)[y.columns].to_numpy())
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


def top_words_table(model: TopicModel, matching: dict, *, n: int = 8) -> pd.DataFrame:
    """Each topic's top words and weights, with the theme it is matched to (or "other").

    ``matching`` maps each theme to its topic (None when unmatched), as
    :attr:`themes.Comparison.topic_of` or a scorer's ``matching``.
    """
    matched = {topic: theme for theme, topic in matching.items() if topic is not None}
    table = model.term_weights(n)
    table.insert(1, "matched_theme", table["topic"].map(lambda t: matched.get(t, "other")))
    return table[["topic", "matched_theme", "rank", "word", "weight"]]


def prevalence_by_document(scorers: Scorers, labels: pd.DataFrame, doc_of: pd.Series) -> pd.DataFrame:
    """Share of each document's paragraphs carrying each theme: reference and model decisions."""
    themes = list(labels.columns)
    rows = [labels.assign(doc_id=doc_of.loc[labels.index].to_numpy(), source="reference")]
    for name, runs in scorers.items():
        decided = runs[0].decide(runs[0].scores)
        rows.append(decided.assign(doc_id=doc_of.loc[decided.index].to_numpy(), source=name))
    return pd.concat(rows).groupby(["source", "doc_id"], sort=False)[themes].mean().reset_index()
