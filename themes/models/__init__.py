"""Fitted models: the estimators, the backends that describe them, the one result type, saving.

Owns the third stage (a document-term matrix -> a fitted topic model): ``base`` holds what every
estimator of the package shares (scikit-learn's conventions, seed words); ``gensim_lda``,
``seeded_nmf``, ``keyatm``, ``tomotopy_lda`` and ``online_lda`` are the estimators; ``backends``
describes every estimator class the package fits, saves and loads, in one place each
(:class:`Backend`); ``topic_model`` is the frozen result type every backend gives
(:class:`TopicModel`); ``fitting`` makes one; ``persist`` stores them without pickle.
It may import ``themes.text`` and the floor, nothing above.
"""

from .._lazy import lazy_names

_SOURCES = {
    "Backend": "backends",
    "available_backends": "backends",
    "backend_of": "backends",
    "get_backend": "backends",
    "is_seeded": "backends",
    "TopicEstimator": "base",
    "GensimLDA": "gensim_lda",
    "SeededLDA": "gensim_lda",
    "SeededNMF": "seeded_nmf",
    "KeyATM": "keyatm",
    "TomotopyLDA": "tomotopy_lda",
    "OnlineLDA": "online_lda",
    "TopicModel": "topic_model",
    "fit_topics": "fitting",
    "fit_matrix": "fitting",
    "resolve_seed_words": "fitting",
}
__all__ = sorted(_SOURCES)
__getattr__, __dir__ = lazy_names(__name__, _SOURCES)
