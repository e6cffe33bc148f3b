"""TomotopyLDA recovers planted word groups, follows its seed words, and is reproducible."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from themes.errors import ModelError, SeedWordsWarning
from themes.models.tomotopy_lda import TomotopyLDA

N_GROUPS = 4
WORDS_PER_GROUP = 8


def planted_counts(n_docs: int = 200, length: int = 40, seed: int = 0) -> sp.csr_matrix:
    """Document ``i`` draws its words from group ``i % 4``; group ``g`` is the columns ``j``
    with ``j % 4 == g`` (interleaved, so that tomotopy's own vocabulary order, by first
    appearance, differs from the column order); the last column is never used."""
    rng = np.random.default_rng(seed)
    n_terms = N_GROUPS * WORDS_PER_GROUP
    X = np.zeros((n_docs, n_terms + 1))
    for i in range(n_docs):
        columns = rng.integers(0, WORDS_PER_GROUP, length) * N_GROUPS + i % N_GROUPS
        np.add.at(X[i], columns, 1)
    return sp.csr_matrix(X)


def group_of_top_words(model: TomotopyLDA, n_top: int = WORDS_PER_GROUP) -> list[set[int]]:
    """For each topic, the planted groups of its top words."""
    top = np.argsort(-model.components_, axis=1)[:, :n_top]
    return [set((row % N_GROUPS).tolist()) for row in top]


def test_recovers_the_planted_groups():
    X = planted_counts()
    model = TomotopyLDA(n_components=N_GROUPS, n_iter=100, random_state=0).fit(X)
    groups = group_of_top_words(model)
    assert all(len(g) == 1 for g in groups), groups  # each topic's top words are one group
    assert set.union(*groups) == set(range(N_GROUPS))  # and every group has its topic
    assert model.components_.shape == (N_GROUPS, X.shape[1])
    np.testing.assert_allclose(model.components_.sum(axis=1), 1.0)
    assert model.topic_names_ == ("topic_01", "topic_02", "topic_03", "topic_04")
    assert model.n_iter_ == 100 and model.n_features_in_ == X.shape[1]
    assert np.isfinite(model.log_likelihood_) and model.log_likelihood_ < 0


def test_an_unused_column_gets_the_same_small_mass_in_every_topic():
    model = TomotopyLDA(n_components=N_GROUPS, n_iter=50, random_state=0).fit(planted_counts())
    unused = model.components_[:, -1]
    np.testing.assert_allclose(unused, unused[0])
    assert unused[0] < 0.01 * model.components_.max()


def test_doc_topic_and_transform_put_each_document_on_its_group_topic():
    X = planted_counts()
    model = TomotopyLDA(n_components=N_GROUPS, n_iter=100, random_state=0).fit(X)
    topic_of_group = {next(iter(g)): t for t, g in enumerate(group_of_top_words(model))}
    expected = [topic_of_group[i % N_GROUPS] for i in range(X.shape[0])]
    shares = model.transform(X)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    assert (shares.argmax(axis=1) == expected).all()
    assert (model.doc_topic_.argmax(axis=1) == expected).all()
    assert shares.min() >= 0 and shares.max(axis=1).min() > 0.9
    np.testing.assert_array_equal(shares, model.transform(X))  # no random numbers in transform


def test_seed_words_pull_their_themes_topic_onto_the_planted_group():
    X = planted_counts()
    names = [f"w{j}" for j in range(X.shape[1])]
    # group 3 first, group 1 second: their topics are 0 and 1 only because of the seeds
    seed_words = {"three": ["w3", "w7"], "one": ["w1", "w5", "not_a_term"]}
    with pytest.warns(SeedWordsWarning, match="not_a_term"):
        model = TomotopyLDA(n_components=N_GROUPS, seed_words=seed_words, n_iter=100, random_state=1).fit(
            X, feature_names=names
        )
    assert model.topic_names_ == ("three", "one", "free_1", "free_2")
    assert model.seed_columns_ == {"three": [3, 7], "one": [1, 5]}
    groups = group_of_top_words(model)
    assert groups[0] == {3} and groups[1] == {1}


def test_seed_words_as_column_indices():
    model = TomotopyLDA(n_components=N_GROUPS, seed_words={"two": [2, 6]}, n_iter=100, random_state=2)
    model.fit(planted_counts())
    assert group_of_top_words(model)[0] == {2}


@pytest.mark.slow  # starts a new Python process
def test_same_seed_same_topics_in_two_fits_and_another_process():
    X = planted_counts(n_docs=80)
    first = TomotopyLDA(n_components=3, n_iter=30, random_state=7).fit(X).components_
    second = TomotopyLDA(n_components=3, n_iter=30, random_state=7).fit(X).components_
    np.testing.assert_array_equal(first, second)
    other = TomotopyLDA(n_components=3, n_iter=30, random_state=8).fit(X).components_
    assert not np.array_equal(first, other)
    script = (
        f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r});"
        "from test_tomotopy_lda import planted_counts; from themes.models.tomotopy_lda import TomotopyLDA;"
        "m = TomotopyLDA(n_components=3, n_iter=30, random_state=7).fit(planted_counts(n_docs=80));"
        "print(json.dumps(m.components_.tolist()))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    np.testing.assert_array_equal(np.array(json.loads(out.stdout)), first)


def test_fitted_attributes_are_arrays_or_plain_values():
    """The package saves models without pickle: no tomotopy object may be needed after fit."""
    model = TomotopyLDA(n_components=2, seed_words={"a": [0]}, n_iter=10, random_state=0).fit(
        planted_counts(40)
    )
    fitted = {k: v for k, v in vars(model).items() if k.endswith("_")}
    for name, value in fitted.items():
        if not isinstance(value, np.ndarray):
            json.dumps(value), name  # raises for anything but JSON-simple values
    restored = TomotopyLDA(**model.get_params())
    for name, value in fitted.items():
        setattr(restored, name, value)
    np.testing.assert_array_equal(restored.transform(planted_counts(10)), model.transform(planted_counts(10)))


def test_unknown_parameter_and_bad_settings_raise():
    with pytest.raises(TypeError):
        TomotopyLDA(n_topics=3)
    with pytest.raises(ValueError, match="Invalid parameter"):
        TomotopyLDA().set_params(iterations=5)
    with pytest.raises(ModelError, match="n_iter"):
        TomotopyLDA(n_components=2, n_iter=0).fit(planted_counts(20))
    with pytest.raises(ModelError, match="at least the 2 themes"):
        TomotopyLDA(n_components=1, seed_words={"a": [0], "b": [1]}).fit(planted_counts(20))
