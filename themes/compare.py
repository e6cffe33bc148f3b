"""Topics against the reference themes: matching, per-theme scores, baselines, uncertainty.

A topic model knows nothing of the themes, so each theme is matched to one topic (the
Hungarian algorithm on ROC AUC); the matched topic's share in a paragraph is the model's
score for that theme. Seeded models score a theme with their own seeded topic. Baselines
(seed-word counts, a cross-validated supervised classifier) produce theme scores directly.
Every score is then judged against the hand labels with the same metrics.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.stats import mannwhitneyu
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_recall_fscore_support, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict

from .models import TopicModel
from .reference import krippendorff_alpha
from .vectorize import DocumentTermMatrix

CAPTURE_AUC = 0.7
"""A topic captures a theme when its ROC AUC for the theme's labels is at least 0.7,
the conventional floor of "acceptable discrimination" (Hosmer & Lemeshow 2000, p. 162)."""


# ------------------------------------------------------------- association


def _u_statistic(x: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
    """Mann-Whitney U of ``x`` against ``y`` along ``axis`` (only the statistic is used, so
    the warnings scipy raises for its p-value on constant samples are silenced)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return mannwhitneyu(x, y, axis=axis, method="asymptotic").statistic


def auc_matrix(scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """ROC AUC of every score column for every label column, shape (n_scores, n_labels).

    The AUC is the Mann-Whitney U statistic of the positives' scores against the
    negatives', divided by ``n_pos * n_neg`` (ties count one half), which is what
    ``sklearn.metrics.roc_auc_score`` returns; scipy's ``mannwhitneyu`` computes it for all
    columns at once, which the bootstrap and permutation loops need. NaN for a label
    column without both classes.
    """
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels).astype(bool)
    out = np.full((scores.shape[1], labels.shape[1]), np.nan)
    for t in range(labels.shape[1]):
        pos, neg = labels[:, t], ~labels[:, t]
        if pos.any() and neg.any():
            u = _u_statistic(scores[pos], scores[neg], axis=0)
            out[:, t] = u / (pos.sum() * neg.sum())
    return out


def association(model: TopicModel, labels: pd.DataFrame) -> pd.DataFrame:
    """Topics x themes ROC AUC of each topic's share for each theme's labels."""
    y = labels.loc[list(model.doc_ids)].to_numpy()
    return pd.DataFrame(auc_matrix(model.doc_topic, y), index=list(model.topic_names), columns=labels.columns)


def match_topics(assoc: pd.DataFrame, *, seeded: bool = False) -> dict[str, str | None]:
    """Theme -> topic. Seeded models keep their own theme topics; plain models are matched
    one to one by ``scipy.optimize.linear_sum_assignment`` maximising ROC AUC. With fewer
    topics than themes some themes stay unmatched (None); extra topics are "other".
    """
    if seeded:
        return {t: (t if t in assoc.index else None) for t in assoc.columns}
    values = np.nan_to_num(assoc.to_numpy(), nan=0.5)
    rows, cols = linear_sum_assignment(values, maximize=True)
    matched = {assoc.columns[c]: assoc.index[r] for r, c in zip(rows, cols, strict=True)}
    return {t: matched.get(t) for t in assoc.columns}


def failure_kinds(assoc: pd.DataFrame, *, cutoff: float = CAPTURE_AUC) -> pd.DataFrame:
    """Name how topics fail the themes: missing, fused, repeated.

    * missing: no topic reaches ``cutoff`` for the theme;
    * repeated: two or more topics reach it for the same theme;
    * fused: one topic reaches it for two or more themes (reported on each of them).

    Returns one row per (kind, theme) with the topics involved.
    """
    hit = assoc.to_numpy() >= cutoff
    rows = []
    for j, theme in enumerate(assoc.columns):
        topics = [assoc.index[i] for i in np.flatnonzero(hit[:, j])]
        if not topics:
            rows.append({"kind": "missing", "theme": theme, "topics": ""})
        elif len(topics) > 1:
            rows.append({"kind": "repeated", "theme": theme, "topics": ";".join(topics)})
    for i, topic in enumerate(assoc.index):
        themes = [assoc.columns[j] for j in np.flatnonzero(hit[i])]
        if len(themes) > 1:
            rows.extend({"kind": "fused", "theme": t, "topics": topic} for t in themes)
    return pd.DataFrame(rows, columns=["kind", "theme", "topics"])


def topic_theme_scores(model: TopicModel, matching: dict[str, str | None]) -> pd.DataFrame:
    """Paragraph x theme scores: the matched topic's share (0 for an unmatched theme)."""
    columns = {}
    for theme, topic in matching.items():
        columns[theme] = (
            model.doc_topic[:, model.topic_names.index(topic)]
            if topic is not None
            else np.zeros(len(model.doc_ids))
        )
    return pd.DataFrame(columns, index=pd.Index(model.doc_ids, name="paragraph_id"))


# --------------------------------------------------------------- baselines


def keyword_scores(
    texts: list[str], ids: list[str], dtm: DocumentTermMatrix, seed_words: dict[str, list[str]]
) -> pd.DataFrame:
    """The seed words alone: each theme's share of a paragraph's seed-word occurrences.

    Words are analysed like the corpus (lower case, stems) but are not limited to the
    modelling vocabulary, so a seed word too rare for ``min_df`` still counts. A paragraph
    with no seed word scores 0 on every theme.
    """
    owner = {}
    for theme, words in seed_words.items():
        for word in words:
            for term, _ in dtm.analyzer.words(word):
                owner.setdefault(term, theme)
    counts = np.zeros((len(texts), len(seed_words)))
    index = {t: j for j, t in enumerate(seed_words)}
    for i, text in enumerate(texts):
        for term, _ in dtm.analyzer.words(text):
            if term in owner:
                counts[i, index[owner[term]]] += 1
    total = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, total, out=np.zeros_like(counts), where=total > 0)
    return pd.DataFrame(shares, index=pd.Index(ids, name="paragraph_id"), columns=list(seed_words))


def supervised_classifier(seed: int) -> LogisticRegression:
    """The supervised reference point: L2 logistic regression with balanced class weights."""
    return LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000, random_state=seed)


def supervised_scores(
    dtm: DocumentTermMatrix, labels: pd.DataFrame, groups: list[str], *, seed: int, n_splits: int = 5
) -> pd.DataFrame:
    """Out-of-fold probabilities of a logistic regression on tf-idf, one theme at a time.

    Folds come from ``StratifiedGroupKFold`` on ``groups``: a paragraph and its
    near-duplicates share a group, so they never sit on both sides of a split. Each theme
    is stratified on its own labels; ``seed`` shuffles the folds.
    """
    X = dtm.tfidf()
    y_all = labels.loc[list(dtm.doc_ids)]
    out = {}
    for theme in labels.columns:
        y = y_all[theme].to_numpy()
        splits = min(n_splits, int(y.sum()), int((1 - y).sum()))
        if splits < 2:
            out[theme] = np.full(len(y), y.mean())
            continue
        cv = StratifiedGroupKFold(n_splits=splits, shuffle=True, random_state=seed)
        out[theme] = cross_val_predict(
            supervised_classifier(seed), X, y, groups=groups, cv=cv, method="predict_proba"
        )[:, 1]
    return pd.DataFrame(out, index=pd.Index(dtm.doc_ids, name="paragraph_id"))


# ----------------------------------------------------------------- scoring


def decisions(scores: pd.DataFrame, threshold: float, *, strict: bool = False) -> pd.DataFrame:
    """0/1 theme decisions: score >= threshold (or > threshold when ``strict``)."""
    hit = scores > threshold if strict else scores >= threshold
    return hit.astype(int)


def theme_metrics(scores: pd.DataFrame, labels: pd.DataFrame, decided: pd.DataFrame) -> pd.DataFrame:
    """Per theme: ROC AUC, average precision, precision, recall, F1, and alpha with the reference."""
    y = labels.loc[scores.index]
    rows = []
    for theme in labels.columns:
        truth, score, pred = y[theme].to_numpy(), scores[theme].to_numpy(), decided[theme].to_numpy()
        both = truth.min() != truth.max()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # precision is 0/0 when nothing is predicted; reported as 0
            p, r, f, _ = precision_recall_fscore_support(truth, pred, average="binary", zero_division=0)
        rows.append(
            {
                "theme": theme,
                "auc": roc_auc_score(truth, score) if both else np.nan,
                "average_precision": average_precision_score(truth, score) if both else np.nan,
                "precision": p,
                "recall": r,
                "f1": f,
                "alpha_model": krippendorff_alpha(truth, pred),
            }
        )
    return pd.DataFrame(rows)


def bootstrap_auc(
    scores_by_seed: list[pd.DataFrame], labels: pd.DataFrame, *, n_boot: int, seed: int, level: float = 0.95
) -> pd.DataFrame:
    """Stratified percentile bootstrap over paragraphs of the seed-averaged ROC AUC.

    Positives and negatives are resampled separately, so every resample holds each class
    as often as the data do (the default of pROC, Robin et al. 2011); the AUC of each seed's
    scores is computed on the resample and averaged over seeds.
    """
    rng = np.random.default_rng(seed)
    index = scores_by_seed[0].index
    y = labels.loc[index]
    rows = []
    for theme in labels.columns:
        truth = y[theme].to_numpy().astype(bool)
        pos, neg = np.flatnonzero(truth), np.flatnonzero(~truth)
        if len(pos) == 0 or len(neg) == 0:
            rows.append({"theme": theme, "auc_ci_low": np.nan, "auc_ci_high": np.nan})
            continue
        bp = rng.choice(pos, size=(n_boot, len(pos)), replace=True)
        bn = rng.choice(neg, size=(n_boot, len(neg)), replace=True)
        stacked = np.stack([s.loc[index, theme].to_numpy() for s in scores_by_seed])  # seeds x paragraphs
        u = _u_statistic(stacked[:, bp], stacked[:, bn], axis=-1)
        auc = (u / (len(pos) * len(neg))).mean(axis=0)
        lo, hi = np.quantile(auc, [(1 - level) / 2, (1 + level) / 2])
        rows.append({"theme": theme, "auc_ci_low": lo, "auc_ci_high": hi})
    return pd.DataFrame(rows)


def matching_null(
    scores: pd.DataFrame, labels: pd.DataFrame, *, n_perm: int, seed: int, match: bool = True
) -> pd.DataFrame:
    """The AUC a model reaches by chance: labels shuffled (rows kept whole), then scored as usual.

    With ``match`` (plain topic models), each shuffle is matched anew, so the null includes
    what picking the best of K topics for each theme adds: on the same labels that lifts
    the AUC above 0.5 even when topics and themes are unrelated. Without it (seeded
    models, baselines), the column named after a theme scores it. Returns per theme the
    null's mean and 95th percentile.

    Parameters
    ----------
    scores : pandas.DataFrame
        Paragraphs x columns: topic shares (columns named by topic) or theme scores.
    labels : pandas.DataFrame
        The reference labels.
    """
    rng = np.random.default_rng(seed)
    y = labels.loc[scores.index].to_numpy().astype(bool)
    values = scores.to_numpy(dtype=np.float64)
    n = len(y)
    perms = np.stack([rng.permutation(n) for _ in range(n_perm)])
    auc = np.full((n_perm, values.shape[1], y.shape[1]), np.nan)  # permutations x columns x themes
    for t in range(y.shape[1]):
        shuffled = y[perms, t]  # n_perm x n
        n_pos = int(y[:, t].sum())
        if n_pos in (0, n):
            continue
        order = np.argsort(~shuffled, axis=1, kind="stable")  # positives first
        x, z = values[order[:, :n_pos]], values[order[:, n_pos:]]  # n_perm x n_pos (n_neg) x columns
        auc[:, :, t] = _u_statistic(x, z, axis=1) / (n_pos * (n - n_pos))
    draws = np.empty((n_perm, y.shape[1]))
    columns = list(scores.columns)
    for b in range(n_perm):
        frame = pd.DataFrame(auc[b], index=columns, columns=labels.columns)
        matching = match_topics(frame, seeded=not match)
        draws[b] = [frame.at[c, theme] if c is not None else 0.5 for theme, c in matching.items()]
    return pd.DataFrame(
        {
            "theme": labels.columns,
            "auc_null_mean": draws.mean(axis=0),
            "auc_null_95": np.quantile(draws, 0.95, axis=0),
        }
    )
