"""KeyATM recovers a corpus drawn from its own model, ignores wrong keywords, and is reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from helpers import PLANTED_GROUPS

from themes.comparison.matching import association
from themes.errors import ModelError, SeedWordsWarning
from themes.models.fitting import fit_matrix
from themes.models.gensim_lda import SeededLDA
from themes.models.keyatm import ALPHA_PRIOR, KeyATM, rhat
from themes.models.persist import allowed_classes, estimator_record
from themes.text.matrix import DocumentTermMatrix
from themes.text.vectorizer import Vectorizer

BLOCK = 10  # words of each topic's general distribution
N_KEY = 5  # keywords of each keyword topic
PI = np.array([0.3, 0.5, 0.2])  # planted switch probabilities of the three keyword topics


def draw_corpus(general, keyword, pi, *, n_docs=150, length=60, noise_cols=(), noise=0.0, seed=0):
    """Counts drawn from keyATM's generative model (topic, then switch, then word); with
    ``noise`` a token is instead one of ``noise_cols`` at random. Returns counts and theta."""
    rng = np.random.default_rng(seed)
    n_topics, n_terms = general.shape
    theta = rng.dirichlet(np.full(n_topics, 0.3), size=n_docs)
    X = np.zeros((n_docs, n_terms))
    for d in range(n_docs):
        for k in rng.choice(n_topics, size=length, p=theta[d]):
            if rng.random() < noise:
                w = rng.choice(noise_cols)
            elif k < len(pi) and rng.random() < pi[k]:
                w = rng.choice(n_terms, p=keyword[k])
            else:
                w = rng.choice(n_terms, p=general[k])
            X[d, w] += 1
    return sp.csr_matrix(X), theta


def planted_model(n_keyword_topics, n_topics, *, extra_cols=0, seed=0):
    """General distributions on disjoint blocks of ``BLOCK`` columns, then each keyword
    topic's ``N_KEY`` keywords (columns of their own), then ``extra_cols`` unused columns."""
    rng = np.random.default_rng(seed)
    n_terms = n_topics * BLOCK + n_keyword_topics * N_KEY + extra_cols
    general = np.zeros((n_topics, n_terms))
    keyword = np.zeros((n_keyword_topics, n_terms))
    for k in range(n_topics):
        general[k, k * BLOCK : (k + 1) * BLOCK] = rng.dirichlet(np.full(BLOCK, 5.0))
    keywords = {}
    for k in range(n_keyword_topics):
        cols = n_topics * BLOCK + k * N_KEY + np.arange(N_KEY)
        keyword[k, cols] = rng.dirichlet(np.full(N_KEY, 5.0))
        keywords[f"theme_{k}"] = [int(c) for c in cols]
    return general, keyword, keywords


@pytest.fixture(scope="module")
def planted():
    """Three keyword topics (switch probabilities ``PI``) and one regular topic."""
    general, keyword, keywords = planted_model(3, 4)
    X, theta = draw_corpus(general, keyword, PI)
    truth = general.copy()
    truth[:3] = (1 - PI[:, None]) * general[:3] + PI[:, None] * keyword
    return X, keywords, truth, theta


@pytest.fixture(scope="module")
def fitted(planted):
    X, keywords, _, _ = planted
    return KeyATM(n_components=4, seed_words=keywords, n_iter=300, random_state=0).fit(X)


def test_recovers_the_planted_topics_switches_and_shares(planted, fitted):
    X, keywords, truth, theta = planted
    assert fitted.topic_names_ == ("theme_0", "theme_1", "theme_2", "free_1")
    np.testing.assert_allclose(fitted.components_.sum(axis=1), 1.0)
    for k in range(4):
        support = np.flatnonzero(truth[k])  # the topic's block and, for a theme, its keywords
        top = np.argsort(-fitted.components_[k])[: support.size]
        assert set(top) == set(support), k
        assert np.corrcoef(fitted.components_[k], truth[k])[0, 1] > 0.95, k
        assert np.corrcoef(fitted.doc_topic_[:, k], theta[:, k])[0, 1] > 0.95, k
    np.testing.assert_allclose(fitted.switch_[:3], PI, atol=0.06)
    assert np.isnan(fitted.switch_[3])  # a regular topic has no switch


@pytest.mark.slow  # over half a second
def test_transform_gives_the_training_documents_their_shares(planted, fitted):
    X = planted[0]
    shares = fitted.transform(X)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    assert np.abs(shares - fitted.doc_topic_).mean() < 0.03
    # the same text gets the same shares, alone or among other documents
    np.testing.assert_array_equal(fitted.transform(X[[5]]), shares[[5]])


def test_log_likelihood_rises_and_perplexity_falls(fitted, planted):
    ll, perplexity = fitted.log_likelihood_, fitted.perplexity_
    np.testing.assert_array_equal(ll[:, 0], [0, 50, 100, 150, 200, 250, 300])
    assert ll[-1, 1] > ll[0, 1] + 0.1 * abs(ll[0, 1])
    assert perplexity[-1, 1] < perplexity[0, 1]
    np.testing.assert_allclose(perplexity[:, 1], np.exp(-ll[:, 1] / planted[0].sum()))


def wrong_keyword_corpus():
    """Two correctly seeded topics and an unseeded one; 2% of tokens are three noise words."""
    general, keyword, keywords = planted_model(2, 3, extra_cols=3)
    noise_cols = list(range(general.shape[1] - 3, general.shape[1]))
    X, theta = draw_corpus(general, keyword, [0.4, 0.4], noise_cols=noise_cols, noise=0.02)
    return X, theta, keywords, noise_cols


@pytest.mark.parametrize("decoy", ["rare noise", "another topic's words"])
def test_wrong_keywords_get_a_low_switch_probability(decoy):
    X, theta, keywords, noise_cols = wrong_keyword_corpus()
    words = noise_cols if decoy == "rare noise" else list(range(BLOCK, BLOCK + 3))  # theme_1's block
    model = KeyATM(n_components=3, seed_words={"decoy": words, **keywords}, n_iter=300, random_state=0)
    model.fit(X)
    assert model.switch_[0] < 0.1
    assert np.all(model.switch_[1:] > 0.25)  # the correct keywords are used
    # the decoy topic becomes the unseeded topic instead of gathering the keywords' documents
    assert np.corrcoef(model.doc_topic_[:, 0], theta[:, 2])[0, 1] > 0.95


def test_same_seed_same_model_other_seed_other_model(planted):
    X, keywords, _, _ = planted
    fit = lambda seed: KeyATM(n_components=4, seed_words=keywords, n_iter=30, random_state=seed).fit(X)  # noqa: E731
    first, again, other = fit(1), fit(1), fit(2)
    np.testing.assert_array_equal(first.components_, again.components_)
    np.testing.assert_array_equal(first.transform(X[:10]), again.transform(X[:10]))
    assert not np.array_equal(first.components_, other.components_)


def test_fractional_counts_are_rounded_to_whole_tokens(planted):
    X, keywords, _, _ = planted
    shifted = X.copy()
    shifted.data = shifted.data + np.where(np.arange(shifted.nnz) % 2, 0.3, -0.4)
    fit = lambda M: KeyATM(n_components=4, seed_words=keywords, n_iter=20, random_state=0).fit(M)  # noqa: E731
    np.testing.assert_array_equal(fit(shifted).components_, fit(X).components_)


def test_information_weights_count_frequent_words_less():
    X = sp.csr_matrix(np.array([[8, 1, 1, 0], [8, 0, 1, 1], [8, 1, 0, 1]]))
    model = KeyATM(n_components=2, seed_words={"a": [1]}, n_iter=5, random_state=0).fit(X)
    weights = model.word_weights_
    assert weights[0] < weights[1] == weights[2] == weights[3]
    # the R package's default: -log2 of each word's share of the tokens, not rescaled
    freq = np.asarray(X.sum(axis=0)).ravel()
    np.testing.assert_allclose(weights, -np.log2(freq / freq.sum()))
    normalised = KeyATM(
        n_components=2,
        seed_words={"a": [1]},
        n_iter=5,
        weighting="information-theory-normalized",
        random_state=0,
    ).fit(X)
    assert np.isclose(freq @ normalised.word_weights_, X.sum())  # the normalised option keeps N tokens
    np.testing.assert_allclose(normalised.word_weights_ / weights, normalised.word_weights_[0] / weights[0])
    plain = KeyATM(n_components=2, seed_words={"a": [1]}, n_iter=5, weighting="none", random_state=0).fit(X)
    np.testing.assert_array_equal(plain.word_weights_, 1.0)


def test_keywords_given_as_terms_and_missing_ones_warn():
    X = sp.csr_matrix(np.array([[3, 0, 1], [0, 4, 1], [2, 1, 0]]))
    model = KeyATM(n_components=3, seed_words={"a": ["x", "qq"], "b": ["y"]}, n_iter=5, random_state=0)
    with pytest.warns(SeedWordsWarning, match="qq"):
        model.fit(X, feature_names=["x", "y", "z"])
    assert model.seed_columns_ == {"a": [0], "b": [1]} and model.seed_words_missing_ == {"a": ["qq"]}


def test_a_theme_without_a_keyword_in_the_vocabulary_stops():
    X = sp.csr_matrix(np.array([[3, 0, 1], [0, 4, 1]]))
    model = KeyATM(n_components=2, seed_words={"a": ["x"], "b": ["nowhere"]}, n_iter=5)
    with pytest.warns(SeedWordsWarning), pytest.raises(ModelError, match="no seed word of theme"):
        model.fit(X, feature_names=["x", "y", "z"])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"n_components": 1}, "n_components of at least the 2 themes"),
        ({"weighting": "tfidf"}, "weighting"),
        ({"gamma": (1.0, 0.0)}, "gamma"),
        ({"n_iter": 0}, "n_iter"),
        ({"beta_keyword": -1.0}, "beta_keyword"),
    ],
)
def test_impossible_settings_stop(params, message):
    X = sp.csr_matrix(np.array([[3, 0, 1], [0, 4, 1]]))
    model = KeyATM(**{"n_components": 3, "seed_words": {"a": [0], "b": [1]}, "n_iter": 5, **params})
    with pytest.raises(ModelError, match=message):
        model.fit(X)


def test_unknown_parameters_and_empty_matrices_stop():
    with pytest.raises(ValueError, match="Invalid parameter"):
        KeyATM().set_params(n_topics=3)
    with pytest.raises(TypeError):
        KeyATM(n_topics=3)
    with pytest.raises(ModelError, match="without any count"):
        KeyATM(n_components=1, seed_words={"a": [0]}).fit(sp.csr_matrix(np.full((2, 2), 0.2)))


def test_fitted_attributes_can_be_saved_without_pickle(fitted):
    record, arrays = estimator_record(fitted, "model", allowed=allowed_classes())
    assert {"model.components_", "model.switch_", "model.log_likelihood_"} <= set(arrays)
    assert record["attributes"]["seed_"] == fitted.seed_


def test_rhat_is_one_for_chains_of_one_distribution_and_large_for_chains_apart():
    rng = np.random.default_rng(0)
    same = [np.column_stack([np.arange(40), rng.normal(0, 1, 40)]) for _ in range(4)]
    apart = [np.column_stack([np.arange(40), rng.normal(10 * i, 1, 40)]) for i in range(4)]
    assert rhat(same) == pytest.approx(1.0, abs=0.1)
    assert rhat(apart) > 3


def test_the_alpha_prior_is_the_r_packages_gamma_and_alpha_starts_at_one_over_k():
    assert ALPHA_PRIOR == {"keyword": (1.0, 1.0), "regular": (2.0, 1.0)}
    X = sp.csr_matrix(np.array([[3, 1, 0, 0], [0, 0, 2, 3], [2, 2, 0, 1], [0, 1, 3, 2]]))
    fixed = KeyATM(n_components=3, seed_words={"a": [0]}, n_iter=3, estimate_alpha=False, random_state=0).fit(
        X
    )
    np.testing.assert_allclose(fixed.alpha_, 1 / 3)
    # with no documents, the posterior mode is the prior's: (shape - 1) / rate, floored
    step = KeyATM._minka_step(np.zeros((2, 3)), np.full(3, 0.5), np.array([1.0, 2.0, 2.0]), np.ones(3))
    np.testing.assert_allclose(step, [1e-3, 1.0, 1.0])


@pytest.mark.slow  # two models, two seeds
def test_keyatm_recovers_a_keyword_topic_that_seeded_lda_confuses():
    """A theme whose keyword list also names two words of another theme (a careless list): seeded LDA's
    priors pull both themes' paragraphs into the theme's topic, while keyATM's keyword topic, whose
    keyword distribution competes with a general one, still finds the theme's paragraphs."""
    rng = np.random.default_rng(0)
    groups = {
        **PLANTED_GROUPS,
        "music": ["guitar", "melody", "rhythm", "chorus", "violin", "tempo", "drum", "concert"],
    }
    names = list(groups)
    texts, labels = [], []
    for i in range(120):  # each paragraph: 24 words of its group, 6 of another
        own = names[i % 4]
        other = [n for n in names if n != own][(i // 4) % 3]
        words = [*rng.choice(groups[own], 24), *rng.choice(groups[other], 6)]
        texts.append(" ".join(rng.permutation(words)))
        labels.append(own)
    table = pd.DataFrame({"paragraph_id": [f"p{i}" for i in range(120)], "text": texts})
    truth = pd.DataFrame({t: [int(g == t) for g in labels] for t in names}, index=table["paragraph_id"])
    dtm = DocumentTermMatrix.from_paragraphs(
        Vectorizer(stem=False, corpus_stop_min_df=None, min_df=1), table, fit=True
    )
    seeds = {
        "sea": ["ocean", "tractor", "barley"],
        "farm": ["harvest"],
        "code": ["python"],
        "music": ["guitar"],
    }
    for seed in (0, 2):
        lda = fit_matrix(SeededLDA(n_components=5, seed_words=seeds, random_state=seed), dtm)
        keyatm = fit_matrix(KeyATM(n_components=5, seed_words=seeds, n_iter=300, random_state=seed), dtm)
        assert association(lda, truth).at["sea", "sea"] < 0.65  # the farm's paragraphs in the sea's topic
        assert association(keyatm, truth).at["sea", "sea"] > 0.95
        for theme in ("farm", "code", "music"):  # the clean themes: both find them
            assert association(keyatm, truth).at[theme, theme] > 0.95
