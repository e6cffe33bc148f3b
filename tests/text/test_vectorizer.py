"""Vectorizing: tokens, stop words, stemming, the corpus stop rule, filters, new text."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import themes as th
from themes.errors import ModelError
from themes.text.analyzer import Analyzer
from themes.text.vectorizer import NAIVE_VECTORIZER, settings_effect


def analyze(text, **settings):
    return Analyzer(th.Vectorizer(**settings))(text)


def table(texts, groups=None):
    out = pd.DataFrame({"paragraph_id": [str(i) for i in range(len(texts))], "text": texts})
    return out.assign(doc_id=groups) if groups is not None else out


def test_token_pattern_keeps_arabic_names_whole():
    assert analyze("the weekly al-Naba' wrote", stem=False) == ["weekly", "al-naba", "wrote"]
    assert analyze("Deir ez-Zor and Dar al-Islam", stem=False) == ["deir", "ez-zor", "dar", "al-islam"]
    # the naive baseline splits them, which is one reason it does worse
    assert "al" in analyze("Dar al-Islam", **NAIVE_VECTORIZER)


def test_possessives_contractions_digits_and_stop_words_are_dropped():
    assert analyze("The organization's fighters don't fight; 9-month-long sieges", stem=False) == [
        "organization",
        "fighters",
        "fight",
        "month-long",
        "sieges",
    ]


def test_stemming_merges_word_forms():
    assert analyze("deserters desertion deserted") == ["desert"] * 3
    assert analyze("deserters desertion", stem=False) == ["deserters", "desertion"]


def test_corpus_stop_rule_removes_terms_spread_over_every_document():
    # "common" is in every document and every paragraph; "rare" in one document only
    texts = [
        "common alpha rare",
        "common alpha rare",
        "common beta",
        "common beta",
        "common gamma",
        "common gamma",
    ]
    paragraphs = table(texts, ["a", "a", "b", "b", "c", "c"])
    vec = th.Vectorizer(stem=False).fit(paragraphs)
    assert vec.corpus_stop_words_ == ("common",)
    assert "common" not in vec.vocabulary_ and "rare" in vec.vocabulary_
    assert "common" in th.Vectorizer(stem=False, corpus_stop_min_df=None).fit(paragraphs).vocabulary_
    # without documents (plain texts) the rule cannot apply
    assert "common" in th.Vectorizer(stem=False).fit(texts).vocabulary_


def test_min_df_drops_words_of_one_paragraph_and_empty_vocabulary_is_an_error():
    vec = th.Vectorizer(stem=False).fit(["apple pear", "apple plum"])
    assert vec.get_feature_names_out().tolist() == ["apple"]
    with pytest.raises(ModelError, match="no term is left"):
        th.Vectorizer(stem=False).fit(["apple pear", "plum fig"])
    with pytest.raises(ModelError, match="no paragraphs"):
        th.Vectorizer().fit([])


def test_transform_uses_the_fitted_analysis_and_vocabulary(planted):
    dtm, _ = planted
    new = dtm.vectorizer.transform(["ocean ocean wave unknownword", "python"])
    assert new.shape == (2, len(dtm.vocabulary))
    row = dict(zip(dtm.vocabulary, new.toarray()[0], strict=True))
    assert row["ocean"] == 2 and row["wave"] == 1 and new.toarray()[0].sum() == 3
    # a stemming vectorizer stems new text the same way
    vec = th.Vectorizer(min_df=1).fit(["deserters fled", "deserted towns"])
    assert vec.transform(["desertion"]).toarray().tolist() == [[1, 0, 0]]


def test_tfidf_is_scikit_learns_with_the_corpus_idf(planted):
    from sklearn.feature_extraction.text import TfidfTransformer

    dtm, _ = planted
    X = dtm.tfidf
    assert np.allclose(np.sqrt(X.multiply(X).sum(axis=1)), 1.0)
    expected = TfidfTransformer().fit_transform(dtm.counts)
    assert np.allclose(X.toarray(), expected.toarray())
    assert np.allclose(dtm.vectorizer.tfidf(dtm.counts[:2]).toarray(), expected[:2].toarray())


def test_settings_and_facts_are_recorded(planted):
    dtm, _ = planted
    record = dtm.vectorizer.record()
    assert record["settings"]["min_df"] == 2 and record["n_terms"] == len(dtm.vocabulary)
    assert record["n_paragraphs"] == dtm.shape[0]


def test_phrases_join_frequent_pairs():
    texts = [
        "sleeper cells attack",
        "sleeper cells hide",
        "sleeper cells return",
        "cells sleep",
        "other words",
    ] * 2
    vec = th.Vectorizer(stem=False, phrases=True, phrase_threshold=0.5).fit(texts)
    assert "sleeper_cells" in vec.vocabulary_
    assert vec.transform(["sleeper cells again"])[0, vec.vocabulary_["sleeper_cells"]] == 1


def test_display_words_show_the_most_frequent_word_of_a_stem():
    vec = th.Vectorizer().fit(["deserters deserters deserted", "deserters flee"])
    assert vec.display_words_[vec.vocabulary_["desert"]] == "deserters"


def test_vectorizer_is_a_scikit_learn_transformer_with_short_reprs(planted):
    vec = th.Vectorizer(min_df=3, stem=False)
    assert clone(vec).get_params() == vec.get_params()
    assert repr(vec) == "Vectorizer(min_df=3, stem=False)"
    with pytest.raises(ValueError, match="min_dff"):
        vec.set_params(min_dff=2)
    dtm, _ = planted
    assert repr(dtm).startswith("DocumentTermMatrix(36 paragraphs x 24 terms")


def test_settings_effect_reports_each_variant(real_study):
    variants = {"naive": th.Vectorizer(**NAIVE_VECTORIZER), "study": th.Vectorizer()}
    naive, study = settings_effect(real_study.kept, variants).set_index("variant")["terms"]
    assert study < naive  # stemming, min_df and the corpus stop list shrink the vocabulary
