"""A document-term matrix: a fitted vectorizer with the counts of the paragraphs it describes.

:class:`DocumentTermMatrix` is what every model is fitted on (counts, or tf-idf for
factorisations); :func:`stem_counts` counts every stem of the texts, vocabulary or not, which the
seed-word baseline scores from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .vectorizer import Vectorizer, _texts_and_groups


@dataclass(frozen=True, eq=False, repr=False)
class DocumentTermMatrix:
    """A fitted vectorizer and the counts of the paragraphs it describes.

    Attributes
    ----------
    vectorizer : Vectorizer
        Fitted; its vocabulary names the columns.
    counts : scipy.sparse.csr_matrix of shape (n_paragraphs, n_terms)
    paragraph_ids : tuple of str, length n_paragraphs
    document_ids : tuple of str or None
        The source document of each paragraph.
    texts : tuple of str
        The paragraphs' texts (for coherence and for showing examples).
    """

    vectorizer: Vectorizer
    counts: sp.csr_matrix
    paragraph_ids: tuple[str, ...]
    document_ids: tuple[str, ...] | None = None
    texts: tuple[str, ...] = field(default=())

    @classmethod
    def from_paragraphs(cls, vectorizer: Vectorizer, paragraphs, *, fit: bool = False) -> DocumentTermMatrix:
        """Count a paragraph table (``paragraph_id``, ``text``, ``doc_id``) or a list of texts.

        With ``fit`` the vectorizer (unfitted or not) is fitted on these paragraphs first.
        """
        texts, groups = _texts_and_groups(paragraphs, None)
        if isinstance(paragraphs, pd.DataFrame) and "paragraph_id" in paragraphs.columns:
            ids = paragraphs["paragraph_id"].astype(str).tolist()
        elif isinstance(paragraphs, pd.Series | pd.DataFrame):
            ids = paragraphs.index.astype(str).tolist()
        else:
            ids = [str(i) for i in range(len(texts))]
        counts = vectorizer.fit_transform(texts, groups=groups) if fit else vectorizer.transform(texts)
        return cls(vectorizer, counts, tuple(ids), tuple(map(str, groups)) if groups else None, tuple(texts))

    @property
    def shape(self) -> tuple[int, int]:
        return self.counts.shape

    @property
    def vocabulary(self) -> tuple[str, ...]:
        return tuple(self.vectorizer.get_feature_names_out().tolist())

    @property
    def display_words(self) -> tuple[str, ...]:
        return self.vectorizer.display_words_

    @cached_property
    def tfidf(self) -> sp.csr_matrix:
        return self.vectorizer.tfidf(self.counts)

    @cached_property
    def stem_counts(self) -> tuple[sp.csr_matrix, dict[str, int]]:
        """Every stem of :attr:`texts`, vocabulary or not (:func:`stem_counts`):
        what the seed-word counts are scored from, counted once per matrix."""
        return stem_counts(list(self.texts), self.vectorizer)

    def __repr__(self) -> str:
        n, v = self.shape
        return f"DocumentTermMatrix({n} paragraphs x {v} terms, {int(self.counts.sum())} tokens)"


def stem_counts(texts: list[str], vectorizer: Vectorizer) -> tuple[sp.csr_matrix, dict[str, int]]:
    """Every stem of each text (the corpus analysis, no vocabulary limit) counted: the matrix and
    each stem's column. Counted here, not by ``CountVectorizer``, which refuses texts without any
    word; their row of zeros is a valid answer (no seed word)."""
    analyzer = vectorizer.analyzer_
    column: dict[str, int] = {}
    rows, cols = [], []
    for i, text in enumerate(texts):
        for term in analyzer.stems(analyzer.words(text)):
            rows.append(i)
            cols.append(column.setdefault(term, len(column)))
    ones = np.ones(len(rows), dtype=np.int64)
    return sp.csr_matrix((ones, (rows, cols)), shape=(len(texts), len(column))), column
