"""LDA and NMF, plain and keyword-seeded, behind one result type.

Every backend (scikit-learn ``LatentDirichletAllocation``, ``NMF`` and ``MiniBatchNMF``,
gensim ``LdaModel``) is fitted by :func:`fit_topic_model` and returns the same frozen
:class:`TopicModel`: topic-term and doc-topic matrices, vocabulary, parameters, seed and
library versions. Comparison and plotting consume only that.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from importlib.metadata import version

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info, threadpool_limits

from .errors import ModelError
from .vectorize import DocumentTermMatrix

LIBRARIES = (
    "numpy",
    "scipy",
    "scikit-learn",
    "gensim",
    "pandas",
    "matplotlib",
    "krippendorff",
    "snowballstemmer",
    "threadpoolctl",
    "joblib",
)


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries a result depends on."""
    return {name: version(name) for name in LIBRARIES}


def thread_settings() -> dict:
    """Thread pools as they are while a model is fitted (pinned to one thread)."""
    with threadpool_limits(limits=1):
        return {
            "threadpool_limit": 1,
            "pools": sorted(
                {
                    f"{p['internal_api']}:{p.get('architecture', '')}:{p['num_threads']}"
                    for p in threadpool_info()
                }
            ),
        }


@dataclass(frozen=True, eq=False)
class TopicModel:
    """A fitted topic model, whatever its backend.

    Attributes
    ----------
    name : str
        The model's name in result tables (``lda_gensim``, ``nmf_seeded``, ...).
    backend : str
        The fitting function used (a key of :data:`BACKENDS`).
    topic_term : numpy.ndarray of shape (n_topics, n_terms)
        Each topic's distribution over the vocabulary; rows sum to one. For NMF, the rows
        of ``H`` scaled to sum to one.
    doc_topic : numpy.ndarray of shape (n_paragraphs, n_topics)
        Each paragraph's share of each topic; rows sum to one. For NMF, ``W`` rescaled to
        match the scaled ``H`` and normalised per row (a row with no weight is uniform).
    topic_names : tuple of str
        ``topic_01``, ... for plain models; the theme name for a seeded topic and
        ``free_1``, ... for the free topics of a seeded model.
    params : dict
        Every setting of the fit, including the vectorizer's and convergence facts.
    seed : int
        The random seed.
    versions : dict
        Library versions.
    dtm : DocumentTermMatrix
        The matrix the model was fitted on (vocabulary and analyzer for new text).
    """

    name: str
    backend: str
    topic_term: np.ndarray
    doc_topic: np.ndarray
    topic_names: tuple[str, ...]
    params: dict
    seed: int
    versions: dict
    dtm: DocumentTermMatrix = field(repr=False)
    estimator: object = field(repr=False, default=None)

    @property
    def k(self) -> int:
        return self.topic_term.shape[0]

    @property
    def vocabulary(self) -> tuple[str, ...]:
        return self.dtm.vocabulary

    @property
    def doc_ids(self) -> tuple[str, ...]:
        return self.dtm.doc_ids

    def top_terms(self, n: int = 10) -> list[list[int]]:
        """Column indices of each topic's ``n`` most probable terms (ties: vocabulary order)."""
        order = np.argsort(-self.topic_term, axis=1, kind="stable")
        return [row[:n].tolist() for row in order]

    def top_words(self, n: int = 10, *, readable: bool = True) -> list[list[str]]:
        """Each topic's ``n`` top terms, as readable words or as vocabulary terms."""
        words = self.dtm.labels if readable else self.dtm.vocabulary
        return [[words[j] for j in row] for row in self.top_terms(n)]

    def transform(self, texts: list[str]) -> np.ndarray:
        """Topic shares of unseen texts, shape (n_texts, n_topics), rows summing to one.

        gensim's inference starts from random values, so its random state is reset to
        the model's seed before every call: the same text always gets the same shares.
        """
        counts = self.dtm.transform(texts)
        return _TRANSFORMS[self.backend](self, counts)


# ------------------------------------------------------------------ helpers


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    sums = matrix.sum(axis=1, keepdims=True)
    uniform = np.full_like(matrix, 1.0 / matrix.shape[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sums > 0, matrix / np.where(sums > 0, sums, 1.0), uniform)


def _nmf_shares(W: np.ndarray, H: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale NMF factors so topics are distributions and paragraphs get topic shares."""
    scale = H.sum(axis=1)
    scale[scale == 0] = 1.0
    return _normalise_rows(W * scale), H / scale[:, None]


def check_k(k: int, n_docs: int) -> None:
    """K must be at least 1 and below the number of paragraphs."""
    if not isinstance(k, int | np.integer) or k < 1:
        raise ModelError(f"the number of topics K must be a whole number of at least 1 (got {k!r}).")
    if k >= n_docs:
        raise ModelError(
            f"the number of topics K={k} is not below the number of paragraphs ({n_docs}); "
            "choose a smaller K or add text."
        )


def seed_term_indices(
    dtm: DocumentTermMatrix, seed_words: dict[str, list[str]]
) -> tuple[dict[str, list[int]], dict[str, list[str]]]:
    """Vocabulary columns of each theme's seed words, and the seed words not in the vocabulary.

    A seed word is analysed like the corpus text (lower-cased, stemmed), so "deserters"
    seeds the term "desert". Warns, listing them, when seed words are missing; stops when a
    theme has none left.
    """
    index = {t: j for j, t in enumerate(dtm.vocabulary)}
    columns, missing = {}, {}
    for theme, words in seed_words.items():
        cols = []
        for word in words:
            terms = dtm.terms_of(word)
            if terms:
                cols.extend(index[t] for t in terms if index[t] not in cols)
            else:
                missing.setdefault(theme, []).append(word)
        columns[theme] = cols
    if missing:
        listed = "; ".join(f"{t}: {', '.join(ws)}" for t, ws in missing.items())
        warnings.warn(f"seed words not in the vocabulary, ignored: {listed}", UserWarning, stacklevel=3)
    empty = [t for t, cols in columns.items() if not cols]
    if empty:
        raise ModelError(
            f"no seed word of theme(s) {', '.join(empty)} is in the vocabulary; "
            "add seed words that occur in at least min_df paragraphs."
        )
    return columns, missing


# ------------------------------------------------------------------ backends


def _fit_lda_sklearn(
    dtm,
    k,
    seed,
    *,
    max_iter=300,
    evaluate_every=5,
    perp_tol=0.1,
    doc_topic_prior=None,
    topic_word_prior=None,
    **_,
):
    """scikit-learn's batch variational Bayes LDA, run until the perplexity settles.

    Perplexity is checked every ``evaluate_every`` iterations and the fit stops when it
    changes by less than ``perp_tol`` (scikit-learn's default), or after ``max_iter``.
    """
    from sklearn.decomposition import LatentDirichletAllocation

    est = LatentDirichletAllocation(
        n_components=k,
        learning_method="batch",
        max_iter=max_iter,
        evaluate_every=evaluate_every,
        perp_tol=perp_tol,
        doc_topic_prior=doc_topic_prior,
        topic_word_prior=topic_word_prior,
        random_state=seed,
        n_jobs=1,
    )
    doc_topic = est.fit_transform(dtm.counts)
    params = {
        "learning_method": "batch",
        "max_iter": max_iter,
        "evaluate_every": evaluate_every,
        "perp_tol": perp_tol,
        "n_iter": int(est.n_iter_),
        "doc_topic_prior": est.doc_topic_prior_,
        "topic_word_prior": est.topic_word_prior_,
    }
    return est, _normalise_rows(est.components_), _normalise_rows(doc_topic), params


def _transform_lda_sklearn(model, counts):
    return _normalise_rows(model.estimator.transform(counts))


def _gensim_corpus(counts: sp.csr_matrix) -> list[list[tuple[int, int]]]:
    counts = sp.csr_matrix(counts)
    return [
        list(zip(counts.indices[a:b].tolist(), counts.data[a:b].tolist(), strict=True))
        for a, b in zip(counts.indptr[:-1], counts.indptr[1:], strict=True)
    ]


def _gensim_lda(dtm, k, seed, alpha, eta, *, passes, iterations, start=None):
    """gensim ``LdaModel`` on the matrix; ``start`` (K x V pseudo-counts) is added to its
    random starting topics before the first pass."""
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    id2word = Dictionary.from_corpus(
        [[(j, 1)] for j in range(len(dtm.vocabulary))], id2word=dict(enumerate(dtm.vocabulary))
    )
    est = LdaModel(
        corpus=None,
        id2word=id2word,
        num_topics=k,
        passes=passes,
        iterations=iterations,
        alpha=np.full(k, alpha),
        eta=eta,
        random_state=seed,
        eval_every=None,
        dtype=np.float64,
    )
    if start is not None:
        est.state.sstats += start
        est.sync_state()
    est.update(_gensim_corpus(dtm.counts))
    return est


def _gensim_doc_topic(est, counts, seed):
    est.random_state = np.random.RandomState(seed)  # inference draws its start values
    gamma, _ = est.inference(_gensim_corpus(counts))
    return _normalise_rows(gamma)


def _fit_lda_gensim(dtm, k, seed, *, alpha=0.5, eta=0.1, passes=50, iterations=100, **_):
    """gensim's online variational Bayes LDA, run for ``passes`` full passes over the corpus.

    The priors are seededlda's defaults (alpha 0.5, beta 0.1; Watanabe & Zhou 2020), shared
    with ``lda_seeded`` so that comparing the two isolates the effect of the seed words.
    """
    est = _gensim_lda(
        dtm, k, seed, alpha, np.full(len(dtm.vocabulary), eta), passes=passes, iterations=iterations
    )
    params = {"passes": passes, "iterations": iterations, "alpha": alpha, "eta": eta}
    return est, _normalise_rows(est.get_topics()), _gensim_doc_topic(est, dtm.counts, seed), params


def _transform_lda_gensim(model, counts):
    return _gensim_doc_topic(model.estimator, counts, model.seed)


def _nmf_params(est, caught, **settings) -> dict:
    """An NMF fit's settings, iterations, and whether it converged (no ConvergenceWarning)."""
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return {"input": "tfidf", **settings, "n_iter": int(est.n_iter_), "converged": converged}


def _fit_nmf(dtm, k, seed, *, max_iter=1000, minibatch=False, **_):
    from sklearn.decomposition import NMF, MiniBatchNMF

    X = dtm.tfidf()
    cls = MiniBatchNMF if minibatch else NMF
    est = cls(n_components=k, init="nndsvda", max_iter=max_iter, random_state=seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        W = est.fit_transform(X)
    doc_topic, topic_term = _nmf_shares(W, est.components_)
    return est, topic_term, doc_topic, _nmf_params(est, caught, init="nndsvda", max_iter=max_iter)


def _fit_nmf_sklearn(dtm, k, seed, **params):
    return _fit_nmf(dtm, k, seed, **params)


def _fit_nmf_minibatch(dtm, k, seed, **params):
    return _fit_nmf(dtm, k, seed, minibatch=True, **params)


def _transform_nmf(model, counts):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        W = model.estimator.transform(model.dtm.tfidf(counts))
    return _nmf_shares(W, model.estimator.components_)[0]


def _fit_lda_seeded(
    dtm, k, seed, *, seed_columns, seed_weight=1.0, alpha=0.5, eta=0.1, passes=50, iterations=100, **_
):
    """gensim LDA whose topic-word prior favours each theme's seed words in its own topic.

    A port of seededlda (Watanabe & Zhou 2020) to gensim's variational Bayes: the priors
    are its defaults (alpha 0.5, beta 0.1), and in its theme's topic a seed word gets an
    extra pseudo-count of ``seed_weight`` times its frequency in the corpus (seededlda's
    default ``weight = 0.01`` gives each seed word a pseudo-count equal to its frequency,
    which is ``seed_weight = 1``). The same pseudo-counts are added to the random starting
    topics, so each theme's topic starts from its seed words.
    """
    boost = np.zeros((k, len(dtm.vocabulary)))
    freq = np.asarray(dtm.counts.sum(axis=0), dtype=np.float64).ravel()
    for t, cols in enumerate(seed_columns.values()):
        boost[t, cols] = seed_weight * freq[cols]
    # The pseudo-counts are both prior and start: gensim starts from random topics, and
    # without the seeds in the start a theme's paragraphs can settle in another topic
    # before the prior pulls (seededlda likewise starts seed words in their topics).
    est = _gensim_lda(dtm, k, seed, alpha, eta + boost, passes=passes, iterations=iterations, start=boost)
    params = {
        "passes": passes,
        "iterations": iterations,
        "alpha": alpha,
        "eta": eta,
        "seed_prior": "eta + seed_weight x corpus frequency for a seed word in its theme's topic",
        "seed_weight": seed_weight,
    }
    return est, _normalise_rows(est.get_topics()), _gensim_doc_topic(est, dtm.counts, seed), params


def _fit_nmf_seeded(dtm, k, seed, *, seed_columns, max_iter=1000, **_):
    """NMF in which a theme's seed words can load on that theme's topic only.

    The initial ``H`` is non-negative random (drawn with ``seed``) except that each seed
    word is set to zero in every topic but its theme's. Multiplicative updates (Lee &
    Seung 2001; scikit-learn's ``solver='mu'``) never move a zero, so the constraint holds
    through the fit and each theme's topic is the only one that can express its seed words;
    free topics are unconstrained. The initial ``W`` solves for that ``H`` held fixed.
    """
    from sklearn.decomposition import NMF, non_negative_factorization

    X = dtm.tfidf()
    rng = np.random.default_rng(seed)
    scale = np.sqrt(X.mean() / k)  # scikit-learn's scale for random initial factors
    H0 = scale * rng.random((k, X.shape[1]))
    for t, cols in enumerate(seed_columns.values()):
        others = [s for s in range(k) if s != t]
        H0[np.ix_(others, cols)] = 0.0
        H0[t, cols] = H0[t].max()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        W0, _, _ = non_negative_factorization(
            X, H=H0, n_components=k, init="custom", update_H=False, solver="mu", max_iter=max_iter
        )
        W0 = np.maximum(W0, scale * 1e-3)  # a zero in W would also be frozen by the updates
        est = NMF(n_components=k, init="custom", solver="mu", max_iter=max_iter, random_state=seed)
        W = est.fit_transform(X, W=W0, H=H0.copy())
    doc_topic, topic_term = _nmf_shares(W, est.components_)
    params = _nmf_params(
        est, caught, init="random, seed words zero outside their topic", solver="mu", max_iter=max_iter
    )
    return est, topic_term, doc_topic, params


BACKENDS = {
    "lda_sklearn": _fit_lda_sklearn,
    "lda_gensim": _fit_lda_gensim,
    "nmf_sklearn": _fit_nmf_sklearn,
    "nmf_minibatch": _fit_nmf_minibatch,
    "lda_seeded": _fit_lda_seeded,
    "nmf_seeded": _fit_nmf_seeded,
}
SEEDED = ("lda_seeded", "nmf_seeded")
_TRANSFORMS = {
    "lda_sklearn": _transform_lda_sklearn,
    "lda_gensim": _transform_lda_gensim,
    "nmf_sklearn": _transform_nmf,
    "nmf_minibatch": _transform_nmf,
    "lda_seeded": _transform_lda_gensim,
    "nmf_seeded": _transform_nmf,
}


def fit_topic_model(
    dtm: DocumentTermMatrix,
    backend: str,
    *,
    k: int,
    seed: int,
    name: str | None = None,
    seed_words: dict[str, list[str]] | None = None,
    **params,
) -> TopicModel:
    """Fit one topic model on a document-term matrix.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Counts for LDA; NMF uses the matrix's tf-idf.
    backend : str
        One of :data:`BACKENDS`.
    k : int
        Number of topics, ``1 <= k < n_paragraphs``. For a seeded backend, the themes'
        topics come first and ``k - n_themes`` free topics follow.
    seed : int
        Random seed; the same data, settings and seed give bit-identical matrices.
    name : str, optional
        The model's name in result tables (default: ``backend``).
    seed_words : dict, optional
        Seed words per theme, required by the seeded backends.
    **params
        Backend settings (``max_iter``, ``passes``, ``iterations``, ``seed_weight``).

    Returns
    -------
    TopicModel

    Raises
    ------
    ModelError
        For an unknown backend, an impossible K, or a seeded model without seed words or
        with a theme none of whose seed words is in the vocabulary.
    """
    if backend not in BACKENDS:
        raise ModelError(f"unknown model {backend!r}; choose one of {', '.join(BACKENDS)}.")
    check_k(k, dtm.shape[0])
    topic_names = tuple(f"topic_{i + 1:02d}" for i in range(k))
    extra = {}
    if backend in SEEDED:
        if not seed_words:
            raise ModelError(f"the model {backend!r} needs seed words per theme.")
        if k < len(seed_words):
            raise ModelError(
                f"the seeded model needs K of at least the {len(seed_words)} themes (got K={k})."
            )
        columns, missing = seed_term_indices(dtm, seed_words)
        params["seed_columns"] = columns
        extra = {
            "seed_terms": {t: [dtm.vocabulary[j] for j in c] for t, c in columns.items()},
            "seed_words_missing": missing,
        }
        topic_names = tuple(seed_words) + tuple(f"free_{i + 1}" for i in range(k - len(seed_words)))
    with threadpool_limits(limits=1):
        est, topic_term, doc_topic, fitted = BACKENDS[backend](dtm, k, seed, **params)
    return TopicModel(
        name=name or backend,
        backend=backend,
        topic_term=np.ascontiguousarray(topic_term, dtype=np.float64),
        doc_topic=np.ascontiguousarray(doc_topic, dtype=np.float64),
        topic_names=topic_names,
        params={"k": k, "n_jobs": 1, **fitted, **extra, "vectorizer": dtm.settings.as_dict()},
        seed=seed,
        versions=library_versions(),
        dtm=dtm,
        estimator=est,
    )
