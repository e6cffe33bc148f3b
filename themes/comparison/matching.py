"""Topics to themes: the association of every topic with every theme, and the one matching rule.

A topic model knows nothing of the themes, so each theme is matched to one topic: the Hungarian
algorithm (``scipy.optimize.linear_sum_assignment``) on ROC AUC, one topic per theme, written once
here (:func:`assign`) and used by the point estimate, the bootstrap over documents, the permutation
null and the held-out score alike. A seeded model's themes keep their own topics. The matched
topic's share in a paragraph is the model's score for the theme.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.stats import mannwhitneyu, rankdata

from ..models.topic_model import TopicModel
from .rules import RULES

# ------------------------------------------------------------- association


def u_statistic(x: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
    """Mann-Whitney U of ``x`` against ``y`` along ``axis`` (only the statistic is used, so
    the warnings scipy raises for its p-value on constant samples are silenced)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return mannwhitneyu(x, y, axis=axis, method="asymptotic").statistic


def auc_matrix(scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """ROC AUC of every score column for every label column, shape (n_scores, n_labels).

    The AUC is the Mann-Whitney U statistic of the positives' scores against the
    negatives', divided by ``n_pos * n_neg`` (ties count one half), which is what
    ``sklearn.metrics.roc_auc_score`` returns; it is computed from the columns' mid-ranks for
    all columns at once, which the bootstrap and permutation loops need. NaN for a label
    column without both classes.
    """
    return auc_from_ranks(rankdata(np.asarray(scores, dtype=np.float64), axis=0), labels)


def auc_from_ranks(ranks: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """:func:`auc_matrix` from the score columns' mid-ranks (a loop that only shuffles the labels
    ranks once): U = rank sum of the positives - n_pos (n_pos + 1) / 2."""
    y = np.asarray(labels).astype(bool).astype(np.float64)
    n_pos = y.sum(axis=0)
    n_neg = len(y) - n_pos
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = (ranks.T @ y - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    auc[:, (n_pos == 0) | (n_neg == 0)] = np.nan
    return auc


def association(model: TopicModel, labels: pd.DataFrame) -> pd.DataFrame:
    """Topics x themes ROC AUC of each topic's share for each theme's labels.

    Only the model's paragraphs that have labels are used (``labels`` is indexed by
    paragraph id).
    """
    shares = model.document_topics.loc[labels.index.intersection(model.document_topics.index, sort=False)]
    y = labels.loc[shares.index].to_numpy()
    return pd.DataFrame(
        auc_matrix(shares.to_numpy(), y), index=list(model.topic_names), columns=labels.columns
    )


# ---------------------------------------------------------------- matching


def assign(auc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The matching rule: candidates (rows) to themes (columns), one to one, maximising ROC AUC.

    A theme without both classes (NaN AUC) is a neutral 0.5 to the Hungarian algorithm. Returns
    the matched rows and their columns; with fewer candidates than themes some themes get none.
    """
    return linear_sum_assignment(np.nan_to_num(auc, nan=0.5), maximize=True)


def match_themes(assoc: pd.DataFrame, *, seeded: bool = False) -> dict[str, str | None]:
    """Theme -> topic by :func:`assign`; a seeded model's themes keep the topics named after them.

    With fewer topics than themes some themes stay unmatched (None); extra topics are "other".
    """
    if seeded:
        return {t: (t if t in assoc.index else None) for t in assoc.columns}
    rows, cols = assign(assoc.to_numpy())
    matched = {assoc.columns[c]: assoc.index[r] for r, c in zip(rows, cols, strict=True)}
    return {t: matched.get(t) for t in assoc.columns}


def fixed_columns(columns: list, themes: list, match: bool) -> np.ndarray | None:
    """Without matching (a seeded model, a baseline), the column named after each theme (-1 when
    there is none); None when the themes are matched to columns by :func:`assign`."""
    if match:
        return None
    return np.array([columns.index(t) if t in columns else -1 for t in themes])


def failure_kinds(assoc: pd.DataFrame, *, cutoff: float = RULES.capture_auc) -> pd.DataFrame:
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
            else np.zeros(len(model.paragraph_ids))
        )
    return pd.DataFrame(columns, index=pd.Index(model.paragraph_ids, name="paragraph_id"))


def top_words_table(model: TopicModel, matching: dict, *, n: int = 8) -> pd.DataFrame:
    """Each topic's top words and weights, with the theme it is matched to (or "other").

    ``matching`` maps each theme to its topic (None when unmatched), as
    :attr:`themes.comparison.Comparison.topic_of` or a scorer's ``matching``.
    """
    matched = {topic: theme for theme, topic in matching.items() if topic is not None}
    table = model.term_weights(n)
    table.insert(1, "matched_theme", table["topic"].map(lambda t: matched.get(t, "other")))
    return table[["topic", "matched_theme", "rank", "word", "weight"]]
