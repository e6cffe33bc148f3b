"""One result type for every topic model, whatever its backend.

:class:`TopicModel` is built from any fitted estimator (scikit-learn LDA, NMF, MiniBatchNMF,
and this package's gensim LDA, seeded LDA and NMF, keyATM, tomotopy LDA) by one adapter:
topic-term and doc-topic matrices, topic names, paragraph ids, every setting, the seed and the
library versions. Comparison, plotting, the explorer and saving consume only that.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.decomposition import NMF, MiniBatchNMF
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from ..environment import library_versions
from ..errors import ModelError, SeedWordsWarning
from ..text.matrix import DocumentTermMatrix
from ..text.vectorizer import Vectorizer
from .base import normalise_rows, plain_topic_names, rank_descending
from .seeded_nmf import SeededNMF


def is_factorization(estimator) -> bool:
    """NMF-like estimators are fitted on tf-idf and give weights, not probabilities."""
    return isinstance(estimator, NMF | MiniBatchNMF | SeededNMF)


def check_k(k, n_paragraphs: int) -> None:
    """K must be a whole number of at least 1 and below the number of paragraphs."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ModelError(f"the number of topics K must be a whole number of at least 1 (got {k!r}).")
    if k >= n_paragraphs:
        raise ModelError(
            f"the number of topics K={k} is not below the number of paragraphs ({n_paragraphs}); "
            "choose a smaller K or add text."
        )


def nmf_shares(W, H) -> tuple[np.ndarray, np.ndarray]:
    """Scale NMF factors so that topics are distributions and paragraphs get topic shares."""
    scale = np.asarray(H, dtype=np.float64).sum(axis=1)
    scale[scale == 0] = 1.0
    return normalise_rows(np.asarray(W) * scale), np.asarray(H) / scale[:, None]


def json_safe(value):
    """Parameters as plain JSON values (tuples to lists, numpy scalars to Python)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


def resolve_seed_words(vectorizer: Vectorizer, seed_words: dict) -> tuple[dict, dict]:
    """A student's seed words as vocabulary terms ("deserters" -> "desert"), and the missing ones."""
    terms, missing = {}, {}
    for theme, words in seed_words.items():
        found = []
        for word in words:
            hits = vectorizer.terms_of(str(word))
            if not hits:
                missing.setdefault(theme, []).append(str(word))
            found.extend(t for t in hits if t not in found)
        terms[theme] = found
    return terms, missing


@dataclass(frozen=True, eq=False, repr=False)
class TopicModel:
    """A fitted topic model, whatever its backend.

    Build one with :meth:`fit` (an estimator, a vectorizer and paragraphs) or
    :meth:`from_matrix` (an estimator and a :class:`~themes.text.vectorizer.DocumentTermMatrix`).

    Attributes
    ----------
    name : str
        The model's name in result tables.
    estimator : estimator
        The fitted estimator (scikit-learn ``LatentDirichletAllocation``, ``NMF``, or one of
        this package's).
    vectorizer : Vectorizer
        Fitted; turns new text into the model's columns.
    topic_term : ndarray of shape (n_topics, n_terms)
        Each topic's distribution over the vocabulary; rows sum to one. For NMF, the rows of
        ``H`` scaled to sum to one.
    doc_topic : ndarray of shape (n_paragraphs, n_topics)
        Each paragraph's share of each topic; rows sum to one. For NMF, ``W`` rescaled to
        match the scaled ``H`` and normalised per row (a row without weight is uniform).
    topic_names : tuple of str
        ``topic_01``, ... for plain models; the themes then ``free_1``, ... for seeded ones.
    paragraph_ids : tuple of str
    document_ids : tuple of str or None
        The source document of each paragraph.
    params : dict
        The estimator's parameters, fitted facts (iterations, convergence), the seed terms.
    seed : int or None
        The estimator's ``random_state``.
    versions : dict
        Library versions at fitting time.
    """

    name: str
    estimator: BaseEstimator
    vectorizer: Vectorizer
    topic_term: np.ndarray
    doc_topic: np.ndarray
    topic_names: tuple[str, ...]
    paragraph_ids: tuple[str, ...]
    document_ids: tuple[str, ...] | None
    params: dict
    seed: int | None
    versions: dict

    # ---------------------------------------------------------------- building

    @classmethod
    def fit(cls, estimator, vectorizer: Vectorizer, paragraphs, *, name: str | None = None) -> TopicModel:
        """Fit a clone of ``estimator`` on paragraphs vectorized by a fitted ``vectorizer``.

        Parameters
        ----------
        estimator : estimator
            Unfitted; it is cloned, never changed. NMF-like estimators get tf-idf, others counts.
        vectorizer : Vectorizer
            Fitted (``Vectorizer(...).fit(paragraphs)``).
        paragraphs : pandas.DataFrame or sequence of str
            A table with ``paragraph_id``, ``text`` and (optional) ``doc_id``, or texts.
        name : str, optional
            Default: the estimator's class name in lower case.
        """
        return cls.from_matrix(
            estimator, DocumentTermMatrix.from_paragraphs(vectorizer, paragraphs), name=name
        )

    @classmethod
    def from_matrix(cls, estimator, dtm: DocumentTermMatrix, *, name: str | None = None) -> TopicModel:
        """Fit a clone of ``estimator`` on a document-term matrix and wrap the result."""
        check_k(estimator.get_params().get("n_components", 1), dtm.shape[0])
        est = clone(estimator)
        extra = {}
        seed_words = est.get_params().get("seed_words")
        if seed_words:
            terms, missing = resolve_seed_words(dtm.vectorizer, seed_words)
            if missing:
                listed = "; ".join(f"{t}: {', '.join(ws)}" for t, ws in missing.items())
                warnings.warn(
                    f"seed words not in the vocabulary, ignored: {listed}", SeedWordsWarning, stacklevel=2
                )
            empty = [t for t, found in terms.items() if not found]
            if empty:
                raise ModelError(
                    f"no seed word of theme(s) {', '.join(empty)} is in the vocabulary; "
                    "add seed words that occur in at least min_df paragraphs."
                )
            est.set_params(seed_words=terms)
            extra = {"seed_words": json_safe(seed_words), "seed_terms": terms, "seed_words_missing": missing}
        factorization = is_factorization(est)
        X = dtm.tfidf if factorization else dtm.counts
        fit_params = {"feature_names": list(dtm.vocabulary)} if seed_words else {}
        with threadpool_limits(limits=1), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            weights = est.fit_transform(X, **fit_params)
        for w in caught:
            if not issubclass(w.category, ConvergenceWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        if factorization:
            doc_topic, topic_term = nmf_shares(weights, est.components_)
        else:
            doc_topic, topic_term = normalise_rows(weights), normalise_rows(est.components_)
        k = topic_term.shape[0]
        fitted = {"n_iter": int(getattr(est, "n_iter_", 0)) or None}
        if factorization:
            fitted["converged"] = getattr(
                est, "converged_", not any(issubclass(w.category, ConvergenceWarning) for w in caught)
            )
        params = {
            "estimator": type(est).__name__,
            "input": "tfidf" if factorization else "counts",
            **json_safe({k_: v for k_, v in est.get_params().items() if k_ != "seed_words"}),
            **fitted,
            **extra,
            "vectorizer": json_safe(dtm.vectorizer.get_params()),
        }
        return cls(
            name=name or type(est).__name__.lower(),
            estimator=est,
            vectorizer=dtm.vectorizer,
            topic_term=np.ascontiguousarray(topic_term, dtype=np.float64),
            doc_topic=np.ascontiguousarray(doc_topic, dtype=np.float64),
            topic_names=tuple(getattr(est, "topic_names_", plain_topic_names(k))),
            paragraph_ids=dtm.paragraph_ids,
            document_ids=dtm.document_ids,
            params=params,
            seed=est.get_params().get("random_state")
            if isinstance(est.get_params().get("random_state"), int)
            else None,
            versions=library_versions(),
        )

    # ---------------------------------------------------------------- reading

    @property
    def k(self) -> int:
        return self.topic_term.shape[0]

    @property
    def vocabulary(self) -> tuple[str, ...]:
        """Vocabulary terms (stems), in column order."""
        return tuple(self.vectorizer.get_feature_names_out().tolist())

    @property
    def words(self) -> tuple[str, ...]:
        """A readable word per term (the most frequent surface form of a stem)."""
        return self.vectorizer.display_words_

    def top_term_indices(self, n: int = 10) -> list[list[int]]:
        """Column indices of each topic's ``n`` most probable terms (ties, to 12 decimals: vocabulary
        order; see :func:`~themes.models.base.rank_descending`)."""
        order = rank_descending(self.topic_term)
        return [row[:n].tolist() for row in order]

    def top_word_lists(self, n: int = 10, *, readable: bool = True) -> list[list[str]]:
        """Each topic's ``n`` top words (readable words, or vocabulary terms)."""
        names = self.words if readable else self.vocabulary
        return [[names[j] for j in row] for row in self.top_term_indices(n)]

    def top_words(self, n: int = 10) -> pd.DataFrame:
        """One row per topic: its mean share of the paragraphs and its top words."""
        return pd.DataFrame(
            {
                "share": self.doc_topic.mean(axis=0),
                "top_words": [" ".join(ws) for ws in self.top_word_lists(n)],
            },
            index=pd.Index(self.topic_names, name="topic"),
        )

    def term_weights(self, n: int = 10) -> pd.DataFrame:
        """Long table: topic, rank, word, term and weight of each topic's top ``n`` terms."""
        rows = []
        for i, idx in enumerate(self.top_term_indices(n)):
            rows.extend(
                {
                    "topic": self.topic_names[i],
                    "rank": r + 1,
                    "word": self.words[j],
                    "term": self.vocabulary[j],
                    "weight": self.topic_term[i, j],
                }
                for r, j in enumerate(idx)
            )
        return pd.DataFrame(rows)

    @property
    def document_topics(self) -> pd.DataFrame:
        """Paragraphs x topics shares, indexed by paragraph id."""
        return pd.DataFrame(
            self.doc_topic,
            index=pd.Index(self.paragraph_ids, name="paragraph_id"),
            columns=list(self.topic_names),
        )

    def transform(self, texts) -> pd.DataFrame:
        """Topic shares of new texts (rows sum to one), with the fitted analysis and model."""
        dtm = DocumentTermMatrix.from_paragraphs(self.vectorizer, texts)
        X = dtm.tfidf if is_factorization(self.estimator) else dtm.counts
        with threadpool_limits(limits=1), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            weights = self.estimator.transform(X)
        shares = (
            nmf_shares(weights, self.estimator.components_)[0]
            if is_factorization(self.estimator)
            else normalise_rows(weights)
        )
        return pd.DataFrame(
            shares, index=pd.Index(dtm.paragraph_ids, name="paragraph_id"), columns=list(self.topic_names)
        )

    def save(self, path) -> None:
        """Save to a folder: arrays as ``.npy``, everything else as JSON (no pickle)."""
        from .persist import save_topic_model

        save_topic_model(self, path)

    @classmethod
    def load(cls, path) -> TopicModel:
        """Load a model saved by :meth:`save`; refuses one saved with other library versions."""
        from .persist import load_topic_model

        return load_topic_model(path)

    def __repr__(self) -> str:
        n, v = self.doc_topic.shape[0], self.topic_term.shape[1]
        kind = type(self.estimator).__name__
        return f"TopicModel({self.name!r}, {kind}, K={self.k}, {n} paragraphs x {v} terms, seed={self.seed})"
