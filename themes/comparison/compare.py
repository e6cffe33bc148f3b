"""``th.compare``: a student's own fitted model set against labels exactly as the study does.

:func:`compare` wraps one fit (or the fits of several seeds) as theme scorers and runs the study's
comparison (:func:`themes.comparison.theme_table.theme_table`) on them: the same metrics,
intervals, null and verdict as ``results/alignment.csv``, with the matching, scores and association
of the reference seed to look at.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import LabelError
from ..models.topic_model import TopicModel
from .rules import RULES, Rules
from .scorers import ModelRuns
from .theme_table import Inference, theme_table, theme_terms


@dataclass(frozen=True, eq=False)
class Comparison:
    """A topic model set against labels (from :func:`compare`).

    Attributes
    ----------
    association : pandas.DataFrame
        The reference seed's topics x themes ROC AUC.
    matching : pandas.DataFrame
        One row per theme: the reference seed's topic (None when unmatched), that topic's AUC and
        top words.
    scores : pandas.DataFrame
        Paragraphs x themes: the reference seed's matched topic share.
    metrics : pandas.DataFrame
        One row per theme with every column of the study's ``alignment.csv``: the metrics averaged
        over seeds, the intervals over paragraphs and documents, the matching null and its
        p-values, the held-out AUC, the failure shares and the verdict.
    per_seed : pandas.DataFrame
        The metrics of every seed (``alignment_by_seed.csv``'s rows).
    failures : pandas.DataFrame
        Missing, fused and repeated themes of every seed.
    n_labelled : int
        Paragraphs of the model that carry labels.
    """

    association: pd.DataFrame
    matching: pd.DataFrame
    scores: pd.DataFrame
    metrics: pd.DataFrame
    per_seed: pd.DataFrame
    failures: pd.DataFrame
    n_labelled: int

    @property
    def topic_of(self) -> dict[str, str | None]:
        """Theme -> its topic in the reference seed (None when no topic was matched)."""
        return dict(zip(self.matching["theme"], self.matching["topic"], strict=True))

    @property
    def verdicts(self) -> pd.Series:
        """Theme -> verdict (``recovered``, ``weak``, ``not recovered``, ``unmatched`` ...)."""
        return self.metrics.set_index("theme")["verdict"]

    def __repr__(self) -> str:
        matched = self.matching.dropna(subset=["topic"])
        n = len(self.matching)
        return f"Comparison({self.n_labelled} labelled paragraphs, {len(matched)} of {n} themes matched)"


def _labels_for(model: TopicModel, labels: pd.DataFrame) -> pd.DataFrame:
    """The labels of the model's paragraphs, in the model's order (one sentence when there are none)."""
    if "paragraph_id" in labels.columns:
        labels = labels.set_index("paragraph_id")
    labels = labels.set_axis(labels.index.astype(str))
    known = set(labels.index)
    common = [p for p in model.paragraph_ids if p in known]
    if not common:
        raise LabelError("no paragraph of the model has a label row; label some of its paragraph ids.")
    return labels.loc[common]


def compare(
    models: TopicModel | list[TopicModel],
    labels: pd.DataFrame,
    *,
    documents: pd.Series | None = None,
    inference: Inference = Inference(),
    rules: Rules = RULES,
    coders: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    seed_words: dict | None = None,
) -> Comparison:
    """Set a fitted topic model (or its fits with several seeds) against labels, as the study does.

    Parameters
    ----------
    models : TopicModel or list of TopicModel
        One fit, or the same model fitted with several seeds (the first is the reference seed:
        its matching, scores and association are shown; the metrics are averaged over all).
    labels : pandas.DataFrame
        One 0/1 column per theme, indexed by paragraph id (or with a ``paragraph_id`` column),
        as :func:`themes.read_labels` returns. Paragraphs of the model without a label row are
        left out; labels of paragraphs the model does not have are ignored.
    documents : pandas.Series, optional
        Each paragraph's source document, indexed by paragraph id; by default the model's own
        (``document_ids``). Without them there is no interval over documents and no held-out AUC.
    inference : Inference
        Bootstrap resamples, permutations and their seed (``Inference(n_boot=0, n_perm=0)`` skips
        the slow parts: no intervals, no null, no verdict).
    rules : Rules
        The decision threshold (a topic share of at least 1/K), the capture cut-off and the verdict.
    coders : tuple of two DataFrames, optional
        Two independent codings, for the coders' alpha beside the model's.
    seed_words : dict, optional
        The themes' seed words, to count them among each matched topic's top words.

    Returns
    -------
    Comparison
        ``.association``, ``.matching``, ``.scores``, ``.metrics``, ``.per_seed``, ``.failures``.

    Notes
    -----
    A seeded model's themes keep their own topics (:attr:`themes.models.TopicModel.seeded`);
    a plain model's themes are matched one to one to topics by the Hungarian algorithm on AUC
    (:func:`themes.comparison.matching.assign`). Matching picks the best topic on the same labels,
    so its AUC is optimistic: the permutation null (matching redone in every draw) measures by how
    much, and the verdict rests on its p-value.
    """
    fits = [models] if isinstance(models, TopicModel) else list(models)
    labels = _labels_for(fits[0], labels)
    inference.check_reach(labels.shape[1], rules=rules)
    runs = ModelRuns.of_models(fits, labels, rules=rules)
    if documents is None and fits[0].document_ids is not None:
        documents = pd.Series(
            fits[0].document_ids, index=pd.Index(fits[0].paragraph_ids, name="paragraph_id")
        )
    result = theme_table(
        runs,
        labels,
        documents,
        inference=inference,
        rules=rules,
        coders=coders,
        seed_terms=theme_terms(fits[0].vectorizer, seed_words) if seed_words else None,
    )
    first = runs.first
    words = dict(zip(first.model.topic_names, first.model.top_words()["top_words"], strict=True))
    matching = pd.DataFrame(
        {
            "theme": list(first.matching),
            "topic": list(first.matching.values()),
            "auc": [
                first.association.at[t, th] if t is not None else np.nan for th, t in first.matching.items()
            ],
            "top_words": [words.get(t, "") for t in first.matching.values()],
        }
    )
    return Comparison(
        first.association,
        matching,
        first.scores.loc[labels.index],
        result.table,
        result.per_seed,
        result.failures,
        len(labels),
    )
