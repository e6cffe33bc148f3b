"""tomotopy's collapsed Gibbs sampling LDA, plain and keyword-seeded, as a scikit-learn estimator.

tomotopy is a fast C++ sampler but takes lists of words, not a matrix, and its model object
cannot be saved in the package's array-only format; :class:`TomotopyLDA` feeds it a count
matrix and keeps only arrays, from which ``transform`` scores new text without tomotopy.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from scipy.special import digamma
from sklearn.utils.validation import check_is_fitted

from ..errors import ModelError
from .base import (
    TopicEstimator,
    normalise_rows,
    plain_topic_names,
    resolve_seed_columns,
    seed_from_random_state,
    seeded_topic_names,
)

# Documents scored together by ``transform``: bounds the (non-zeros x topics) work array.
_TRANSFORM_BATCH = 4096


def _import_tomotopy():
    """tomotopy, imported quietly: its compiled module's types lack ``__module__``, which
    Python 3.11+ reports as a DeprecationWarning during the import (an error under
    ``-W error``, which then makes tomotopy fail to find its compiled module at all)."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"builtin type .* has no __module__", category=DeprecationWarning
        )
        import tomotopy

    return tomotopy


def _whole_counts(X: sp.csr_matrix) -> sp.csr_matrix:
    """The matrix rounded to whole counts: Gibbs sampling assigns whole tokens to topics."""
    counts = sp.csr_matrix((np.rint(X.data), X.indices, X.indptr), shape=X.shape)
    counts.eliminate_zeros()
    return counts


def _token_lists(counts: sp.csr_matrix) -> list[list[str]]:
    """Each row as tomotopy's list of words: column ``j`` repeated ``counts[i, j]`` times,
    named ``str(j)`` (tomotopy takes strings, not indices)."""
    names = np.array([str(j) for j in range(counts.shape[1])], dtype=object)
    tokens = np.repeat(names[counts.indices], counts.data.astype(np.int64))
    ends = np.cumsum(np.asarray(counts.sum(axis=1), dtype=np.int64).ravel())
    return [chunk.tolist() for chunk in np.split(tokens, ends[:-1])]


class TomotopyLDA(TopicEstimator):
    """LDA by tomotopy's collapsed Gibbs sampler, plain or keyword-seeded.

    The sampler runs ``n_iter`` sweeps over all tokens in one thread (``workers=1``), which
    tomotopy guarantees to be reproducible for a given seed on one machine. With
    ``seed_words`` the topic-word prior favours each theme's seed words in the theme's own
    topic, with seededlda's numbers (Watanabe & Zhou 2020) as in :class:`SeededLDA`: in
    its theme's topic a seed word's prior is ``eta + seed_weight * f``, where ``f`` is the
    word's frequency in the corpus (``seed_weight=1``, seededlda's default ``weight=0.01``,
    makes the pseudo-count equal to the frequency); in every other topic it keeps the small
    ``eta``. The themes' topics come first, then ``n_components - n_themes`` free topics.

    Parameters
    ----------
    n_components : int, default 10
        Number of topics K.
    seed_words : mapping of str to list of (str or int), default None
        Theme -> seed words: vocabulary terms (found in ``fit(..., feature_names=...)``) or
        column indices. ``None`` fits plain LDA.
    seed_weight : float, default 1.0
        Seed words' extra prior, in multiples of their corpus frequency.
    alpha : float, default 0.5
        Symmetric document-topic prior.
    eta : float, default 0.1
        Symmetric topic-word prior. Both are seededlda's defaults, shared with
        :class:`GensimLDA` and :class:`SeededLDA`.
    n_iter : int, default 200
        Gibbs sweeps over the corpus.
    burn_in : int, default 0
        Sweeps before the first optimisation of alpha (tomotopy's ``burn_in``); used only
        when ``optim_interval > 0``.
    optim_interval : int, default 0
        Re-estimate alpha every this many sweeps (tomotopy's default is 10). 0 keeps the
        priors as given, as the package's other LDA estimators do.
    workers : int, default 1
        Sampling threads. Only ``workers=1`` is reproducible: with more, the result
        depends on how the threads interleave.
    infer_iter : int, default 100
        Most fixed-point iterations of ``transform`` per batch (it stops earlier once the
        mean change of the shares is below 1e-3, as scikit-learn's LDA does).
    random_state : int, RandomState or None, default None
        Seeds the sampler.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Topic-word probabilities in the column order of ``X``, rows summing to one: the
        posterior mean ``(n_kw + prior_kw) / sum_w (n_kw + prior_kw)`` of the last sample,
        with ``prior_kw`` the prior the sampler used (``eta``, or the seed prior). A column
        without any count in the fitting matrix (tomotopy drops it) gets ``eta`` alone,
        the same small mass in every topic.
    doc_topic_ : ndarray of shape (n_samples, n_components)
        Topic shares of the fitting documents from the last sample,
        ``(n_dk + alpha) / (n_d + K alpha)``; uniform for a document without words.
    alpha_ : ndarray of shape (n_components,)
        The document-topic prior after fitting (``alpha`` unless optimised).
    log_likelihood_ : float
        Log-likelihood per word of the fitting corpus (tomotopy's ``ll_per_word``).
    n_iter_ : int
    seed_ : int
        The integer seed handed to tomotopy.
    topic_names_ : tuple of str
        ``topic_01``, ... or the themes, then ``free_1``, ...
    seed_columns_ : dict of str to list of int
        Each theme's seed columns (empty without ``seed_words``).
    seed_words_missing_ : dict of str to list of str
    n_features_in_ : int

    Notes
    -----
    ``transform`` does not call tomotopy's ``infer``: that needs the tomotopy model object,
    which cannot be rebuilt from arrays, so a saved and reloaded model could not score
    text. It instead runs the variational E-step of LDA (Blei, Ng & Jordan 2003, as in
    scikit-learn's ``LatentDirichletAllocation``) with the topics fixed to ``components_``,
    from uniform start values: no random numbers, so the same text always gets the same
    shares. ``fit_transform`` returns ``fit(X).transform(X)``, close to but not equal to
    the sampler's ``doc_topic_``.

    References
    ----------
    Griffiths, T. L. & Steyvers, M. (2004). Finding scientific topics. PNAS 101(suppl 1).
    Watanabe, K. & Zhou, Y. (2020). Theory-driven analysis of large corpora: semisupervised
    topic classification of the UN speeches. Social Science Computer Review 40(2).
    Lee, M. (2022). tomotopy: Tomoto, the topic modeling tool for Python.
    https://github.com/bab2min/tomotopy

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[3, 0, 1], [0, 4, 1], [2, 0, 0], [0, 3, 2]])
    >>> TomotopyLDA(n_components=2, n_iter=20, random_state=0).fit_transform(X).shape
    (4, 2)
    """

    def __init__(
        self,
        n_components=10,
        *,
        seed_words=None,
        seed_weight=1.0,
        alpha=0.5,
        eta=0.1,
        n_iter=200,
        burn_in=0,
        optim_interval=0,
        workers=1,
        infer_iter=100,
        random_state=None,
    ):
        self.n_components = n_components
        self.seed_words = seed_words
        self.seed_weight = seed_weight
        self.alpha = alpha
        self.eta = eta
        self.n_iter = n_iter
        self.burn_in = burn_in
        self.optim_interval = optim_interval
        self.workers = workers
        self.infer_iter = infer_iter
        self.random_state = random_state

    def _seed_prior(self, X, k: int, feature_names) -> np.ndarray:
        """The topic-word prior (K x n_features): ``eta``, plus the seed words' boost."""
        prior = np.full((k, X.shape[1]), float(self.eta))
        if self.seed_words is None:
            self.seed_columns_, self.seed_words_missing_ = {}, {}
            self.topic_names_ = plain_topic_names(k)
            return prior
        self.seed_columns_, self.seed_words_missing_ = resolve_seed_columns(
            self.seed_words, n_features=X.shape[1], feature_names=feature_names, owner="TomotopyLDA"
        )
        self.topic_names_ = seeded_topic_names(list(self.seed_columns_), k)
        freq = np.asarray(X.sum(axis=0), dtype=np.float64).ravel()
        for t, cols in enumerate(self.seed_columns_.values()):
            prior[t, cols] += self.seed_weight * freq[cols]
        return prior

    def fit(self, X, y=None, *, feature_names=None):
        """Fit on a document-term count matrix (rows are documents).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Counts; other non-negative weights are rounded to whole tokens.
        y : ignored
        feature_names : sequence of str, optional
            The vocabulary, needed when seed words are terms.

        Returns
        -------
        self
        """
        tp = _import_tomotopy()
        X = sp.csr_matrix(self._validate_counts(X, reset=True))
        k = self._check_n_components(X.shape[0])
        for name in ("n_iter", "infer_iter", "workers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ModelError(f"{name} must be a whole number of at least 1 (got {value!r}).")
        X = _whole_counts(X)
        prior = self._seed_prior(X, k, feature_names)
        self.seed_ = seed_from_random_state(self.random_state)
        docs = _token_lists(X)
        if not any(docs):
            raise ModelError(
                "TomotopyLDA got a matrix without any count of at least one half; nothing to fit."
            )

        model = tp.LDAModel(k=k, alpha=float(self.alpha), eta=float(self.eta), seed=self.seed_)
        model.burn_in = int(self.burn_in)
        model.optim_interval = int(self.optim_interval)
        for words in docs:
            model.add_doc(words, ignore_empty_words=True)
        for t, cols in enumerate(self.seed_columns_.values()):
            for j in cols:
                if prior[t, j] > self.eta:  # tomotopy knows only words that occur
                    model.set_word_prior(str(j), {t: float(prior[t, j])})
        model.train(int(self.n_iter), workers=int(self.workers))

        # tomotopy's topic-word counts (plus its scalar eta) are indexed by its own vocabulary:
        # the used words in order of first appearance. Back to X's columns, then add the priors.
        cols = np.fromiter((int(w) for w in model.used_vocabs), dtype=np.int64)
        counts = np.zeros((k, X.shape[1]))
        for t in range(k):
            counts[t, cols] = np.asarray(model.get_topic_word_dist(t, normalize=False)) - model.eta
        self.components_ = normalise_rows(np.maximum(counts, 0.0) + prior)

        doc_topic = np.full((X.shape[0], k), 1.0 / k)
        rows = [i for i, words in enumerate(docs) if words]
        doc_topic[rows] = [d.get_topic_dist() for d in model.docs]
        self.doc_topic_ = normalise_rows(doc_topic)
        self.alpha_ = np.asarray(model.alpha, dtype=np.float64).reshape(-1) * np.ones(k)
        self.log_likelihood_ = float(model.ll_per_word)
        self.n_iter_ = int(model.global_step)
        return self

    def transform(self, X) -> np.ndarray:
        """Topic shares of documents, rows summing to one (deterministic; see Notes).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_components)
        """
        check_is_fitted(self, "components_")
        X = sp.csr_matrix(self._validate_counts(X, reset=False))
        shares = [
            self._infer(X[start : start + _TRANSFORM_BATCH])
            for start in range(0, X.shape[0], _TRANSFORM_BATCH)
        ]
        return np.vstack(shares)

    def _infer(self, X: sp.csr_matrix) -> np.ndarray:
        """Variational E-step with fixed topics (scikit-learn's ``_update_doc_distribution``
        with ``exp(E[log beta])`` replaced by the point estimate ``components_``)."""
        phi, alpha = self.components_, self.alpha_
        k = phi.shape[0]
        rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        lengths = np.asarray(X.sum(axis=1)).ravel()
        gamma = alpha + lengths[:, None] / k
        phi_at = phi[:, X.indices].T  # (nnz, K): each non-zero's word under each topic
        for _ in range(int(self.infer_iter)):
            weight = np.exp(digamma(gamma))
            norm = np.einsum("nk,nk->n", weight[rows], phi_at)
            ratio = sp.csr_matrix((X.data / np.maximum(norm, 1e-300), X.indices, X.indptr), shape=X.shape)
            new = alpha + weight * (ratio @ phi.T)
            change = np.mean(np.abs(new - gamma))
            gamma = new
            if change < 1e-3:
                break
        return normalise_rows(gamma)
