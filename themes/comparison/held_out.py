"""Scores on held-out source documents: every choice made on the labels, made without them.

Matching picks each theme's topic on the same labels it is then scored against, which
flatters the AUC (the permutation null measures by how much). Leaving one source document
out asks the plainer question a reader has: chosen on the other documents, does the topic
still find the theme in a document it has not seen? The supervised baseline is held out the
same way (``themes.comparison.baselines.supervised_scores``). The held-out scores are compared within
each document only, so the AUC cannot be earned by telling the sources apart (the confound a
document indicator exploits) and scores of different folds are never ranked against each other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .intervals import nanmean, rank_auc
from .matching import assign, fixed_columns


def held_out_scores(values: np.ndarray, y: np.ndarray, documents: np.ndarray, *, fixed) -> np.ndarray:
    """Paragraphs x themes scores, each document's taken from the columns matched without it.

    ``values`` holds the candidates (paragraphs x topics); for every document, themes are
    matched to columns on the other documents' paragraphs (:func:`themes.comparison.matching.assign`, the
    study's one matching rule), and the document's paragraphs get the matched
    column's values. A theme matched to no column in a fold scores 0 there, as an unmatched
    theme does in the study; so does a theme the other documents hold in one class only
    (nothing to choose its topic on: any choice would be a guess, and a tie broken by column
    order could land on the held-out document's own indicator). With ``fixed`` columns (no
    matching) the scores are those columns.
    """
    n, n_themes = y.shape
    if fixed is not None:
        return np.where(fixed >= 0, values[:, np.maximum(fixed, 0)], 0.0)
    out = np.zeros((n, n_themes))
    for doc in np.unique(documents):
        test = documents == doc
        positives = y[~test].sum(axis=0)
        # a theme with one class only in the other documents gives no ground to choose a topic on
        learnable = np.flatnonzero((positives > 0) & (positives < (~test).sum()))
        if not len(learnable):
            continue
        auc = rank_auc(values[~test], y[~test][:, learnable])
        rows, picked = assign(auc)
        out[np.ix_(test, learnable[picked])] = values[np.ix_(test, rows)]
    return out


def within_document_auc(scores: np.ndarray, y: np.ndarray, documents: np.ndarray) -> np.ndarray:
    """ROC AUC of each score column for its theme over pairs of paragraphs from one document.

    Only pairs of a positive and a negative paragraph of the same document count (ties one
    half), pooled over documents: the share of such pairs ranked the right way round. A score
    that only tells documents apart gets 0.5, and scores from different held-out folds are never
    compared with one another (each fold's scorer is fitted on other data, so its scale can
    differ; pooling across folds is biased, downwards when a document's prevalence differs
    from the rest). NaN for a theme no document holds in both classes.
    """
    wins = np.zeros(y.shape[1])
    pairs = np.zeros(y.shape[1])
    for doc in np.unique(documents):
        rows = documents == doc
        n_pos = y[rows].sum(axis=0)
        n_pairs = n_pos * (rows.sum() - n_pos)
        wins += np.diag(rank_auc(scores[rows], y[rows])) * n_pairs
        pairs += n_pairs
    return np.divide(wins, pairs, out=np.full(len(pairs), np.nan), where=pairs > 0)


def leave_one_document_out_auc(
    candidates_by_seed: list[pd.DataFrame], labels: pd.DataFrame, documents: pd.Series, *, match: bool = True
) -> pd.DataFrame:
    """Per theme, the seed-averaged within-document ROC AUC of the held-out scores.

    Each document's scores come from :func:`held_out_scores` (topics matched on the other
    documents) and are compared only with its own paragraphs (:func:`within_document_auc`).
    Returns ``theme`` and ``auc_lodo``.
    """
    index = candidates_by_seed[0].index
    y = labels.loc[index].to_numpy().astype(float)
    docs = documents.loc[index].to_numpy()
    themes = list(labels.columns)
    per_seed = []
    for candidates in candidates_by_seed:
        fixed = fixed_columns(list(candidates.columns), themes, match)
        scores = held_out_scores(candidates.loc[index].to_numpy(dtype=np.float64), y, docs, fixed=fixed)
        auc = within_document_auc(scores, y, docs)
        if fixed is not None:
            auc[fixed < 0] = np.nan
        per_seed.append(auc)
    return pd.DataFrame({"theme": themes, "auc_lodo": nanmean(np.array(per_seed))})
