"""Topic models: planted groups recovered by every model of the default design, one result type,
reproducibility, saving and loading, bad input."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from helpers import PLANTED_GROUPS, planted_texts
from sklearn.decomposition import NMF

import themes as th
from themes.errors import ModelError, SeedWordsWarning
from themes.models.base import rank_descending
from themes.models.fitting import check_k, fit_matrix
from themes.models.gensim_lda import GensimLDA, SeededLDA
from themes.models.seeded_nmf import SeededNMF
from themes.study.design import DEFAULT_MODELS, get_spec

SEED_WORDS = {name: words[:2] for name, words in PLANTED_GROUPS.items()}
SEEDED = [name for name, spec in DEFAULT_MODELS.items() if spec.seeded]


def fit(dtm, name, k=3, seed=0):
    spec = get_spec(name)
    est = spec.make(k=k, seed=seed, seed_words=SEED_WORDS if spec.seeded else None)
    return fit_matrix(est, dtm, name=name)


def group_of_each_topic(model, n=5):
    groups = []
    for words in model.top_word_lists(n):
        owners = {name for name, vocab in PLANTED_GROUPS.items() for w in words if w in vocab}
        assert len(owners) == 1, words
        groups.append(owners.pop())
    return groups


@pytest.mark.parametrize("name", list(DEFAULT_MODELS))
def test_every_model_recovers_the_planted_groups(planted, name):
    dtm, labels = planted
    model = fit(dtm, name)
    groups = group_of_each_topic(model)
    assert sorted(groups) == sorted(PLANTED_GROUPS)
    # and each paragraph's largest topic is its group's
    dominant = np.array(groups)[model.doc_topic.argmax(axis=1)]
    assert (dominant == labels.idxmax(axis=1).to_numpy()).all()


@pytest.mark.parametrize("name", SEEDED)
def test_seeded_topics_are_the_themes_of_their_seed_words(planted, name):
    dtm, _ = planted
    model = fit(dtm, name, k=4)
    assert model.topic_names == ("sea", "farm", "code", "free_1")
    for i, words in enumerate(model.top_word_lists(5)[:3]):
        assert set(words) <= set(PLANTED_GROUPS[model.topic_names[i]])
    assert model.params["seed_terms"] == SEED_WORDS
    assert model.seeded and model.backend.takes_seed_words


@pytest.mark.parametrize("name", list(DEFAULT_MODELS))
def test_equal_seeds_give_identical_matrices_and_rows_sum_to_one(planted, name):
    dtm, _ = planted
    a, b = fit(dtm, name, seed=7), fit(dtm, name, seed=7)
    assert a.doc_topic.tobytes() == b.doc_topic.tobytes()
    assert a.topic_term.tobytes() == b.topic_term.tobytes()
    assert np.allclose(a.doc_topic.sum(axis=1), 1.0) and np.allclose(a.topic_term.sum(axis=1), 1.0)
    assert a.doc_topic.shape == (dtm.shape[0], 3) and a.topic_term.shape == (3, dtm.shape[1])
    assert a.seed == 7 and a.params["n_components"] == 3 and "scikit-learn" in a.versions
    assert a.seeded == DEFAULT_MODELS[name].seeded and a.backend.name == DEFAULT_MODELS[name].backend


def test_different_seeds_differ(planted):
    texts, ids, _ = planted_texts(words=12)
    vec = th.Vectorizer(stem=False, corpus_stop_min_df=None)
    dtm = th.DocumentTermMatrix.from_paragraphs(
        vec, pd.DataFrame({"paragraph_id": ids, "text": texts}), fit=True
    )
    runs = [fit(dtm, "lda_gensim", k=5, seed=s).doc_topic for s in (0, 1)]
    assert not np.array_equal(*runs)  # seeds are real: an over-large K splits groups differently


@pytest.mark.parametrize("name", list(DEFAULT_MODELS))
def test_new_text_is_scored_reproducibly(planted, name):
    dtm, _ = planted
    model = fit(dtm, name)
    texts = ["ocean wave harbor sailor tide", "compiler python kernel"]
    first, second = model.transform(texts), model.transform(texts)
    assert first.to_numpy().tobytes() == second.to_numpy().tobytes()
    assert list(first.columns) == list(model.topic_names)
    assert np.allclose(first.sum(axis=1), 1.0)
    assert group_of_each_topic(model)[int(first.iloc[0].to_numpy().argmax())] == "sea"
    assert group_of_each_topic(model)[int(first.iloc[1].to_numpy().argmax())] == "code"


@pytest.mark.parametrize("name", list(DEFAULT_MODELS))
def test_a_saved_model_loads_and_scores_new_text_with_the_same_numbers(planted, name, tmp_path):
    dtm, _ = planted
    model = fit(dtm, name)
    model.save(tmp_path / name)
    assert not list((tmp_path / name).glob("*.pkl"))
    loaded = th.TopicModel.load(tmp_path / name)
    texts = ["ocean wave harbor sailor tide", "compiler python kernel barley"]
    pd.testing.assert_frame_equal(loaded.transform(texts), model.transform(texts), check_exact=True)
    assert loaded.topic_term.tobytes() == model.topic_term.tobytes()
    assert loaded.paragraph_ids == model.paragraph_ids and loaded.params == model.params
    assert loaded.backend == model.backend and loaded.seeded == model.seeded
    pd.testing.assert_frame_equal(loaded.top_words(5), model.top_words(5))


def test_loading_refuses_a_model_saved_by_other_versions_or_an_unknown_class(planted, tmp_path):
    dtm, _ = planted
    fit(dtm, "nmf_sklearn").save(tmp_path / "m")
    meta_path = tmp_path / "m" / "model.json"
    meta = json.loads(meta_path.read_text())
    meta["versions"]["scikit-learn"] = "0.1"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="scikit-learn 0.1"):
        th.TopicModel.load(tmp_path / "m")
    with pytest.raises(ModelError, match="no saved model"):
        th.TopicModel.load(tmp_path / "absent")
    fit(dtm, "nmf_sklearn").save(tmp_path / "u")
    meta = json.loads((tmp_path / "u" / "model.json").read_text())
    meta["estimator"]["class"] = "subprocess.Popen"
    (tmp_path / "u" / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="'subprocess.Popen', which is not allowed"):
        th.TopicModel.load(tmp_path / "u")


def test_result_tables_are_indexed_by_paragraph_and_topic(planted):
    dtm, _ = planted
    model = fit(dtm, "nmf_sklearn")
    shares = model.document_topics
    assert list(shares.index) == list(dtm.paragraph_ids) and shares.index.name == "paragraph_id"
    words = model.top_words(4)
    assert list(words.index) == list(model.topic_names) and list(words.columns) == ["share", "top_words"]
    assert np.isclose(words["share"].sum(), 1.0)
    weights = model.term_weights(4)
    assert len(weights) == 3 * 4 and set(weights.columns) >= {"topic", "rank", "word", "term", "weight"}
    assert len(repr(model)) < 200 and len(repr(dtm)) < 200


def test_plain_scikit_learn_estimators_work_as_they_are(planted):
    dtm, _ = planted
    table = pd.DataFrame({"paragraph_id": dtm.paragraph_ids, "text": dtm.texts})
    model = th.fit_topics(NMF(n_components=3, random_state=0), dtm.vectorizer, table)
    assert sorted(group_of_each_topic(model)) == sorted(PLANTED_GROUPS)
    assert model.params["input"] == "tfidf" and model.name == "nmf"
    assert model.backend.name == "sklearn_nmf" and not model.seeded


@pytest.mark.parametrize("k", [0, -1, 36, 100])
def test_k_must_be_at_least_one_and_below_the_number_of_paragraphs(planted, k):
    dtm, _ = planted
    with pytest.raises(ModelError, match="K"):
        fit(dtm, "nmf_sklearn", k=k)
    with pytest.raises(ModelError):
        check_k(2.5, 10)


def test_unknown_model_and_unknown_parameter_are_named():
    with pytest.raises(ModelError, match="unknown model 'lda_magic'"):
        get_spec("lda_magic")
    with pytest.raises(TypeError, match="max_iters"):
        SeededNMF(n_components=3, max_iters=3)
    with pytest.raises(ValueError, match="max_iters"):
        GensimLDA().set_params(max_iters=3)


def test_missing_seed_words_warn_and_a_theme_without_any_stops(planted):
    dtm, _ = planted
    words = {"sea": ["ocean", "submarine"], "farm": ["barley"], "code": ["python"]}
    with pytest.warns(SeedWordsWarning, match="submarine"):
        fit_matrix(SeededLDA(n_components=3, seed_words=words, random_state=0), dtm)
    words["code"] = ["spaceship"]
    with warnings.catch_warnings(), pytest.raises(ModelError, match="code"):
        warnings.simplefilter("ignore", SeedWordsWarning)
        fit_matrix(SeededNMF(n_components=3, seed_words=words, random_state=0), dtm)
    with pytest.raises(ModelError, match="needs seed words"):
        get_spec("lda_seeded").make(k=3, seed=0)


def test_shares_equal_to_twelve_decimals_rank_in_vocabulary_order():
    # word 2 beats word 1 only in the 16th digit, as kernels' rounding can make it; word 0 is clearly first
    shares = np.array([[0.5, 0.25 - 1e-16, 0.25, 0.0], [0.1, 0.2, 0.3, 0.4]])
    assert rank_descending(shares).tolist() == [[0, 1, 2, 3], [3, 2, 1, 0]]
    # a difference at the 11th decimal is not a tie
    assert rank_descending(np.array([0.25 - 1e-11, 0.25])).tolist() == [1, 0]
    assert np.argsort(-shares[0], kind="stable").tolist() == [0, 2, 1, 3]  # what raw values would give
