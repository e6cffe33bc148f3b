"""The streaming vectorizer gives Vectorizer's counts and vocabulary from paragraphs in chunks."""

from __future__ import annotations

from pathlib import Path

import gensim
import numpy as np
import pandas as pd
import pytest
from helpers import ROOT, in_chunks, lee_sentences

from themes import corpus
from themes.cli import main
from themes.corpus import chunks
from themes.corpus.chunks import read_paragraph_chunks
from themes.corpus.duplicates import word_digest
from themes.corpus.paragraphs import read_corpus
from themes.errors import CorpusError, ModelError
from themes.study import single
from themes.text import streaming
from themes.text.streaming import count_corpus, fit_transform_chunks
from themes.text.vectorizer import Vectorizer

GENSIM_DATA = Path(gensim.__file__).parent / "test" / "test_data"


def assert_same_fit(table, size, **settings):
    whole, streamed = Vectorizer(**settings), Vectorizer(**settings)
    expected = whole.fit_transform(table)
    counts = fit_transform_chunks(streamed, in_chunks(table, size))
    assert counts.shape == expected.shape and counts.dtype == expected.dtype
    assert (counts != expected).nnz == 0
    assert streamed.vocabulary_ == whole.vocabulary_
    assert streamed.display_words_ == whole.display_words_
    assert streamed.corpus_stop_words_ == whole.corpus_stop_words_
    assert streamed.n_documents_ == whole.n_documents_
    np.testing.assert_array_equal(streamed.idf_, whole.idf_)
    # the fitted vectorizer then counts new text as the in-memory one does
    assert (streamed.transform(table["text"][:50]) != whole.transform(table["text"][:50])).nnz == 0
    return streamed


def test_equals_the_vectorizer_on_the_seed_corpus_with_its_corpus_stop_words():
    table = corpus.kept(
        pd.read_csv(ROOT / "data" / "processed" / "paragraphs.csv", dtype=str, keep_default_na=False)
    )
    fitted = assert_same_fit(table, 7)
    assert "fighter" in fitted.corpus_stop_words_  # the rule fired, across chunks of 7 paragraphs


@pytest.mark.parametrize(
    ("size", "n_texts"),
    # one text per chunk on the first 300 sentences: the edge case at a tenth of the cost
    [(1, 300), (333, None), (100_000, None)],
)
def test_equals_the_vectorizer_on_gensim_news_whatever_the_chunk_size(size, n_texts):
    table = lee_sentences()
    assert len(table) > 2000
    assert_same_fit(table if n_texts is None else table.iloc[:n_texts], size)


def test_equals_the_vectorizer_with_other_settings_and_a_firing_stop_rule():
    table = lee_sentences()
    fitted = assert_same_fit(
        table, 500, min_df=0.002, max_df=0.05, corpus_stop_doc_share=0.2, corpus_stop_min_df=0.01
    )
    assert fitted.corpus_stop_words_  # terms in a fifth of the articles and 1% of the sentences
    assert_same_fit(table, 250, stem=False, min_df=3, stop_words=False)


def test_plain_lists_of_texts_and_empty_chunks():
    texts = lee_sentences()["text"].tolist()[:600]
    expected = Vectorizer().fit_transform(texts)
    chunks = [texts[:100], [], ["", "the of and"], texts[100:]]
    counts = fit_transform_chunks(Vectorizer(), iter(chunks))
    assert counts.shape == (expected.shape[0] + 2, expected.shape[1])
    assert (counts[[*range(100), *range(102, 602)]] != expected).nnz == 0
    assert counts[100:102].nnz == 0  # paragraphs without a word are empty rows, as in memory


def test_a_document_split_by_another_is_refused():
    table = pd.DataFrame({"doc_id": ["a", "b", "a"], "text": ["sleeper cells", "cells regroup", "sleeper"]})
    with pytest.raises(ModelError, match="document 'a' are not together"):
        fit_transform_chunks(Vectorizer(min_df=1), [table[:2], table[2:]])


@pytest.mark.parametrize(
    ("chunks", "settings", "needle"),
    [
        ([], {}, "no paragraphs"),
        ([["the of and", "it is"]], {}, "no word is left"),
        ([["sleeper cells", "regroup"]], {"min_df": 5}, "no term is left after the filters"),
        ([["sleeper cells"]], {"phrases": True}, "does not learn phrases"),
    ],
)
def test_errors_are_one_sentence(chunks, settings, needle):
    with pytest.raises(ModelError, match=needle):
        fit_transform_chunks(Vectorizer(**settings), chunks)


@pytest.fixture
def news_table(tmp_path) -> Path:
    lines = (GENSIM_DATA / "lee_background.cor").read_text(encoding="latin-1").splitlines()
    path = tmp_path / "news.csv"
    pd.DataFrame({"id": [f"lee{i:03d}" for i in range(len(lines))], "text": lines}).to_csv(path, index=False)
    return path


@pytest.mark.slow  # over half a second
def test_reading_a_table_in_chunks_counts_what_read_corpus_gives(news_table, tmp_path):
    paragraphs = read_corpus(news_table)
    expected = Vectorizer().fit_transform(paragraphs)
    out = tmp_path / "paragraphs.csv"
    dtm = count_corpus(news_table, Vectorizer(), paragraphs_csv=out)
    assert (dtm.counts != expected).nnz == 0
    assert dtm.paragraph_ids == tuple(paragraphs["paragraph_id"]) and dtm.texts == ()
    assert pd.read_csv(out, dtype=str, keep_default_na=False)["paragraph_id"].tolist() == list(
        dtm.paragraph_ids
    )
    # in chunks of 40 documents a near-duplicate is found within its chunk, and across chunks only
    # a word-for-word copy: the extra paragraphs are exactly the near-duplicates whose original lies
    # in an earlier chunk and whose words differ from it (the news holds one of each kind)
    chunks = list(read_paragraph_chunks(news_table, documents=40))
    ids = [pid for table in chunks for pid in table["paragraph_id"]]
    every = read_corpus(news_table, kept_only=False).set_index("paragraph_id")
    extra = [pid for pid in ids if pid not in set(paragraphs["paragraph_id"])]
    assert extra and (every.loc[extra, "status"] == "duplicate").all()
    chunk_of = {f"lee{i:03d}": i // 40 for i in range(300)}
    originals = every.loc[extra, "duplicate_of"]
    assert all(chunk_of[o[:6]] < chunk_of[p[:6]] for o, p in zip(originals, extra, strict=True))
    assert all(
        word_digest(every.at[p, "text"]) != word_digest(every.at[o, "text"])
        for o, p in zip(originals, extra, strict=True)
    )
    across = every[
        (every["status"] == "duplicate")
        & (every["duplicate_of"].str[:6].map(chunk_of) < every.index.str[:6].map(chunk_of))
    ]
    copies = [
        p
        for p, o in across["duplicate_of"].items()
        if word_digest(every.at[p, "text"]) == word_digest(every.at[o, "text"])
    ]
    assert copies and not set(copies) & set(ids)  # the word-for-word copy across chunks is left out
    assert [pid for pid in ids if pid not in extra] == paragraphs["paragraph_id"].tolist()


@pytest.mark.slow  # over half a second
def test_fit_streams_with_the_flag_and_above_the_threshold(news_table, tmp_path, capsys, monkeypatch):
    def fit(out, *extra):
        args = ["fit", "--corpus", str(news_table), "--model", "nmf_sklearn", "--k", "4", "--out", str(out)]
        assert main([*args, *extra]) == 0
        return {
            name: (out / name).read_bytes()
            for name in ("topics.csv", "document_topics.csv", "paragraphs.csv")
        }

    in_memory = fit(tmp_path / "memory")
    assert fit(tmp_path / "flag", "--streaming") == in_memory  # same matrix, same model, same files
    used = []
    monkeypatch.setattr(chunks, "STREAMING_BYTES", news_table.stat().st_size)
    # the CLI's fit (themes.study.single) counts the corpus with the count_corpus it imported
    monkeypatch.setattr(single, "count_corpus", lambda *a, **k: used.append(1) or count_corpus(*a, **k))
    assert fit(tmp_path / "auto") == in_memory and used == [1]
    capsys.readouterr()


def test_a_failure_midway_leaves_no_paragraph_table(news_table, tmp_path, monkeypatch):
    first = next(read_paragraph_chunks(news_table, documents=20))

    def one_chunk_then_fail(path):
        yield first
        raise CorpusError("the second chunk cannot be read")

    monkeypatch.setattr(streaming, "read_paragraph_chunks", one_chunk_then_fail)
    out = tmp_path / "out"
    with pytest.raises(CorpusError, match="second chunk"):
        count_corpus(news_table, Vectorizer(), paragraphs_csv=out / "paragraphs.csv")
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("block", [1, 37, 1 << 20])
def test_tfidf_in_place_gives_the_vectorizers_tfidf_to_the_bit(block):
    vectorizer = Vectorizer(min_df=2)
    counts = vectorizer.fit_transform(lee_sentences()["text"].tolist())
    expected = vectorizer.tfidf(counts)
    unsorted = counts.copy()
    assert not unsorted.has_sorted_indices  # as CountVectorizer leaves them: sorting is part of the check
    got = streaming.tfidf_in_place(unsorted, vectorizer, block=block)
    for part in ("data", "indices", "indptr"):
        assert getattr(got, part).tobytes() == getattr(expected, part).tobytes(), part
    assert np.shares_memory(got.indices, unsorted.indices)  # the counts' index arrays, not a copy
