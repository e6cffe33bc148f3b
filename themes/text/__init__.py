"""Paragraphs to word matrices: the analysis, the vectorizer, the document-term matrix, streaming counts.

Owns the second stage (the paragraph table -> counts and tf-idf): ``analyzer`` turns text into
terms (tokens, stop words, contractions, Snowball stems); ``vectorizer`` is the scikit-learn
transformer that learns the vocabulary; ``matrix`` bundles it with the counts a model is fitted
on; ``streaming`` counts a corpus larger than memory chunk by chunk to the same matrix.
It may import ``themes.corpus`` (to read chunks) and the floor.
"""

from .._lazy import lazy_names

_SOURCES = {
    "Analyzer": "analyzer",
    "NAIVE_VECTORIZER": "vectorizer",
    "Vectorizer": "vectorizer",
    "settings_effect": "vectorizer",
    "DocumentTermMatrix": "matrix",
    "stem_counts": "matrix",
    "count_corpus": "streaming",
    "fit_transform_chunks": "streaming",
}
__all__ = sorted(_SOURCES)
__getattr__, __dir__ = lazy_names(__name__, _SOURCES)
