"""The keyword-assisted topic model (keyATM base; Eshima, Imai & Sasaki 2024) by collapsed Gibbs.

No Python library offers keyATM (the reference implementation is an R package), so the
sampler is written here from the paper's description and compiled with numba.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma
from sklearn.utils.validation import check_is_fitted

from ..errors import ModelError
from .base import (
    TopicEstimator,
    normalise_rows,
    resolve_seed_columns,
    seed_from_random_state,
    seeded_topic_names,
)
from .keyatm_sampler import infer, sweep, tokens, whole_counts

WEIGHTINGS = ("information-theory", "information-theory-normalized", "none")
ALPHA_PRIOR = {"keyword": (1.0, 1.0), "regular": (2.0, 1.0)}
"""Gamma(shape, rate) priors of the document-topic prior alpha, keyword and regular topics: the keyATM
R package's defaults (``eta_1``, ``eta_2``; ``eta_1_regular``, ``eta_2_regular``)."""
_MIN_ALPHA = 1e-3  # keeps an emptied topic able to come back; the fixed point can approach 0


class KeyATM(TopicEstimator):
    """The keyATM base model: LDA with one keyword topic per theme of ``seed_words``.

    Every document has topic shares theta ~ Dirichlet(alpha). A token's topic z is drawn
    from theta. In a *keyword topic* k a switch s ~ Bernoulli(pi_k), pi_k ~ Beta(gamma1,
    gamma2), decides whether the word comes from the topic's keyword distribution (over its
    theme's seed words only, prior Dirichlet(beta_keyword)) or from its general distribution
    over the whole vocabulary (prior Dirichlet(beta)); a *regular* topic has only the general
    distribution. The keyword topics (the themes, in order) come first, then
    ``n_components - n_themes`` regular topics named ``free_1``, ...

    The parameters are integrated out (collapsed Gibbs sampling); each token's topic and
    switch are drawn jointly. Every token starts in its theme's keyword distribution if it is
    a seed word and in a random topic's general distribution otherwise. With
    ``estimate_alpha`` the document-topic prior is re-estimated after every sweep under the
    paper's gamma priors (:data:`ALPHA_PRIOR`, the R package's defaults: Gamma(1, 1) for keyword
    topics, Gamma(2, 1) for regular ones) by one step of Minka's (2000) fixed point for the
    Dirichlet-multinomial with those priors, the posterior mode, where the R package slice-samples
    alpha from the same posterior; floored at 1e-3. Run several seeds as chains and read the
    R-hat of their log-likelihoods (:func:`themes.models.keyatm.rhat`) to judge convergence.

    Parameters
    ----------
    n_components : int, default 10
        Topics: one keyword topic per theme of ``seed_words``, then regular topics.
    seed_words : mapping of str to list of (str or int), default None
        Theme -> keywords: vocabulary terms (found in ``fit(..., feature_names=...)``) or
        column indices. Required; a word may belong to one theme only.
    n_iter : int, default 1500
        Gibbs sweeps (keyATM's default).
    alpha : float or None, default None
        Symmetric document-topic prior; the start of the estimate when ``estimate_alpha``. None:
        1 / n_components, the R package's start.
    estimate_alpha : bool, default True
    beta : float, default 0.01
        Prior of the general topic-word distributions.
    beta_keyword : float, default 0.1
        Prior of the keyword distributions.
    gamma : tuple of (float, float), default (1.0, 1.0)
        Beta prior (gamma1, gamma2) of each keyword topic's switch probability pi.
    weighting : {"information-theory", "information-theory-normalized", "none"}, default "information-theory"
        Token weights. ``information-theory`` (the R package's default): a token of word v counts
        ``-log2(n_v / N)`` instead of 1 in every count, so frequent words weigh less;
        ``information-theory-normalized`` scales those weights so that the corpus still weighs N
        tokens (the package's other option); ``none`` counts every token 1.
    evaluate_every : int, default 50
        Iterations between records of ``log_likelihood_`` and ``perplexity_``.
    transform_iter : int, default 100
        Gibbs sweeps per document in :meth:`transform`.
    random_state : int, RandomState or None, default None

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Topic-word distributions, rows summing to one; a keyword topic's row is the mixture
        ``(1 - pi) * general + pi * keyword``.
    doc_topic_ : ndarray of shape (n_documents, n_components)
        Topic shares of the training documents at the last sweep.
    switch_ : ndarray of shape (n_components,)
        Posterior mean of pi given the last sweep per keyword topic (the prior mean
        ``gamma1 / (gamma1 + gamma2)`` for a topic without tokens); NaN for regular topics.
    alpha_ : ndarray of shape (n_components,)
        The document-topic prior at the end (``alpha`` throughout without ``estimate_alpha``).
    word_weights_ : ndarray of shape (n_features,)
        Weight of one token of each word (ones without weighting).
    log_likelihood_, perplexity_ : ndarray of shape (n_records, 2)
        (iteration, value) from iteration 0 (the start) every ``evaluate_every`` sweeps and at
        the end: log p(X | theta, components_) of the rounded counts, and exp(-that / tokens).
    topic_names_ : tuple of str
    seed_columns_ : dict of str to list of int
    seed_words_missing_ : dict of str to list of str
        Keywords not in the vocabulary (a :class:`~themes.errors.SeedWordsWarning` lists them).
    seed_ : int
        The sampler's integer seed, reused by :meth:`transform`.
    n_iter_ : int
    n_features_in_ : int

    Notes
    -----
    ``X`` holds counts. Non-integer values are rounded to the nearest whole number of
    tokens (0.4 counts as no token); scaled or tf-idf matrices are not meaningful input.

    Keywords that mark no topic of their own get a low ``switch_`` when the data need every
    topic (the tests plant rare noise words, and words of another topic, as keywords). With
    spare regular topics that is not guaranteed: keywords that are frequent words of another
    topic can split it, and their topic then reports a switch probability like a true
    theme's; read ``switch_`` together with the topic's share and top words.

    References
    ----------
    Eshima, S., Imai, K. & Sasaki, T. (2024). Keyword-assisted topic models. American Journal
    of Political Science 68(2), 730-750.
    Minka, T. (2000). Estimating a Dirichlet distribution. Technical report, MIT.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[3, 1, 0, 0], [0, 0, 2, 3], [2, 2, 0, 1], [0, 1, 3, 2]])
    >>> model = KeyATM(n_components=2, seed_words={"a": [0], "b": [2]}, n_iter=50, random_state=0)
    >>> model.fit(X).topic_names_
    ('a', 'b')
    """

    def __init__(
        self,
        n_components=10,
        *,
        seed_words=None,
        n_iter=1500,
        alpha=None,
        estimate_alpha=True,
        beta=0.01,
        beta_keyword=0.1,
        gamma=(1.0, 1.0),
        weighting="information-theory",
        evaluate_every=50,
        transform_iter=100,
        random_state=None,
    ):
        self.n_components = n_components
        self.seed_words = seed_words
        self.n_iter = n_iter
        self.alpha = alpha
        self.estimate_alpha = estimate_alpha
        self.beta = beta
        self.beta_keyword = beta_keyword
        self.gamma = gamma
        self.weighting = weighting
        self.evaluate_every = evaluate_every
        self.transform_iter = transform_iter
        self.random_state = random_state

    def _check_params(self):
        for name in ("n_iter", "evaluate_every", "transform_iter"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ModelError(f"KeyATM's {name} must be a whole number of at least 1 (got {value!r}).")
        for name in ("alpha", "beta", "beta_keyword"):
            if name == "alpha" and self.alpha is None:
                continue
            if not np.isscalar(getattr(self, name)) or not getattr(self, name) > 0:
                raise ModelError(f"KeyATM's {name} must be a positive number (got {getattr(self, name)!r}).")
        gamma = np.asarray(self.gamma, dtype=np.float64)
        if gamma.shape != (2,) or not np.all(gamma > 0):
            raise ModelError(f"KeyATM's gamma must be two positive numbers (got {self.gamma!r}).")
        if self.weighting not in WEIGHTINGS:
            raise ModelError(f"KeyATM's weighting must be one of {WEIGHTINGS} (got {self.weighting!r}).")
        return gamma

    def _word_weights(self, counts) -> np.ndarray:
        freq = np.asarray(counts.sum(axis=0), dtype=np.float64).ravel()
        if self.weighting == "none":
            return np.ones_like(freq)
        # a word unseen in training is weighted as if seen once (it can appear in transform)
        weights = -np.log2(np.maximum(freq, 1.0) / freq.sum())
        if self.weighting == "information-theory":
            return weights
        weighed = float(freq @ weights)
        return weights * (freq.sum() / weighed) if weighed > 0 else np.ones_like(freq)

    def fit(self, X, y=None, *, feature_names=None):
        """Fit on a document-term count matrix; ``feature_names`` find keywords given as terms."""
        gamma = self._check_params()
        X = self._validate_counts(X, reset=True)
        k = self._check_n_components(X.shape[0])
        self.seed_columns_, self.seed_words_missing_ = resolve_seed_columns(
            self.seed_words, n_features=X.shape[1], feature_names=feature_names, owner="KeyATM"
        )
        self.topic_names_ = seeded_topic_names(list(self.seed_columns_), k)
        counts = whole_counts(X)
        words, docs, _ = tokens(counts)
        if words.size == 0:
            raise ModelError("KeyATM got a matrix without any count of at least 0.5; it needs word counts.")
        n_docs, n_terms = X.shape
        kw_topic = np.full(n_terms, -1, dtype=np.int64)
        for t, cols in enumerate(self.seed_columns_.values()):
            kw_topic[cols] = t
        kw_size = np.array([len(c) for c in self.seed_columns_.values()], dtype=np.int64)
        self.word_weights_ = self._word_weights(counts)
        weights = self.word_weights_[words]

        self.seed_ = seed_from_random_state(self.random_state)
        rng = np.random.default_rng(self.seed_)
        s = (kw_topic[words] >= 0).astype(np.int64)
        z = np.where(s == 1, kw_topic[words], rng.integers(k, size=words.size)).astype(np.int64)
        ndk = np.zeros((n_docs, k))
        np.add.at(ndk, (docs, z), weights)
        n0 = np.zeros((k, n_terms + 1))
        n1 = np.zeros((k, n_terms + 1))
        for switch, table in ((0, n0), (1, n1)):
            mask = s == switch
            np.add.at(table, (z[mask], words[mask]), weights[mask])
            np.add.at(table, (z[mask], n_terms), weights[mask])
        alpha = np.full(k, 1.0 / k if self.alpha is None else float(self.alpha))
        n_keyword = len(self.seed_columns_)
        shape = np.array([ALPHA_PRIOR["keyword" if t < n_keyword else "regular"][0] for t in range(k)])
        rate = np.array([ALPHA_PRIOR["keyword" if t < n_keyword else "regular"][1] for t in range(k)])
        priors = np.array([self.beta, self.beta_keyword, gamma[0], gamma[1]], dtype=np.float64)
        sweep_seeds = rng.integers(np.iinfo(np.int32).max, size=self.n_iter)

        trace = [(0, self._log_likelihood(counts, ndk, n0, n1, alpha, kw_size, gamma))]
        for it in range(1, self.n_iter + 1):
            sweep(
                words, docs, weights, z, s, ndk, n0, n1, kw_topic, kw_size, alpha, priors, sweep_seeds[it - 1]
            )
            if self.estimate_alpha:
                alpha = self._minka_step(ndk, alpha, shape, rate)
            if it % self.evaluate_every == 0 or it == self.n_iter:
                trace.append((it, self._log_likelihood(counts, ndk, n0, n1, alpha, kw_size, gamma)))

        self.alpha_ = alpha
        self.components_, self.switch_ = self._topics(n0, n1, kw_size, gamma)
        self.doc_topic_ = normalise_rows(ndk + alpha)
        self.log_likelihood_ = np.array(trace, dtype=np.float64)
        n_tokens = counts.sum()
        self.perplexity_ = np.column_stack(
            [self.log_likelihood_[:, 0], np.exp(-self.log_likelihood_[:, 1] / n_tokens)]
        )
        self.n_iter_ = int(self.n_iter)
        return self

    @staticmethod
    def _minka_step(ndk, alpha, shape, rate):
        """One step of Minka's (2000) fixed point for the prior of Dirichlet-multinomial counts,
        under a Gamma(shape, rate) prior on each alpha_k: the mode of its posterior."""
        doc_len = ndk.sum(axis=1)
        used = doc_len > 0
        ndk, doc_len = ndk[used], doc_len[used]
        total = alpha.sum()
        den = np.sum(digamma(doc_len + total) - digamma(total)) + rate
        num = alpha * np.sum(digamma(np.maximum(ndk, 0.0) + alpha) - digamma(alpha), axis=0) + shape - 1.0
        return np.maximum(num / den, _MIN_ALPHA)

    def _topics(self, n0, n1, kw_size, gamma):
        """Topic-word mixtures and switch probabilities from the counts of one sweep."""
        n_terms = n0.shape[1] - 1
        general = (np.maximum(n0[:, :n_terms], 0.0) + self.beta) / (n0[:, [n_terms]] + n_terms * self.beta)
        switch = np.full(n0.shape[0], np.nan)
        for t, cols in enumerate(self.seed_columns_.values()):
            n_kw, n_gen = max(n1[t, n_terms], 0.0), max(n0[t, n_terms], 0.0)
            switch[t] = (n_kw + gamma[0]) / (n_kw + n_gen + gamma[0] + gamma[1])
            keyword = np.zeros(n_terms)
            keyword[cols] = (np.maximum(n1[t, cols], 0.0) + self.beta_keyword) / (
                n_kw + kw_size[t] * self.beta_keyword
            )
            general[t] = (1.0 - switch[t]) * general[t] + switch[t] * keyword
        return normalise_rows(general), switch

    def _log_likelihood(self, counts, ndk, n0, n1, alpha, kw_size, gamma) -> float:
        """log p(X | theta, phi) at the current sweep's point estimates (whole counts)."""
        phi, _ = self._topics(n0, n1, kw_size, gamma)
        theta = normalise_rows(np.maximum(ndk, 0.0) + alpha)
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        prob = np.einsum("ik,ki->i", theta[rows], phi[:, counts.indices])
        return float(counts.data @ np.log(prob))

    def transform(self, X) -> np.ndarray:
        """Topic shares of documents, rows summing to one (the same text gets the same shares).

        Gibbs sampling of each document's token topics with ``components_`` and ``alpha_``
        fixed (``transform_iter`` sweeps, seeded with ``seed_``).
        """
        check_is_fitted(self, "components_")
        X = self._validate_counts(X, reset=False)
        counts = whole_counts(X)
        words, _, doc_ptr = tokens(counts)
        weights = self.word_weights_[words]
        mean_counts = infer(
            words, doc_ptr, weights, self.components_, self.alpha_, self.transform_iter, self.seed_
        )
        # the mean of (counts + alpha) / (length + sum alpha) over sweeps, whose length is fixed
        return normalise_rows(mean_counts + self.alpha_)

    def fit_transform(self, X, y=None, **fit_params) -> np.ndarray:
        """Fit, then :meth:`transform` the same documents (``doc_topic_`` holds the fit's own shares)."""
        return self.fit(X, **fit_params).transform(X)


def rhat(traces) -> float:
    """Gelman-Rubin's potential scale reduction of chains' log-likelihood traces (their second halves).

    ``traces`` are the ``log_likelihood_`` of fits of the same model with different seeds (each a
    chain); values near 1 (below 1.1 by the usual reading) say the chains sample one distribution.
    Written here because the traces are short arrays of this package's own sampler and the formula
    is a few lines (Gelman & Rubin 1992; Gelman et al., Bayesian Data Analysis, 3rd ed., 11.4).
    """
    chains = [np.asarray(t, dtype=np.float64)[:, 1] for t in traces]
    n = min(len(c) for c in chains)
    second = np.array([c[len(c) - n // 2 :] for c in chains])
    if second.shape[0] < 2 or second.shape[1] < 2:
        return float("nan")
    m, length = second.shape
    within = second.var(axis=1, ddof=1).mean()
    between = length * second.mean(axis=1).var(ddof=1)
    if within == 0:
        return float("nan")
    pooled = (length - 1) / length * within + between / length
    return float(np.sqrt(pooled / within))
