"""Topic models: planted groups recovered by every backend, reproducibility, shapes, bad input."""

import warnings

import numpy as np
import pytest
from helpers import PLANTED_GROUPS, planted_texts

from themes.errors import ModelError
from themes.models import BACKENDS, SEEDED, check_k, fit_topic_model
from themes.vectorize import VectorizerSettings, vectorize

SEED_WORDS = {name: words[:2] for name, words in PLANTED_GROUPS.items()}


def fit(dtm, backend, k=3, seed=0, **kw):
    return fit_topic_model(dtm, backend, k=k, seed=seed, seed_words=SEED_WORDS, **kw)


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_every_backend_recovers_the_planted_groups(planted, backend):
    dtm, labels = planted
    model = fit(dtm, backend)
    # each topic's top words come from one group, and each group has its own topic
    groups_of_topics = []
    for words in model.top_words(5):
        owners = {name for name, vocab in PLANTED_GROUPS.items() for w in words if w in vocab}
        assert len(owners) == 1, words
        groups_of_topics.append(owners.pop())
    assert sorted(groups_of_topics) == sorted(PLANTED_GROUPS)
    # and each paragraph's largest topic is its group's
    dominant = np.array(groups_of_topics)[model.doc_topic.argmax(axis=1)]
    truth = labels.idxmax(axis=1).to_numpy()
    assert (dominant == truth).all()


@pytest.mark.parametrize("backend", SEEDED)
def test_seeded_topics_are_the_themes_of_their_seed_words(planted, backend):
    dtm, _ = planted
    model = fit(dtm, backend, k=4)
    assert model.topic_names == ("sea", "farm", "code", "free_1")
    for name in PLANTED_GROUPS:
        i = model.topic_names.index(name)
        assert set(model.top_words(5)[i]) <= set(PLANTED_GROUPS[name])


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_equal_seeds_give_identical_matrices_and_rows_sum_to_one(planted, backend):
    dtm, _ = planted
    a, b = fit(dtm, backend, seed=7), fit(dtm, backend, seed=7)
    assert a.doc_topic.tobytes() == b.doc_topic.tobytes()
    assert a.topic_term.tobytes() == b.topic_term.tobytes()
    assert np.allclose(a.doc_topic.sum(axis=1), 1.0) and np.allclose(a.topic_term.sum(axis=1), 1.0)
    assert a.doc_topic.shape == (dtm.shape[0], 3) and a.topic_term.shape == (3, dtm.shape[1])
    assert a.seed == 7 and a.params["k"] == 3 and "scikit-learn" in a.versions


def test_different_seeds_may_differ(planted):
    texts, ids, groups = planted_texts(words=12)
    dtm = vectorize(texts, doc_ids=ids, settings=VectorizerSettings(stem=False, corpus_stop_min_df=None))
    runs = [fit(dtm, "lda_gensim", k=5, seed=s).doc_topic for s in (0, 1)]
    assert not np.array_equal(*runs)  # seeds are real: an over-large K splits groups differently


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_new_text_is_scored_reproducibly(planted, backend):
    dtm, _ = planted
    model = fit(dtm, backend)
    texts = ["ocean wave harbor sailor tide", "compiler python kernel"]
    first, second = model.transform(texts), model.transform(texts)
    assert first.tobytes() == second.tobytes()  # gensim is reseeded before inference
    assert np.allclose(first.sum(axis=1), 1.0)
    sea = [i for i, words in enumerate(model.top_words(3)) if set(words) <= set(PLANTED_GROUPS["sea"])][0]
    assert first[0].argmax() == sea


@pytest.mark.parametrize("k", [0, -1, 36, 100])
def test_k_must_be_at_least_one_and_below_the_number_of_paragraphs(planted, k):
    dtm, _ = planted
    with pytest.raises(ModelError, match="K"):
        fit(dtm, "nmf_sklearn", k=k)
    with pytest.raises(ModelError):
        check_k(2.5, 10)


def test_unknown_model_is_named(planted):
    dtm, _ = planted
    with pytest.raises(ModelError, match="unknown model 'lda_magic'"):
        fit(dtm, "lda_magic")


def test_missing_seed_words_warn_and_a_theme_without_any_stops(planted):
    dtm, _ = planted
    words = {"sea": ["ocean", "submarine"], "farm": ["barley"], "code": ["python"]}
    with pytest.warns(UserWarning, match="submarine"):
        fit_topic_model(dtm, "lda_seeded", k=3, seed=0, seed_words=words)
    words["code"] = ["spaceship"]
    with warnings.catch_warnings(), pytest.raises(ModelError, match="code"):
        warnings.simplefilter("ignore", UserWarning)
        fit_topic_model(dtm, "nmf_seeded", k=3, seed=0, seed_words=words)
    with pytest.raises(ModelError, match="needs seed words"):
        fit_topic_model(dtm, "lda_seeded", k=3, seed=0)
