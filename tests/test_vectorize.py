"""Vectorizing: tokens, stop words, stemming, the corpus stop rule, filters, new text."""

import numpy as np
import pytest

from themes.errors import ModelError
from themes.vectorize import NAIVE_SETTINGS, Analyzer, VectorizerSettings, settings_effect, vectorize


def test_token_pattern_keeps_arabic_names_whole():
    analyze = Analyzer(VectorizerSettings(stem=False))
    assert analyze("the weekly al-Naba' wrote") == ["weekly", "al-naba", "wrote"]
    assert analyze("Deir ez-Zor and Dar al-Islam") == ["deir", "ez-zor", "dar", "al-islam"]
    # the naive baseline splits them, which is one reason it does worse
    assert "al" in Analyzer(NAIVE_SETTINGS)("Dar al-Islam")


def test_possessives_contractions_digits_and_stop_words_are_dropped():
    analyze = Analyzer(VectorizerSettings(stem=False))
    assert analyze("The organization's fighters don't fight; 9-month-long sieges") == [
        "organization",
        "fighters",
        "fight",
        "month-long",
        "sieges",
    ]


def test_stemming_merges_word_forms():
    analyze = Analyzer(VectorizerSettings())
    assert analyze("deserters desertion deserted") == ["desert"] * 3
    assert Analyzer(VectorizerSettings(stem=False))("deserters desertion") == ["deserters", "desertion"]


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
    groups = ["a", "a", "b", "b", "c", "c"]
    ids = [str(i) for i in range(6)]
    dtm = vectorize(texts, doc_ids=ids, groups=groups, settings=VectorizerSettings(stem=False))
    assert dtm.corpus_stop_words == ("common",)
    assert "common" not in dtm.vocabulary and "rare" in dtm.vocabulary
    kept = vectorize(
        texts, doc_ids=ids, groups=groups, settings=VectorizerSettings(stem=False, corpus_stop_min_df=None)
    )
    assert "common" in kept.vocabulary


def test_min_df_drops_words_of_one_paragraph_and_empty_vocabulary_is_an_error():
    dtm = vectorize(["apple pear", "apple plum"], doc_ids=["1", "2"], settings=VectorizerSettings(stem=False))
    assert dtm.vocabulary == ("apple",)
    with pytest.raises(ModelError, match="no term is left"):
        vectorize(["apple pear", "plum fig"], doc_ids=["1", "2"], settings=VectorizerSettings(stem=False))


def test_transform_uses_the_fitted_vocabulary(planted):
    dtm, _ = planted
    new = dtm.transform(["ocean ocean wave unknownword", "python"])
    assert new.shape == (2, len(dtm.vocabulary))
    row = dict(zip(dtm.vocabulary, new.toarray()[0], strict=True))
    assert row["ocean"] == 2 and row["wave"] == 1 and new.toarray()[0].sum() == 3


def test_tfidf_rows_have_unit_norm_and_reuse_the_corpus_idf(planted):
    dtm, _ = planted
    X = dtm.tfidf()
    assert np.allclose(np.sqrt(X.multiply(X).sum(axis=1)), 1.0)
    assert np.allclose(dtm.tfidf(dtm.counts).toarray(), X.toarray())


def test_settings_and_facts_are_recorded(planted):
    dtm, _ = planted
    record = dtm.record()
    assert record["settings"]["min_df"] == 2 and record["n_terms"] == len(dtm.vocabulary)
    assert record["n_tokens"] == int(dtm.counts.sum())


def test_phrases_join_frequent_pairs():
    texts = [
        "sleeper cells attack",
        "sleeper cells hide",
        "sleeper cells return",
        "cells sleep",
        "other words",
    ] * 2
    dtm = vectorize(
        texts,
        doc_ids=[str(i) for i in range(10)],
        settings=VectorizerSettings(stem=False, phrases=True, phrase_threshold=0.5),
    )
    assert "sleeper_cells" in dtm.vocabulary


def test_labels_show_the_most_frequent_word_of_a_stem():
    dtm = vectorize(["deserters deserters deserted", "deserters flee"], doc_ids=["1", "2"])
    assert dtm.labels[dtm.vocabulary.index("desert")] == "deserters"


def test_settings_effect_reports_each_variant(real_study):
    kept = real_study.kept
    table = settings_effect(
        kept["text"].tolist(),
        doc_ids=kept["paragraph_id"].tolist(),
        groups=kept["doc_id"].tolist(),
        variants={"naive": NAIVE_SETTINGS, "study": VectorizerSettings()},
    )
    naive, study = table.set_index("variant")["terms"]
    assert study < naive  # stemming, min_df and the corpus stop list shrink the vocabulary
