"""Per-theme metrics of any theme score against the labels: AUC, average precision, F1, alpha.

Every scorer (a topic model's matched topic, a seeded topic, the seed words, a classifier, a
confound) is judged with the same functions, under its own decision rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from ..reference.agreement import krippendorff_alpha
from .matching import auc_matrix


def decisions(scores: pd.DataFrame, threshold: float, *, strict: bool = False) -> pd.DataFrame:
    """0/1 theme decisions: score >= threshold (or > threshold when ``strict``)."""
    hit = scores > threshold if strict else scores >= threshold
    return hit.astype(int)


def precision_recall_f1(truth: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and F1 of each column of 0/1 decisions against 0/1 labels (0 where
    a ratio is 0/0), the values ``sklearn.metrics.precision_recall_fscore_support(average=None,
    zero_division=0)`` gives.

    Written out because scikit-learn's function re-derives the kind of target on every call,
    10 to 30 ms each, and the main job asks for thousands; on 0/1 columns the three are ratios of
    counts, computed here in the same float64 operations (F1 = 2 TP / (positives + predicted)).
    """
    truth = np.asarray(truth).astype(bool)
    pred = np.asarray(pred).astype(bool)
    tp = (truth & pred).sum(axis=0).astype(np.float64)
    true_sum = truth.sum(axis=0).astype(np.float64)
    pred_sum = pred.sum(axis=0).astype(np.float64)

    def ratio(num, den):
        return np.divide(num, den, out=np.zeros_like(num), where=den > 0)

    return ratio(tp, pred_sum), ratio(tp, true_sum), ratio(2 * tp, true_sum + pred_sum)


@dataclass(frozen=True)
class Metric:
    """One per-theme metric of a score against the labels, declared once.

    Attributes
    ----------
    name : str
        Its column in ``alignment_by_seed.csv`` (one value per seed and theme).
    compute : callable
        ``compute(truth, scores, decided)`` -> one value per theme: the 0/1 labels, the scores and
        the scorer's 0/1 decisions, each paragraphs x themes.
    summaries : tuple of str
        Its columns in ``alignment.csv``: ``mean`` and/or ``sd`` over seeds (``<name>_mean`` ...).
    """

    name: str
    compute: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    summaries: tuple[str, ...] = ("mean", "sd")


def _auc(truth, scores, decided) -> np.ndarray:
    return np.diag(auc_matrix(scores, truth))


def _average_precision(truth, scores, decided) -> np.ndarray:
    # NaN, like the AUC, when the theme lacks positives or negatives
    n_pos = truth.sum(axis=0)
    return np.array(
        [
            average_precision_score(truth[:, j], scores[:, j]) if 0 < n_pos[j] < len(truth) else np.nan
            for j in range(truth.shape[1])
        ]
    )


def _alpha(truth, scores, decided) -> np.ndarray:
    return np.array([krippendorff_alpha(truth[:, j], decided[:, j]) for j in range(truth.shape[1])])


METRICS = (
    Metric("auc", _auc),
    Metric("average_precision", _average_precision),
    Metric("precision", lambda t, s, d: precision_recall_f1(t, d)[0], ("mean",)),
    Metric("recall", lambda t, s, d: precision_recall_f1(t, d)[1], ("mean",)),
    Metric("f1", lambda t, s, d: precision_recall_f1(t, d)[2]),
    Metric("alpha_model", _alpha),
)
"""Every per-theme metric, in column order: ROC AUC, average precision, precision, recall, F1, and
Krippendorff's alpha of the decisions with the reference (the model as one more coder). **A new
metric is one entry here**: it then has its column in every seed's row, its mean (and SD) over
seeds in ``alignment.csv``, for every model and baseline alike."""


def theme_metrics(scores: pd.DataFrame, labels: pd.DataFrame, decided: pd.DataFrame) -> pd.DataFrame:
    """Per theme, every metric of :data:`METRICS` of one scorer's scores and decisions."""
    themes = list(labels.columns)
    truth = labels.loc[scores.index, themes].to_numpy()
    values = scores[themes].to_numpy()
    pred = decided[themes].to_numpy()
    table = pd.DataFrame({"theme": themes})
    for metric in METRICS:
        table[metric.name] = metric.compute(truth, values, pred)
    return table
