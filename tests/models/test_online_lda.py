"""OnlineLDA recovers planted word groups, is reproducible, and fits a streamed matrix in chunks."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import in_chunks, lee_sentences

from themes.errors import ModelError
from themes.models.fitting import fit_matrix
from themes.models.online_lda import OnlineLDA
from themes.text.matrix import DocumentTermMatrix
from themes.text.streaming import fit_transform_chunks
from themes.text.vectorizer import Vectorizer

N_GROUPS = 4
WORDS_PER_GROUP = 8


def planted_counts(n_docs: int = 400, length: int = 40, seed: int = 0) -> sp.csr_matrix:
    """Document ``i`` draws its words from group ``i % 4``, the columns ``j`` with ``j % 4 == i % 4``."""
    rng = np.random.default_rng(seed)
    X = np.zeros((n_docs, N_GROUPS * WORDS_PER_GROUP))
    for i in range(n_docs):
        np.add.at(X[i], rng.integers(0, WORDS_PER_GROUP, length) * N_GROUPS + i % N_GROUPS, 1)
    return sp.csr_matrix(X)


def test_recovers_the_planted_groups():
    X = planted_counts()
    model = OnlineLDA(n_components=N_GROUPS, batch_size=50, max_iter=10, random_state=0).fit(X)
    top = np.argsort(-model.components_, axis=1)[:, :WORDS_PER_GROUP]
    groups = [set((row % N_GROUPS).tolist()) for row in top]
    assert all(len(g) == 1 for g in groups), groups  # each topic's top words are one group
    assert set.union(*groups) == set(range(N_GROUPS))  # and every group has its topic
    np.testing.assert_allclose(model.components_.sum(axis=1), 1.0)
    # each document's main topic is its group's
    main = model.transform(X).argmax(axis=1)
    assert all(len(set(main[np.arange(len(main)) % N_GROUPS == g])) == 1 for g in range(N_GROUPS))
    assert model.topic_names_ == ("topic_01", "topic_02", "topic_03", "topic_04")
    assert model.n_iter_ == 10 and model.n_batch_iter_ == 10 * 400 // 50


def test_the_same_seed_gives_the_same_topics_and_another_seed_others():
    X = planted_counts(n_docs=200)

    def fit(seed):
        return OnlineLDA(n_components=3, batch_size=64, random_state=seed).fit(X)

    a, b, c = fit(7), fit(7), fit(8)
    assert a.components_.tobytes() == b.components_.tobytes()
    assert a.transform(X).tobytes() == b.transform(X).tobytes()
    assert not np.allclose(a.components_, c.components_)


@pytest.mark.slow  # over half a second
def test_partial_fit_over_chunks_of_a_streamed_matrix_equals_one_pass_of_fit():
    table = lee_sentences().iloc[:1200]
    X = fit_transform_chunks(Vectorizer(), in_chunks(table, 500))
    one_pass = OnlineLDA(n_components=5, batch_size=250, random_state=0).fit(X)
    chunked = OnlineLDA(n_components=5, batch_size=250, total_samples=X.shape[0], random_state=0)
    for start in range(0, X.shape[0], 500):
        chunked.partial_fit(X[start : start + 500])
    assert chunked.components_.tobytes() == one_pass.components_.tobytes()
    assert chunked.n_batch_iter_ == one_pass.n_batch_iter_ == -(-X.shape[0] // 250)
    assert chunked.transform(X[:100]).tobytes() == one_pass.transform(X[:100]).tobytes()


@pytest.mark.slow  # over half a second
def test_a_topic_model_from_a_streamed_matrix(planted):
    dtm, labels = planted
    model = fit_matrix(
        OnlineLDA(n_components=3, batch_size=8, max_iter=20, random_state=0), dtm, name="online"
    )
    assert model.doc_topic.shape == (dtm.shape[0], 3) and model.topic_term.shape == (3, dtm.shape[1])
    np.testing.assert_allclose(model.doc_topic.sum(axis=1), 1.0)
    assert model.seed == 0 and model.params["estimator"] == "OnlineLDA" and model.params["input"] == "counts"
    assert model.backend.name == "online_lda" and not model.seeded
    # each planted group's paragraphs share one main topic, a different one per group
    main = model.document_topics.to_numpy().argmax(axis=1)
    found = {name: set(main[labels[name].to_numpy() == 1]) for name in labels.columns}
    assert all(len(topics) == 1 for topics in found.values())
    assert len(set.union(*found.values())) == 3
    # a matrix counted in chunks works the same way (texts are not needed)
    texts = lee_sentences().iloc[:600]
    vec = Vectorizer()
    counts = fit_transform_chunks(vec, in_chunks(texts, 250))
    streamed = DocumentTermMatrix(vec, counts, tuple(map(str, range(counts.shape[0]))))
    topics = fit_matrix(OnlineLDA(n_components=4, random_state=0), streamed)
    assert [len(words) for words in topics.top_word_lists(5)] == [5, 5, 5, 5]
    assert topics.paragraph_ids == streamed.paragraph_ids


def test_bad_settings_and_input_are_one_sentence():
    with pytest.raises(ModelError, match="n_components must be a whole number"):
        OnlineLDA(n_components=0).fit(planted_counts(n_docs=8))
    with pytest.raises(ModelError, match="Negative values"):
        OnlineLDA(n_components=2).fit(-planted_counts(n_docs=8))
