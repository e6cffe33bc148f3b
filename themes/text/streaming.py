"""Counting a corpus larger than memory: chunks of paragraphs in, one sparse count matrix out.

:func:`fit_transform_chunks` gives the counts of :meth:`themes.text.vectorizer.Vectorizer.fit_transform`
while holding one chunk of texts at a time; :func:`count_corpus` counts a corpus file or folder
read in chunks by :func:`themes.corpus.chunks.read_paragraph_chunks`.

When to stream
--------------
``themes fit --corpus PATH`` streams when asked (``--streaming``) or when the corpus is at least
:data:`themes.corpus.chunks.STREAMING_BYTES` (8 MiB of text, about 16,000 paragraphs of a
typical 500 characters). In memory, such a corpus holds its texts, its paragraph table and
scikit-learn's token lists at once, several times the size of the text; streaming holds the
vocabulary, the document frequencies and the sparse counts, never the texts.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from ..corpus.chunks import read_paragraph_chunks
from ..errors import ModelError
from ..files import csv_text, defuse_formulas, open_atomic
from .analyzer import Analyzer
from .matrix import DocumentTermMatrix
from .vectorizer import Vectorizer, _doc_count_bounds, _texts_and_groups


class _Parts:
    """The counts of the chunks seen so far, kept as CSR arrays over global term numbers.

    Terms are numbered in order of first appearance (the alphabetical columns are known only
    at the end); a chunk's counts are stored as int32, half the size of the final int64.
    """

    def __init__(self):
        self.indptr: list[np.ndarray] = []
        self.indices: list[np.ndarray] = []
        self.data: list[np.ndarray] = []

    def add(self, counts: sp.csr_matrix) -> None:
        if counts.nnz and counts.data.max() > np.iinfo(np.int32).max:
            raise ModelError("a paragraph repeats one term more than 2**31 times; split it.")
        self.indptr.append(np.diff(counts.indptr).astype(np.int64))
        self.indices.append(counts.indices.astype(np.int32))
        self.data.append(counts.data.astype(np.int32))

    def assemble(self, columns: np.ndarray, n_columns: int) -> sp.csr_matrix:
        """One int64 CSR matrix with global term ``t`` in column ``columns[t]`` (-1: dropped).

        The output arrays are allocated once and each chunk's arrays freed once copied, so the
        peak is the chunks plus the result, not twice the result.
        """
        kept = [int((columns[ix] >= 0).sum()) for ix in self.indices]
        n_rows = int(sum(len(lengths) for lengths in self.indptr))
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        indices = np.empty(sum(kept), dtype=np.int32)
        data = np.empty(sum(kept), dtype=np.int64)
        row = pos = 0
        while self.indptr:
            lengths, ix, values = self.indptr.pop(0), self.indices.pop(0), self.data.pop(0)
            mapped = columns[ix]
            keep = mapped >= 0
            rows = np.repeat(np.arange(len(lengths)), lengths)[keep]
            part = sp.csr_matrix(
                (values[keep], mapped[keep], np.r_[0, np.cumsum(np.bincount(rows, minlength=len(lengths)))]),
                shape=(len(lengths), n_columns),
            )
            part.sort_indices()  # alphabetical columns: the order Vectorizer gives
            end = pos + part.nnz
            indices[pos:end], data[pos:end] = part.indices, part.data
            indptr[row + 1 : row + len(lengths) + 1] = pos + part.indptr[1:]
            row, pos = row + len(lengths), end
        matrix = sp.csr_matrix((data, indices, indptr), shape=(n_rows, n_columns))
        matrix.has_sorted_indices = True
        return matrix


class _DocumentFrequencies:
    """In how many source documents each term occurs, from paragraphs in document order.

    A term's document count goes up when it appears in a document other than the last one it
    was seen in; that is exact when each document's paragraphs come together (as
    :func:`themes.corpus.paragraphs.build_paragraphs` gives them), which is checked.
    """

    def __init__(self):
        self.code: dict[str, int] = {}
        self.counts = np.zeros(0, dtype=np.int64)
        self.last = np.zeros(0, dtype=np.int64)
        self.current: str | None = None

    def add(self, present: sp.csr_matrix, groups: list, n_terms: int) -> None:
        grow = n_terms - len(self.counts)
        if grow > 0:
            self.counts = np.r_[self.counts, np.zeros(grow, dtype=np.int64)]
            self.last = np.r_[self.last, np.full(grow, -1, dtype=np.int64)]
        docs = np.empty(len(groups), dtype=np.int64)
        for i, group in enumerate(map(str, groups)):
            if group != self.current:
                if group in self.code:
                    raise ModelError(
                        f"the paragraphs of document {group!r} are not together in the stream; the "
                        "corpus stop rule needs each document's paragraphs in one run (sort by doc_id)."
                    )
                self.code[group], self.current = len(self.code), group
            docs[i] = self.code[group]
        coo = present.tocoo()
        pairs = np.unique(docs[coo.row] * n_terms + coo.col)
        doc, term = pairs // n_terms, pairs % n_terms
        self.counts += np.bincount(term[self.last[term] != doc], minlength=n_terms)
        np.maximum.at(self.last, term, doc)


def _paragraph_share(df: int, n: int) -> float:
    """``df / n`` computed as the in-memory rule computes it (scipy's sparse mean of a 0/1
    column), so that a term on the threshold is judged the same way."""
    ones = sp.csr_matrix((np.ones(df), (np.arange(df), np.zeros(df, dtype=np.int64))), shape=(n, 1))
    return float(ones.mean(axis=0)[0, 0])


def fit_transform_chunks(vectorizer: Vectorizer, chunks: Iterable) -> sp.csr_matrix:
    """Fit ``vectorizer`` on paragraphs given in chunks and return their counts.

    The result, and every fitted attribute of the vectorizer (``vocabulary_``,
    ``display_words_``, ``corpus_stop_words_``, ``idf_``, ...), equal those of
    ``vectorizer.fit_transform`` on all the paragraphs at once. The texts are read once: each
    chunk's words are counted with the vectorizer's analysis and summed into terms numbered as
    they appear, and the columns are filtered (``min_df``, ``max_df``, the corpus stop rule)
    and sorted at the end. Memory holds the vocabulary, the document frequencies and the
    counts of every term met; a term dropped by ``min_df`` costs fewer than ``min_df`` stored
    counts, so this is little more than the final matrix.

    Parameters
    ----------
    vectorizer : Vectorizer
        Fitted in place; ``phrases=True`` is not supported (gensim's phrase model is learnt
        from all the token lists at once).
    chunks : iterable of (list of str or pandas.DataFrame)
        Paragraph texts, or tables with ``text`` and (for the corpus stop rule) ``doc_id``.
        A one-shot generator is fine. The corpus stop rule is applied when every chunk has
        ``doc_id`` and each document's paragraphs come together.

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n_paragraphs, n_terms), dtype int64

    Raises
    ------
    ModelError
        When there are no paragraphs, no word or term is left, ``phrases=True``, or a
        document's paragraphs are split by another document's.

    Examples
    --------
    >>> vec = Vectorizer(min_df=1, stem=False)
    >>> fit_transform_chunks(vec, [["Sleeper cells regroup."], ["Cells hide."]]).toarray()
    array([[1, 0, 1, 1],
           [1, 1, 0, 0]])
    """
    if vectorizer.phrases:
        raise ModelError("the streaming vectorizer does not learn phrases; use phrases=False.")
    analyzer = Analyzer(vectorizer)
    parts, doc_freq = _Parts(), _DocumentFrequencies()
    term_number: dict[str, int] = {}
    word_totals: dict[str, int] = {}
    df = np.zeros(0, dtype=np.int64)
    n_paragraphs, grouped = 0, True
    for chunk in chunks:
        texts, groups = _texts_and_groups(chunk, None)
        if not texts:
            continue
        counts, n_terms = _count_chunk(texts, analyzer, term_number, word_totals)
        df = np.r_[df, np.zeros(n_terms - len(df), dtype=np.int64)] + np.bincount(
            counts.indices, minlength=n_terms
        )
        grouped = grouped and groups is not None
        if grouped:
            doc_freq.add(counts, groups, n_terms)
        parts.add(counts)
        n_paragraphs += len(texts)
    if not n_paragraphs:
        raise ModelError("there are no paragraphs to vectorize.")
    if not term_number:
        raise ModelError(f"no word is left in the {n_paragraphs} paragraphs after the stop words.")
    terms = np.asarray(list(term_number), dtype=object)
    low, high = _doc_count_bounds(vectorizer.min_df, vectorizer.max_df, n_paragraphs)
    keep = (df >= low) & (df <= high)
    if not keep.any():
        raise ModelError(
            f"no term is left after the filters (min_df={vectorizer.min_df}, max_df={vectorizer.max_df}) "
            f"on {n_paragraphs} paragraphs; lower min_df or add text."
        )
    stop = _corpus_stop(vectorizer, keep, df, doc_freq if grouped else None, terms, n_paragraphs)
    keep[[term_number[t] for t in stop]] = False
    if not keep.any():
        raise ModelError(f"no term is left after the corpus stop rule on {n_paragraphs} paragraphs.")
    kept = sorted(terms[keep].tolist())
    columns = np.full(len(terms), -1, dtype=np.int64)
    columns[[term_number[t] for t in kept]] = np.arange(len(kept))
    matrix = parts.assemble(columns, len(kept))

    best: dict[str, tuple[int, str]] = {}
    words = sorted(word_totals)
    for word, stem in zip(words, analyzer.stems(words), strict=True):
        # the most frequent word; on a tie the alphabetically first (as Vectorizer names a term)
        if stem not in best or word_totals[word] > best[stem][0]:
            best[stem] = (word_totals[word], word)
    vectorizer.set_vocabulary(
        kept,
        display_words=[best[t][1] for t in kept],
        corpus_stop_words=stop,
        n_documents=n_paragraphs,
        idf=TfidfTransformer().fit(matrix).idf_,
    )
    return matrix


def _count_chunk(texts, analyzer, term_number, word_totals) -> tuple[sp.csr_matrix, int]:
    """One chunk's term counts over the global term numbers (new terms are numbered on)."""
    words_vec = CountVectorizer(analyzer=analyzer.words, dtype=np.int64)
    try:
        word_counts = words_vec.fit_transform(texts)
    except ValueError:  # no word in this chunk: its paragraphs are empty rows
        return sp.csr_matrix((len(texts), len(term_number)), dtype=np.int64), len(term_number)
    words = words_vec.get_feature_names_out().tolist()
    for word, total in zip(words, np.asarray(word_counts.sum(axis=0)).ravel().tolist(), strict=True):
        word_totals[word] = word_totals.get(word, 0) + total
    numbers = [term_number.setdefault(stem, len(term_number)) for stem in analyzer.stems(words)]
    to_term = sp.csr_matrix(
        (np.ones(len(words), dtype=np.int64), (np.arange(len(words)), numbers)),
        shape=(len(words), len(term_number)),
    )
    return sp.csr_matrix(word_counts @ to_term), len(term_number)


def _corpus_stop(vectorizer, keep, df, doc_freq, terms, n_paragraphs) -> list[str]:
    """The corpus stop rule of :class:`Vectorizer` from paragraph and document frequencies."""
    if vectorizer.corpus_stop_min_df is None or doc_freq is None or len(doc_freq.code) < 2:
        return []
    in_doc = doc_freq.counts / len(doc_freq.code)
    candidates = np.flatnonzero(keep & (in_doc >= vectorizer.corpus_stop_doc_share))
    return sorted(
        terms[j]
        for j in candidates
        if _paragraph_share(int(df[j]), n_paragraphs) >= vectorizer.corpus_stop_min_df
    )


def count_corpus(
    path: str | Path, vectorizer: Vectorizer, *, paragraphs_csv: str | Path | None = None
) -> DocumentTermMatrix:
    """Fit ``vectorizer`` on a corpus read in chunks; the matrix keeps ids, not texts.

    With ``paragraphs_csv`` the kept paragraphs are also written there, chunk by chunk (in the
    format of :func:`themes.files.write_csv`).
    """
    paragraph_ids: list[str] = []
    document_ids: list[str] = []

    def chunks(out):
        for number, table in enumerate(read_paragraph_chunks(path)):
            paragraph_ids.extend(table["paragraph_id"].astype(str))
            document_ids.extend(table["doc_id"].astype(str))
            if out is not None:
                text = csv_text(defuse_formulas(table))
                out.write(text if number == 0 else text.split("\n", 1)[1])
            yield table[["text", "doc_id"]]

    # the paragraph table appears only once every chunk is counted; a failure leaves nothing
    table_file = open_atomic(paragraphs_csv, "w", encoding="utf-8", newline="") if paragraphs_csv else None
    with table_file or nullcontext() as out:
        counts = fit_transform_chunks(vectorizer, chunks(out))
    return DocumentTermMatrix(vectorizer, counts, tuple(paragraph_ids), tuple(document_ids))


def tfidf_in_place(counts: sp.csr_matrix, vectorizer: Vectorizer, *, block: int = 1 << 20) -> sp.csr_matrix:
    """The L2-normalised tf-idf of ``counts`` (:meth:`Vectorizer.tfidf`'s numbers), sharing the
    counts' index arrays: for a streamed corpus, which must not be held twice.

    scikit-learn's transform copies the counts and then builds a temporary of the same length to
    multiply by the idf; here the float data is made once and weighted a block at a time, so the
    caller can drop the counts' own data and hold one matrix (written by hand for that reason only).
    """
    idf = vectorizer.idf_
    counts.sort_indices()  # in place, as scikit-learn's check sorts them: the same sums, the same bits
    data = counts.data.astype(np.float64)
    for start in range(0, len(data), block):
        data[start : start + block] *= idf[counts.indices[start : start + block]]
    weighted = sp.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape, copy=False)
    return normalize(weighted, norm="l2", copy=False)
