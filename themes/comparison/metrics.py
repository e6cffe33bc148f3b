"""Per-theme metrics of any theme score against the labels: AUC, average precision, F1, alpha.

Every scorer (a topic model's matched topic, a seeded topic, the seed words, a classifier, a
confound) is judged with the same functions, under its own decision rule.
"""

from __future__ import annotations

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


def theme_metrics(scores: pd.DataFrame, labels: pd.DataFrame, decided: pd.DataFrame) -> pd.DataFrame:
    """Per theme: ROC AUC, average precision, precision, recall, F1, and alpha with the reference."""
    themes = list(labels.columns)
    truth = labels.loc[scores.index, themes].to_numpy()
    pred = decided[themes].to_numpy()
    auc = np.diag(auc_matrix(scores[themes].to_numpy(), truth))
    precision, recall, f1 = precision_recall_f1(truth, pred)
    rows = []
    for j, theme in enumerate(themes):
        rows.append(
            {
                "theme": theme,
                "auc": auc[j],
                # NaN, like the AUC, when the theme lacks positives or negatives
                "average_precision": average_precision_score(truth[:, j], scores[theme].to_numpy())
                if np.isfinite(auc[j])
                else np.nan,
                "precision": precision[j],
                "recall": recall[j],
                "f1": f1[j],
                "alpha_model": krippendorff_alpha(truth[:, j], pred[:, j]),
            }
        )
    return pd.DataFrame(rows)
