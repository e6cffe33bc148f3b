"""Topics against the reference themes: association, matching, per-theme scores and metrics.

A topic model knows nothing of the themes, so each theme is matched to one topic (the
Hungarian algorithm on ROC AUC); the matched topic's share in a paragraph is the model's
score for that theme. Seeded models score a theme with their own seeded topic. Every score,
a topic model's or a baseline's (``themes.baselines``), is judged against the hand labels
with the same metrics; :func:`compare` does it all for one fitted model.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.stats import mannwhitneyu, rankdata
from sklearn.metrics import average_precision_score

from ..errors import LabelError
from ..models.topic_model import TopicModel
from ..reference.agreement import krippendorff_alpha
from .rules import RULES, Rules

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


def match_themes(assoc: pd.DataFrame, *, seeded: bool = False) -> dict[str, str | None]:
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


# ----------------------------------------------------------------- scoring


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


# ----------------------------------------------------------------- compare


@dataclass(frozen=True, eq=False)
class Comparison:
    """A topic model set against hand labels (from :func:`compare`).

    Attributes
    ----------
    association : pandas.DataFrame
        Topics x themes ROC AUC.
    matching : pandas.DataFrame
        One row per theme: its topic (None when unmatched), that topic's AUC and top words.
    scores : pandas.DataFrame
        Paragraphs x themes: the matched topic's share.
    metrics : pandas.DataFrame
        Per theme: ROC AUC, average precision, precision, recall, F1 and Krippendorff's alpha
        of the decision ``share >= 1/K`` with the labels.
    failures : pandas.DataFrame
        Missing, fused and repeated themes (:func:`failure_kinds`).
    n_labelled : int
        Paragraphs of the model that carry labels.
    """

    association: pd.DataFrame
    matching: pd.DataFrame
    scores: pd.DataFrame
    metrics: pd.DataFrame
    failures: pd.DataFrame
    n_labelled: int

    @property
    def topic_of(self) -> dict[str, str | None]:
        """Theme -> its topic (None when no topic was matched)."""
        return dict(zip(self.matching["theme"], self.matching["topic"], strict=True))

    def __repr__(self) -> str:
        matched = self.matching.dropna(subset=["topic"])
        n = len(self.matching)
        return f"Comparison({self.n_labelled} labelled paragraphs, {len(matched)} of {n} themes matched)"


def compare(model: TopicModel, labels: pd.DataFrame, *, rules: Rules = RULES) -> Comparison:
    """Set a fitted topic model against hand labels.

    Parameters
    ----------
    model : TopicModel
    labels : pandas.DataFrame
        One 0/1 column per theme, indexed by paragraph id (or with a ``paragraph_id``
        column), as :func:`themes.read_labels` returns. Paragraphs of the model without a
        label row are left out; labels of paragraphs the model does not have are ignored.
    rules : Rules
        The decision threshold (a topic share of at least 1/K) and the capture cut-off.

    Returns
    -------
    Comparison
        ``.association``, ``.matching``, ``.scores``, ``.metrics`` (DataFrames).

    Notes
    -----
    A seeded model's themes keep their own topics (when its topic names are the label's
    themes); a plain model's themes are matched one to one to topics by the Hungarian
    algorithm on AUC. Matching picks the best topic on the same labels, so its AUC is
    optimistic; the study reports it beside a permutation null (``themes.uncertainty``).
    """
    if "paragraph_id" in labels.columns:
        labels = labels.set_index("paragraph_id")
    common = [p for p in model.paragraph_ids if p in set(labels.index.astype(str))]
    if not common:
        raise LabelError("no paragraph of the model has a label row; label some of its paragraph ids.")
    labels = labels.set_axis(labels.index.astype(str)).loc[common]
    assoc = association(model, labels)
    seeded = set(labels.columns) <= set(model.topic_names)
    matching = match_themes(assoc, seeded=seeded)
    scores = topic_theme_scores(model, matching).loc[common]
    decided = decisions(scores, rules.topic_threshold(model.k))
    words = dict(
        zip(model.topic_names, model.top_words().loc[list(model.topic_names), "top_words"], strict=True)
    )
    table = pd.DataFrame(
        {
            "theme": list(matching),
            "topic": list(matching.values()),
            "auc": [assoc.at[t, th] if t is not None else np.nan for th, t in matching.items()],
            "top_words": [words.get(t, "") for t in matching.values()],
        }
    )
    return Comparison(
        assoc,
        table,
        scores,
        theme_metrics(scores, labels, decided),
        failure_kinds(assoc, cutoff=rules.capture_auc),
        len(common),
    )
