"""Fitting any backend's estimator into the one result type, :class:`~themes.models.TopicModel`.

:func:`fit_topics` takes an unfitted estimator, a fitted vectorizer and paragraphs;
:func:`fit_matrix` a :class:`~themes.text.matrix.DocumentTermMatrix`. The estimator is cloned,
fitted on the matrix its backend takes (counts, or tf-idf for factorisations), with a student's
seed words resolved to the vocabulary's terms first, and wrapped with every setting, the seed and
the library versions.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from ..environment import library_versions
from ..errors import ModelError, SeedWordsWarning
from ..text.matrix import DocumentTermMatrix
from ..text.vectorizer import Vectorizer
from .backends import Backend, backend_of
from .base import nmf_shares, normalise_rows, plain_topic_names
from .topic_model import TopicModel


def check_k(k, n_paragraphs: int) -> None:
    """K must be a whole number of at least 1 and below the number of paragraphs."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ModelError(f"the number of topics K must be a whole number of at least 1 (got {k!r}).")
    if k >= n_paragraphs:
        raise ModelError(
            f"the number of topics K={k} is not below the number of paragraphs ({n_paragraphs}); "
            "choose a smaller K or add text."
        )


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


def fit_topics(
    estimator, vectorizer: Vectorizer, paragraphs, *, name: str | None = None, backend: Backend | None = None
) -> TopicModel:
    """Fit a clone of ``estimator`` on paragraphs vectorized by a fitted ``vectorizer``.

    Parameters
    ----------
    estimator : estimator
        Unfitted; it is cloned, never changed. Its backend (:func:`themes.models.backend_of`)
        says whether it takes counts or tf-idf.
    vectorizer : Vectorizer
        Fitted (``Vectorizer(...).fit(paragraphs)``).
    paragraphs : pandas.DataFrame or sequence of str
        A table with ``paragraph_id``, ``text`` and (optional) ``doc_id``, or texts.
    name : str, optional
        Default: the estimator's class name in lower case.
    backend : Backend, optional
        For an estimator class that is not (yet) a registered backend.

    Returns
    -------
    TopicModel

    Examples
    --------
    >>> from sklearn.decomposition import NMF
    >>> import themes as th
    >>> texts = ["rain falls on the green hills"] * 3 + ["markets rise as banks lend money"] * 3
    >>> vec = th.Vectorizer(min_df=1, corpus_stop_min_df=None).fit(texts)
    >>> th.fit_topics(NMF(n_components=2, random_state=0), vec, texts).k
    2
    """
    dtm = DocumentTermMatrix.from_paragraphs(vectorizer, paragraphs)
    return fit_matrix(estimator, dtm, name=name, backend=backend)


def fit_matrix(
    estimator,
    dtm: DocumentTermMatrix,
    *,
    name: str | None = None,
    backend: Backend | None = None,
    matrix=None,
) -> TopicModel:
    """Fit a clone of ``estimator`` on a document-term matrix and wrap the result (see :func:`fit_topics`).

    ``matrix``: the counts or tf-idf the backend takes, when the caller holds it already (a streamed
    corpus's tf-idf, weighted in place); by default made from ``dtm``.
    """
    backend = backend or backend_of(estimator)
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
    factorization = backend.matrix == "tfidf"
    X = matrix if matrix is not None else (dtm.tfidf if factorization else dtm.counts)
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
    return TopicModel(
        name=name or type(est).__name__.lower(),
        estimator=est,
        backend=backend,
        seeded=bool(seed_words) and backend.takes_seed_words,
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
