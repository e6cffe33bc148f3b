"""NMF in which each theme's seed words can load on that theme's topic only.

scikit-learn's NMF has no way to constrain which topic a word may load on; multiplicative
updates (its ``solver="mu"``) never move a zero, so a start with zeros in the right places is
the whole constraint, and this estimator builds that start around scikit-learn's solver.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.decomposition import NMF, non_negative_factorization
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from .base import TopicEstimator, resolve_seed_columns, seed_from_random_state, seeded_topic_names


class SeededNMF(TopicEstimator):
    """NMF whose theme topics are the only ones that can express their seed words.

    The initial ``H`` is non-negative random (drawn with ``random_state``) except that each
    seed word is zero in every topic but its theme's, where it starts at the topic's largest
    value. Multiplicative updates (Lee & Seung 2001) never move a zero, so the constraint
    holds through the fit; free topics are unconstrained. The initial ``W`` solves for that
    ``H`` held fixed. Fit on tf-idf, like the plain NMF of this package.

    Parameters
    ----------
    n_components : int, default 10
        Topics: one per theme of ``seed_words`` first, then free topics.
    seed_words : mapping of str to list of (str or int), default None
        Theme -> seed words: vocabulary terms (found in ``fit(..., feature_names=...)``) or
        column indices. Required.
    max_iter : int, default 1000
    tol : float, default 1e-4
        scikit-learn's stopping tolerance.
    random_state : int, RandomState or None, default None

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        ``H``.
    topic_names_ : tuple of str
        The themes, then ``free_1``, ...
    seed_columns_ : dict of str to list of int
    seed_words_missing_ : dict of str to list of str
    n_iter_ : int
    converged_ : bool
        False when scikit-learn warned that ``max_iter`` was reached first.
    reconstruction_err_ : float
    n_features_in_ : int

    References
    ----------
    Lee, D. D. & Seung, H. S. (2001). Algorithms for non-negative matrix factorization. NeurIPS.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 1.0, 0, 0], [0, 0, 1.0, 1.0], [1.0, 0.5, 0, 0]])
    >>> nmf = SeededNMF(n_components=2, seed_words={"a": [0], "b": [2]}, random_state=0).fit(X)
    >>> nmf.topic_names_
    ('a', 'b')
    """

    def __init__(self, n_components=10, *, seed_words=None, max_iter=1000, tol=1e-4, random_state=None):
        self.n_components = n_components
        self.seed_words = seed_words
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def fit(self, X, y=None, *, feature_names=None):
        self.fit_transform(X, feature_names=feature_names)
        return self

    def fit_transform(self, X, y=None, *, feature_names=None) -> np.ndarray:
        """Fit and return ``W`` (documents x topics, not normalised)."""
        X = self._validate_counts(X, reset=True)
        k = self._check_n_components(X.shape[0])
        self.seed_columns_, self.seed_words_missing_ = resolve_seed_columns(
            self.seed_words, n_features=X.shape[1], feature_names=feature_names, owner="SeededNMF"
        )
        self.topic_names_ = seeded_topic_names(list(self.seed_columns_), k)
        rng = np.random.default_rng(seed_from_random_state(self.random_state))
        scale = np.sqrt(X.mean() / k)  # scikit-learn's scale for random initial factors
        H0 = scale * rng.random((k, X.shape[1]))
        for t, cols in enumerate(self.seed_columns_.values()):
            others = [s for s in range(k) if s != t]
            H0[np.ix_(others, cols)] = 0.0
            H0[t, cols] = H0[t].max()
        H0 = H0.astype(X.dtype, copy=False)  # scikit-learn's NMF keeps float32 input in float32
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            W0, _, _ = non_negative_factorization(
                X,
                H=H0,
                n_components=k,
                init="custom",
                update_H=False,
                solver="mu",
                max_iter=self.max_iter,
                tol=self.tol,
            )
            # a zero in W would also be frozen by the updates
            W0 = np.maximum(W0, scale * 1e-3).astype(X.dtype, copy=False)
            nmf = NMF(
                n_components=k,
                init="custom",
                solver="mu",
                max_iter=self.max_iter,
                tol=self.tol,
                random_state=self.random_state,
            )
            W = nmf.fit_transform(X, W=W0, H=H0.copy())
        self.components_ = nmf.components_
        self.n_iter_ = int(nmf.n_iter_)
        self.reconstruction_err_ = float(nmf.reconstruction_err_)
        self.converged_ = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
        return W

    def transform(self, X) -> np.ndarray:
        """``W`` of new documents with ``H`` held fixed (same solver and settings)."""
        check_is_fitted(self, "components_")
        X = self._validate_counts(X, reset=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            W, _, _ = non_negative_factorization(
                X,
                H=self.components_,
                n_components=self.components_.shape[0],
                update_H=False,
                solver="mu",
                max_iter=self.max_iter,
                tol=self.tol,
            )
        return W
