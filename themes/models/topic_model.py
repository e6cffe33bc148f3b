"""One result type for every topic model, whatever its backend.

:class:`TopicModel` holds what a fitted estimator found (scikit-learn LDA, NMF, MiniBatchNMF,
and this package's gensim LDA, seeded LDA and NMF, keyATM, tomotopy LDA; see
:mod:`themes.models.backends`): topic-term and doc-topic matrices, topic names, paragraph ids,
every setting, whether it was seeded, the seed and the library versions. Comparison, plotting,
the explorer and saving consume only that. :func:`themes.models.fitting.fit_topics` makes one.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from ..text.matrix import DocumentTermMatrix
from ..text.vectorizer import Vectorizer
from . import persist
from . import saved_checks as checks
from .backends import Backend, backend_by_class_path, get_backend
from .base import nmf_shares, normalise_rows, rank_descending

FORMAT = "themes.TopicModel"
"""The ``format`` field of a saved topic model's ``model.json``."""


@dataclass(frozen=True, eq=False, repr=False)
class TopicModel:
    """A fitted topic model, whatever its backend.

    Made by :func:`themes.models.fit_topics` (an estimator, a vectorizer and paragraphs) or
    :func:`themes.models.fit_matrix` (an estimator and a
    :class:`~themes.text.matrix.DocumentTermMatrix`); read back by :meth:`load`.

    Attributes
    ----------
    name : str
        The model's name in result tables.
    estimator : estimator
        The fitted estimator (scikit-learn ``LatentDirichletAllocation``, ``NMF``, or one of
        this package's).
    backend : Backend
        What the package knows of the estimator's class: the matrix it takes, its family.
    seeded : bool
        Whether the estimator was given seed words: its first topics are then the themes'.
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
    backend: Backend
    seeded: bool
    vectorizer: Vectorizer
    topic_term: np.ndarray
    doc_topic: np.ndarray
    topic_names: tuple[str, ...]
    paragraph_ids: tuple[str, ...]
    document_ids: tuple[str, ...] | None
    params: dict
    seed: int | None
    versions: dict

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
        factorization = self.backend.matrix == "tfidf"
        X = dtm.tfidf if factorization else dtm.counts
        with threadpool_limits(limits=1), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            weights = self.estimator.transform(X)
        shares = (
            nmf_shares(weights, self.estimator.components_)[0] if factorization else normalise_rows(weights)
        )
        return pd.DataFrame(
            shares, index=pd.Index(dtm.paragraph_ids, name="paragraph_id"), columns=list(self.topic_names)
        )

    # ---------------------------------------------------------------- saving

    def save(self, path) -> Path:
        """Save to a folder: arrays as ``.npy``, everything else as JSON (no pickle)."""
        record, arrays = self.record()
        return persist.write_folder(path, {"model.json": record}, arrays)

    def record(self) -> tuple[dict, dict[str, np.ndarray]]:
        """The model as what :meth:`save` writes: the JSON record and the arrays by name."""
        allowed = persist.allowed_classes(self.backend.class_path)
        est_record, arrays = persist.estimator_record(self.estimator, "estimator", allowed=allowed)
        vec_record, vec_arrays = persist.vectorizer_record(self.vectorizer)
        record = {
            **persist.record_header(FORMAT, self.versions),
            "name": self.name,
            "backend": self.backend.name,
            "seeded": self.seeded,
            "topic_names": list(self.topic_names),
            "paragraph_ids": list(self.paragraph_ids),
            "document_ids": None if self.document_ids is None else list(self.document_ids),
            "params": self.params,
            "seed": self.seed,
            "estimator": est_record,
            "vectorizer": vec_record,
        }
        return record, {**arrays, **vec_arrays, "topic_term": self.topic_term, "doc_topic": self.doc_topic}

    @classmethod
    def load(cls, path, *, backends: tuple[Backend, ...] = ()) -> TopicModel:
        """Load a model saved by :meth:`save`; refuses one saved with other library versions.

        The estimator's class must be a backend's: one of :func:`themes.models.available_backends`
        or of ``backends`` (a backend described in a notebook, not installed as an entry point).
        """
        path = Path(path)
        record = persist.read_record(path, kind=FORMAT)
        extra = {b.class_path: b for b in backends}
        estimator_record = checks.field(record, "estimator", dict, path)
        class_path = str(estimator_record.get("class", ""))
        backend_name = checks.field(record, "backend", str, path)
        backend = extra.get(class_path) or backend_by_class_path(class_path) or get_backend(backend_name)
        allowed = persist.allowed_classes(*extra)
        topic_names = checks.text_list(record.get("topic_names"), "topic names", path)
        paragraph_ids = checks.text_list(record.get("paragraph_ids"), "paragraph ids", path)
        document_ids = checks.field(record, "document_ids", (list, type(None)), path)
        if document_ids is not None:
            checks.text_list(document_ids, "document ids", path, length=len(paragraph_ids))
        vectorizer = persist.load_vectorizer(checks.field(record, "vectorizer", dict, path), path)
        k, n_terms = len(topic_names), len(vectorizer.vocabulary_)
        topic_term = checks.check_shape(
            path, "topic_term.npy", persist.load_npy(path, "topic_term"), (k, n_terms)
        )
        doc_topic = persist.load_npy(path, "doc_topic")
        checks.check_shape(path, "doc_topic.npy", doc_topic, (len(paragraph_ids), k))
        estimator = persist.load_estimator(estimator_record, path, allowed=allowed)
        checks.check_estimator(estimator, path, k=k, n_terms=n_terms)
        return cls(
            name=checks.field(record, "name", str, path),
            estimator=estimator,
            backend=backend,
            seeded=checks.field(record, "seeded", bool, path),
            vectorizer=vectorizer,
            topic_term=checks.check_distributions(path, "topic_term.npy", topic_term),
            doc_topic=checks.check_distributions(path, "doc_topic.npy", doc_topic),
            topic_names=tuple(topic_names),
            paragraph_ids=tuple(paragraph_ids),
            document_ids=None if document_ids is None else tuple(document_ids),
            params=checks.field(record, "params", dict, path),
            seed=checks.field(record, "seed", (int, type(None)), path),
            versions=record["versions"],
        )

    def __repr__(self) -> str:
        n, v = self.doc_topic.shape[0], self.topic_term.shape[1]
        kind = type(self.estimator).__name__
        return f"TopicModel({self.name!r}, {kind}, K={self.k}, {n} paragraphs x {v} terms, seed={self.seed})"
