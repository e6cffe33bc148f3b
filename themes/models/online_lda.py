"""Online variational LDA (Hoffman et al. 2010) for corpora too large to fit at once.

:class:`OnlineLDA` wraps scikit-learn's ``LatentDirichletAllocation(learning_method="online")``
with the package's priors and topic names; ``partial_fit`` takes the count matrix chunk by
chunk (as :func:`themes.text.streaming.fit_transform_chunks` gives it, or slices of it).
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import LatentDirichletAllocation
from sklearn.utils.validation import check_is_fitted

from .base import TopicEstimator, normalise_rows, plain_topic_names, seed_from_random_state


class OnlineLDA(TopicEstimator):
    """LDA by online variational Bayes: one update of the topics per mini-batch of paragraphs.

    Each mini-batch of ``batch_size`` paragraphs is given topic shares (the E-step), then the
    topics move towards what that batch suggests, by a step ``(learning_offset + t) **
    -learning_decay`` that shrinks with the number ``t`` of batches seen. Memory holds one
    batch's shares and the topics, whatever the number of paragraphs, and ``partial_fit``
    takes the matrix in chunks. The updates run in order in one process, so a given
    ``random_state`` gives the same topics on every run.

    Parameters
    ----------
    n_components : int, default 10
        Number of topics K.
    alpha : float, default 0.5
        Symmetric document-topic prior.
    eta : float, default 0.1
        Symmetric topic-word prior (seededlda's defaults, as :class:`TomotopyLDA`).
    batch_size : int, default 4096
        Paragraphs per update. Larger batches give fewer, steadier steps.
    max_iter : int, default 1
        Passes over the matrix in ``fit`` (one pass is the online setting; ``partial_fit``
        always makes one).
    learning_decay, learning_offset : float, default 0.7 and 10.0
        The step schedule (scikit-learn's ``kappa`` and ``tau_0``).
    total_samples : int or None, default None
        Paragraphs in the whole corpus, which weighs each batch's evidence in ``partial_fit``;
        ``None`` takes the rows of the matrix in ``fit`` and scikit-learn's 1e6 in
        ``partial_fit``. Give the corpus size when fitting in chunks.
    random_state : int, RandomState or None, default None
        Seeds the initial topics and each batch's initial shares.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Topic-word probabilities, rows summing to one.
    lda_ : sklearn.decomposition.LatentDirichletAllocation
        The fitted scikit-learn model (its ``components_`` are the variational parameters
        ``lambda``, which ``partial_fit`` continues from).
    n_iter_ : int
        Passes made by ``fit``.
    n_batch_iter_ : int
        Updates (mini-batches) made so far.
    topic_names_ : tuple of str
        ``topic_01``, ...
    seed_ : int
        The integer seed handed to scikit-learn.

    References
    ----------
    Hoffman, M., Bach, F. and Blei, D. (2010). Online learning for latent Dirichlet allocation.
    Advances in Neural Information Processing Systems 23.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[3, 2, 0, 0], [0, 0, 2, 3], [2, 3, 0, 0], [0, 0, 3, 2]])
    >>> est = OnlineLDA(n_components=2, max_iter=20, batch_size=2, random_state=0).fit(X)
    >>> est.components_.shape, est.transform(X).sum(axis=1).round(6).tolist()
    ((2, 4), [1.0, 1.0, 1.0, 1.0])
    """

    def __init__(
        self,
        n_components: int = 10,
        *,
        alpha: float = 0.5,
        eta: float = 0.1,
        batch_size: int = 4096,
        max_iter: int = 1,
        learning_decay: float = 0.7,
        learning_offset: float = 10.0,
        total_samples: int | None = None,
        random_state=None,
    ):
        self.n_components = n_components
        self.alpha = alpha
        self.eta = eta
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.learning_decay = learning_decay
        self.learning_offset = learning_offset
        self.total_samples = total_samples
        self.random_state = random_state

    def _sklearn_lda(self, total_samples) -> LatentDirichletAllocation:
        self.seed_ = seed_from_random_state(self.random_state)
        return LatentDirichletAllocation(
            n_components=self._check_n_components(0),
            doc_topic_prior=self.alpha,
            topic_word_prior=self.eta,
            learning_method="online",
            learning_decay=self.learning_decay,
            learning_offset=self.learning_offset,
            batch_size=self.batch_size,
            max_iter=self.max_iter,
            total_samples=total_samples,
            random_state=self.seed_,
        )

    def _fitted(self) -> OnlineLDA:
        self.components_ = normalise_rows(self.lda_.components_)
        self.n_batch_iter_ = int(self.lda_.n_batch_iter_) - 1  # scikit-learn counts from 1
        self.topic_names_ = plain_topic_names(self.components_.shape[0])
        return self

    def fit(self, X, y=None) -> OnlineLDA:
        """Fit the topics on a count matrix, ``max_iter`` passes of mini-batches."""
        X = self._validate_counts(X, reset=True)
        self.lda_ = self._sklearn_lda(self.total_samples or X.shape[0]).fit(X)
        self.n_iter_ = int(self.lda_.n_iter_)
        return self._fitted()

    def partial_fit(self, X, y=None) -> OnlineLDA:
        """Update the topics with one chunk of rows (in mini-batches of ``batch_size``).

        The first call starts the model; fitting the chunks of a matrix in order equals
        ``fit`` with ``max_iter=1`` when each chunk's rows are a multiple of ``batch_size``
        and ``total_samples`` is the number of rows.
        """
        first = not hasattr(self, "lda_")
        X = self._validate_counts(X, reset=first)
        if first:
            self.lda_ = self._sklearn_lda(self.total_samples or 1e6)
            self.n_iter_ = 0
        self.lda_.partial_fit(X)
        return self._fitted()

    def transform(self, X) -> np.ndarray:
        """Topic shares of each row, shape (n_samples, n_components), rows summing to one."""
        check_is_fitted(self, "lda_")
        X = self._validate_counts(X, reset=False)
        return normalise_rows(self.lda_.transform(X))
