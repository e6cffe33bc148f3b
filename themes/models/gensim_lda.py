"""gensim's variational LDA, plain and keyword-seeded, as scikit-learn estimators.

gensim has no scikit-learn estimator of its own that takes a sparse matrix, keeps seeds
explicit and scores new text reproducibly, so these classes wrap ``gensim.models.LdaModel``:
fitted, they hold only arrays (the variational topic parameters and alpha), from which
inference on new text is rebuilt, so a saved model scores text exactly like the fitted one.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from .base import (
    TopicEstimator,
    normalise_rows,
    plain_topic_names,
    resolve_seed_columns,
    seed_from_random_state,
    seeded_topic_names,
)


def _id2word(n_terms: int):
    """A gensim dictionary of column numbers (gensim sizes its topics from one)."""
    from gensim.corpora import Dictionary

    return Dictionary.from_corpus(
        [[(j, 1)] for j in range(n_terms)], id2word={j: str(j) for j in range(n_terms)}
    )


def _bag_of_words(X) -> list[list[tuple[int, float]]]:
    """gensim's corpus format for a sparse matrix (``gensim.matutils.Sparse2Corpus`` reads
    columns as documents; ours are rows, hence the transpose)."""
    from gensim.matutils import Sparse2Corpus

    return list(Sparse2Corpus(sp.csc_matrix(sp.csr_matrix(X).T), documents_columns=True))


class GensimLDA(TopicEstimator):
    """LDA by gensim's online variational Bayes, run for ``passes`` full passes.

    Parameters
    ----------
    n_components : int, default 10
        Number of topics K.
    alpha : float, default 0.5
        Symmetric document-topic prior.
    eta : float, default 0.1
        Symmetric topic-word prior. Both priors are seededlda's defaults (Watanabe & Zhou
        2020), shared with :class:`SeededLDA` so that comparing the two isolates the effect
        of the seed words.
    passes : int, default 50
        Full passes over the corpus (gensim has no stopping rule of its own).
    iterations : int, default 100
        Inference iterations per document and pass.
    random_state : int, RandomState or None, default None
        Seeds gensim's start and the inference of every ``transform`` call: the same text
        always gets the same shares.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Variational topic-word parameters (lambda); rows scaled to sum to one are the topics.
    alpha_ : ndarray of shape (n_components,)
    seed_ : int
        The integer seed handed to gensim.
    topic_names_ : tuple of str
    n_features_in_ : int

    References
    ----------
    Hoffman, Blei & Bach (2010). Online learning for latent Dirichlet allocation. NeurIPS.
    Řehůřek & Sojka (2010). Software framework for topic modelling with large corpora.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[3, 0, 1], [0, 4, 1], [2, 0, 0], [0, 3, 2]])
    >>> GensimLDA(n_components=2, passes=5, random_state=0).fit_transform(X).shape
    (4, 2)
    """

    def __init__(self, n_components=10, *, alpha=0.5, eta=0.1, passes=50, iterations=100, random_state=None):
        self.n_components = n_components
        self.alpha = alpha
        self.eta = eta
        self.passes = passes
        self.iterations = iterations
        self.random_state = random_state

    def _train(self, X, k: int, eta, start=None):
        from gensim.models import LdaModel

        self.seed_ = seed_from_random_state(self.random_state)
        model = LdaModel(
            corpus=None,
            id2word=_id2word(X.shape[1]),
            num_topics=k,
            passes=self.passes,
            iterations=self.iterations,
            alpha=np.full(k, self.alpha),
            eta=eta,
            random_state=self.seed_,
            eval_every=None,
            dtype=np.float64,
        )
        if start is not None:
            # pseudo-counts added to gensim's random starting topics before the first pass
            model.state.sstats += start
            model.sync_state()
        model.update(_bag_of_words(X))
        self.components_ = model.state.get_lambda()
        self.alpha_ = np.asarray(model.alpha, dtype=np.float64)
        self.n_iter_ = self.passes
        return self

    def fit(self, X, y=None, *, feature_names=None):
        """Fit on a document-term count matrix (rows are documents)."""
        X = self._validate_counts(X, reset=True)
        k = self._check_n_components(X.shape[0])
        self.topic_names_ = plain_topic_names(k)
        return self._train(X, k, np.full(X.shape[1], float(self.eta)))

    def transform(self, X) -> np.ndarray:
        """Topic shares of documents, rows summing to one (reseeded: reproducible)."""
        from gensim.matutils import dirichlet_expectation
        from gensim.models import LdaModel

        check_is_fitted(self, "components_")
        X = self._validate_counts(X, reset=False)
        k = self.components_.shape[0]
        model = LdaModel(
            id2word=_id2word(self.n_features_in_),
            num_topics=k,
            alpha=self.alpha_,
            iterations=self.iterations,
            random_state=self.seed_,
            dtype=np.float64,
        )
        # inference needs only exp(E[log beta]) and alpha: what gensim computes from lambda
        # (on a copy: the fitted arrays may be read-only, as after unpickling, and gensim writes)
        model.expElogbeta = np.exp(dirichlet_expectation(np.array(self.components_)))
        model.alpha = np.array(self.alpha_)
        model.random_state = np.random.RandomState(self.seed_)  # inference draws its start values
        gamma, _ = model.inference(_bag_of_words(X))
        return normalise_rows(gamma)

    def fit_transform(self, X, y=None, **fit_params) -> np.ndarray:
        return self.fit(X, **fit_params).transform(X)


class SeededLDA(GensimLDA):
    """gensim LDA whose topic-word prior favours each theme's seed words in its own topic.

    seededlda (Watanabe & Zhou 2020) on gensim's variational Bayes: the priors are its
    defaults, and in its theme's topic a seed word gets an extra pseudo-count of
    ``seed_weight`` times its frequency in the corpus (seededlda's default ``weight =
    0.01`` gives each seed word a pseudo-count equal to its frequency, ``seed_weight=1``).
    The same pseudo-counts are added to the starting topics, so each theme's topic starts
    from its seed words. The themes' topics come first, then ``n_components - n_themes``
    free topics.

    Parameters
    ----------
    n_components : int, default 10
    seed_words : mapping of str to list of (str or int), default None
        Theme -> seed words: vocabulary terms (found in ``fit(..., feature_names=...)``) or
        column indices. Required.
    seed_weight : float, default 1.0
    alpha, eta, passes, iterations, random_state
        As in :class:`GensimLDA`.

    Attributes
    ----------
    components_, alpha_, seed_, n_features_in_
        As in :class:`GensimLDA`.
    topic_names_ : tuple of str
        The themes, then ``free_1``, ``free_2``, ...
    seed_columns_ : dict of str to list of int
    seed_words_missing_ : dict of str to list of str
        Seed words not in the vocabulary (a :class:`~themes.errors.SeedWordsWarning` lists them).

    References
    ----------
    Watanabe, K. & Zhou, Y. (2020). Theory-driven analysis of large corpora: semisupervised
    topic classification of the UN speeches. Social Science Computer Review 40(2).
    """

    def __init__(
        self,
        n_components=10,
        *,
        seed_words=None,
        seed_weight=1.0,
        alpha=0.5,
        eta=0.1,
        passes=50,
        iterations=100,
        random_state=None,
    ):
        super().__init__(
            n_components,
            alpha=alpha,
            eta=eta,
            passes=passes,
            iterations=iterations,
            random_state=random_state,
        )
        self.seed_words = seed_words
        self.seed_weight = seed_weight

    def fit(self, X, y=None, *, feature_names=None):
        """Fit on a count matrix; ``feature_names`` find seed words given as terms."""
        X = self._validate_counts(X, reset=True)
        k = self._check_n_components(X.shape[0])
        self.seed_columns_, self.seed_words_missing_ = resolve_seed_columns(
            self.seed_words, n_features=X.shape[1], feature_names=feature_names, owner="SeededLDA"
        )
        self.topic_names_ = seeded_topic_names(list(self.seed_columns_), k)
        boost = np.zeros((k, X.shape[1]))
        freq = np.asarray(X.sum(axis=0), dtype=np.float64).ravel()
        for t, cols in enumerate(self.seed_columns_.values()):
            boost[t, cols] = self.seed_weight * freq[cols]
        # The pseudo-counts are both prior and start: gensim starts from random topics, and
        # without the seeds in the start a theme's paragraphs can settle in another topic
        # before the prior pulls (seededlda likewise starts seed words in their topics).
        return self._train(X, k, self.eta + boost, start=boost)
