"""Near-duplicate texts: word shingles, MinHash-LSH candidates, and the exact containment rule.

Scales to hundreds of thousands of texts: LSH proposes candidate documents, the exact rule decides.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from array import array
from dataclasses import dataclass

import numpy as np
import pandas as pd
from datasketch import MinHash

_TOKEN = re.compile(r"[^\W_]+")
_APOSTROPHES = str.maketrans("", "", "'\u2018\u2019")


def _words(text: str) -> list[str]:
    """Words as compared: NFKC-normalised, lower-cased, apostrophes dropped ("don't" is "dont")."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower())


def word_digest(text: str) -> int:
    """A 64-bit BLAKE2b digest of a text's words as compared (:func:`_words`): equal for texts that
    differ only in case, punctuation, spacing or apostrophes. Kept instead of the texts where many
    must be remembered; two of a million texts collide with a chance of about 3e-8."""
    joined = "\x1f".join(_words(text)).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(joined, digest_size=8).digest(), "little")


def shingles(text: str, size: int) -> set[str]:
    """The word ``size``-grams of a text (as scikit-learn's CountVectorizer forms them from its words)."""
    words = _words(text)
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def find_duplicates(
    table: pd.DataFrame, doc_order: list[str], *, shingle_size: int, containment: float, min_shingles: int
) -> dict[str, tuple[str, float]]:
    """Map each near-duplicate paragraph of a table to the earlier paragraph it repeats.

    ``table`` has ``paragraph_id``, ``doc_id``, ``start`` and ``text``. Paragraphs are taken
    document by document in ``doc_order`` (most likely original first), in order of ``start``
    within a document, and compared as in :func:`find_near_duplicates`. Chains are resolved
    to the first copy: ``id -> (original id, share)``.
    """
    order = {d: i for i, d in enumerate(doc_order)}
    rows = table.assign(_o=table["doc_id"].map(order)).sort_values(["_o", "start"], kind="stable")
    ids = rows["paragraph_id"].tolist()
    found = find_near_duplicates(
        rows["text"].tolist(),
        rows["doc_id"].tolist(),
        shingle_size=shingle_size,
        containment=containment,
        min_shingles=min_shingles,
    )
    result: dict[str, tuple[str, float]] = {}
    for i in sorted(found):
        j, share = found[i]
        original = ids[j]
        while original in result:
            original = result[original][0]
        result[ids[i]] = (original, share)
    return result


@dataclass(frozen=True)
class ShingleSets:
    """The shingles of many texts as integer ids, one sorted run per text (CSR layout).

    Attributes
    ----------
    indptr : ndarray of shape (n_texts + 1,)
        Text ``i`` owns ``ids[indptr[i]:indptr[i + 1]]``.
    ids : ndarray of shape (n_pairs,)
        Shingle ids, sorted and unique within each text. Two texts share an id exactly
        when they share that word n-gram (ids are assigned by exact factorisation, not
        by hashing, so there are no collisions).
    """

    indptr: np.ndarray
    ids: np.ndarray

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.indptr)

    def row(self, i: int) -> np.ndarray:
        return self.ids[self.indptr[i] : self.indptr[i + 1]]

    def rows(self, texts: np.ndarray) -> np.ndarray:
        """The shingle ids of the given texts, one run after the other."""
        sizes = self.sizes[texts]
        ends = np.cumsum(sizes)
        return self.ids[
            np.repeat(self.indptr[texts] - (ends - sizes), sizes) + np.arange(ends[-1] if len(ends) else 0)
        ]


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (by sorting: numpy 2's hash-based ``np.unique`` is far slower here)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def shingle_sets(texts: list[str], *, size: int) -> ShingleSets:
    """Exact word ``size``-gram sets of many texts, vectorised over the whole corpus."""
    # Words are numbered in order of first appearance (as pandas.factorize would) one text at a
    # time: the corpus's words are never all held as Python strings (the stage's memory peak).
    vocabulary: dict[str, int] = {}
    numbered = array("q")
    lengths = np.empty(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        words = _words(text)
        lengths[i] = len(words)
        numbered.extend([vocabulary.setdefault(w, len(vocabulary)) for w in words])
    word = np.frombuffer(numbered, dtype=np.int64) if len(numbered) else np.zeros(0, dtype=np.int64)
    n_words = max(len(vocabulary), 1)
    del vocabulary
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    owner = np.repeat(np.arange(len(texts)), lengths)
    position = np.arange(len(word)) - starts
    valid = position + size <= np.repeat(lengths, lengths)
    # An n-gram's code is built one word at a time (code * n_words + next word), exact; it is
    # re-factorised to small integers first whenever the next step could overflow int64.
    code = word[: len(word) - size + 1] if size > 1 else word
    for k in range(1, size):
        if (int(code.max(initial=0)) + 1) * n_words >= 2**62:
            code = pd.factorize(code, sort=False)[0].astype(np.int64)
        code = code * n_words + word[k : len(word) - size + 1 + k]
    keep = valid[: len(code)]
    code, owner = pd.factorize(code[keep], sort=False)[0].astype(np.int64), owner[: len(keep)][keep]
    n_codes = int(code.max()) + 1 if len(code) else 1
    pairs = _unique(owner * n_codes + code)
    rows, ids = pairs // n_codes, pairs % n_codes
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(texts)), out=indptr[1:])
    return ShingleSets(indptr, ids)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before permuting."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def minhash_signatures(sets: ShingleSets, rows: np.ndarray, *, num_perm: int, seed: int) -> np.ndarray:
    """MinHash signatures of the given (non-empty) rows, shape (len(rows), num_perm), uint32.

    Row ``k`` equals ``datasketch.MinHash(num_perm, seed=seed, hashfunc=int)`` updated with
    the row's shingle ids (datasketch's default ``affine32`` scheme and its permutations).
    datasketch builds one MinHash at a time in Python (about 0.14 ms per paragraph); the
    same arithmetic on whole chunks of the corpus is some 20 times faster.
    """
    a, b = MinHash(num_perm=num_perm, seed=seed).permutations.astype(np.uint32)
    out = np.empty((len(rows), num_perm), dtype=np.uint32)
    sizes = sets.sizes[rows]
    chunk_rows = max(1, 40_000 // max(int(sizes.mean()) if len(sizes) else 1, 1))  # 20 MB at a time
    for lo in range(0, len(rows), chunk_rows):
        part = rows[lo : lo + chunk_rows]
        values = sets.rows(part).astype(np.uint32)
        permuted = np.multiply.outer(a, _fmix32(values))  # (num_perm, n): rows contiguous, fast to reduce
        permuted += b[:, None]
        offsets = np.concatenate([[0], np.cumsum(sizes[lo : lo + chunk_rows])[:-1]])
        out[lo : lo + len(part)] = np.minimum.reduceat(permuted, offsets, axis=1).T
    return out


def lsh_candidate_pairs(
    signatures: np.ndarray, *, bands: int, rows_per_band: int, max_bucket: int = 32
) -> np.ndarray:
    """Pairs ``(i, j)``, ``j < i``, of signature rows that agree on all values of some band.

    Within one band bucket, each row is paired with the first ``max_bucket`` rows of the
    bucket before it: a text repeated verbatim thousands of times (boilerplate) then costs
    linear, not quadratic, time, and its earliest copies, which win ties, are always among
    the candidates. datasketch's ``MinHashLSH`` inserts and queries one set at a time in
    Python (about 0.45 ms per paragraph at 64 bands, 45 s for 100,000 paragraphs), so the
    banding is done here with a sort per band.
    """
    found = []
    for band in range(bands):
        columns = signatures[:, band * rows_per_band : (band + 1) * rows_per_band].astype(np.uint64)
        key = columns[:, 0]
        for c in range(1, columns.shape[1]):
            # Collisions of this combination only add candidates; the exact rule removes them.
            key = (key << np.uint64(32)) ^ columns[:, c] ^ (key >> np.uint64(32))
        order = np.argsort(key, kind="stable")  # equal keys keep ascending row order
        sorted_key = key[order]
        start = np.r_[0, np.flatnonzero(sorted_key[1:] != sorted_key[:-1]) + 1]
        size = np.diff(np.r_[start, len(key)])
        rank = np.arange(len(key)) - np.repeat(start, size)  # position within the bucket
        n_pairs = np.minimum(rank, max_bucket)
        if not n_pairs.any():
            continue
        later = np.repeat(order, n_pairs)
        first = np.repeat(np.repeat(start, size), n_pairs)
        offset = np.arange(n_pairs.sum()) - np.repeat(np.cumsum(n_pairs) - n_pairs, n_pairs)
        found.append(later.astype(np.int64) * len(key) + order[first + offset])
    code = _unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
    return np.column_stack([code // len(signatures), code % len(signatures)])


def find_near_duplicates(
    texts: list[str],
    groups: list[str],
    *,
    shingle_size: int,
    containment: float,
    min_shingles: int,
    num_perm: int = 128,
    bands: int = 64,
    seed: int = 1,
) -> dict[int, tuple[int, float]]:
    """Map each text that repeats an earlier group (document) to the earlier text it repeats.

    Texts are in order of originality: text ``i`` is compared only with texts ``j < i``.
    Text ``i`` (with at least ``min_shingles`` shingles) repeats group ``g`` when at least
    ``containment`` of its shingles occur in the union of the earlier texts of ``g`` (texts
    with fewer than ``min_shingles`` shingles take no part); among such groups the one
    holding the largest share wins, the first in order on ties. The text it points to is the
    member of that group sharing most shingles with it (the earliest on ties). This is the
    rule of the exact all-pairs comparison; only the set of groups checked differs.

    Which groups are checked: always text ``i``'s own group, and every earlier group holding
    a text that MinHash-LSH puts in a bucket with ``i``. Containment is asymmetric while
    MinHash estimates Jaccard similarity ``J``; a text whose share ``c`` lies in an earlier
    text ``rho`` times its size has ``J = c / (1 + rho - c)``. With ``bands`` bands of
    ``num_perm / bands`` rows (64 of 2 by default) the chance that a pair shares a bucket is
    ``1 - (1 - J**2)**64``: at ``c = 0.5`` that is 0.9995 for texts of equal size (J = 1/3),
    0.98 when the earlier text is 1.5 times longer (J = 0.25) and 0.93 when it is twice as
    long (J = 0.2); a copy of half a paragraph (c = 1, J = 0.5) is found with certainty for
    practical purposes, and a paragraph merged from several earlier ones needs only one of
    them to be found, because the whole group is then checked exactly. Unrelated
    paragraphs (J below 0.02) pair with chance under 0.03, which keeps the exact check cheap.
    A MinHash LSH Ensemble (datasketch's containment index) would avoid the size bias but
    queries one text at a time, which is too slow at this scale. The one other departure
    from all pairs: a text sharing a bucket with more than 32 earlier texts is paired with
    the first 32 only (see :func:`lsh_candidate_pairs`).

    Parameters
    ----------
    texts, groups : list of str
        The texts in order of originality and the group (document) of each.
    shingle_size : int
        Words per shingle.
    containment : float
        Share of a text's shingles that must occur in one earlier group.
    min_shingles : int
        Texts with fewer shingles are neither duplicates nor originals.
    num_perm, bands : int, default 128 and 64
        MinHash permutations, and LSH bands of ``num_perm // bands`` rows each.
    seed : int, default 1
        Seed of datasketch's permutations: the result is the same on every run.

    Returns
    -------
    dict of int to (int, float)
        ``i -> (j, share)`` for every near-duplicate ``i`` (positions in ``texts``); chains
        are not resolved.
    """
    sets = shingle_sets(texts, size=shingle_size)
    eligible = np.flatnonzero(sets.sizes >= min_shingles)
    if len(eligible) == 0:
        return {}
    group_codes, _ = pd.factorize(pd.Series(groups, dtype=object), sort=False)
    group = group_codes.astype(np.int64)  # groups come in order of first appearance
    signatures = minhash_signatures(sets, eligible, num_perm=num_perm, seed=seed)
    pairs = lsh_candidate_pairs(signatures, bands=bands, rows_per_band=num_perm // bands)
    later, earlier = eligible[pairs[:, 0]], eligible[pairs[:, 1]]
    other = group[later] != group[earlier]  # a text's own group is always checked, below
    n_groups = int(group.max()) + 1
    code = _unique(later[other] * n_groups + group[earlier[other]])
    cross = np.column_stack([code // n_groups, code % n_groups])

    # Shingle occurrences of eligible texts, sorted by (group, shingle, text): the first
    # occurrence of a shingle in a group tells whether it is among the group's texts before i.
    n_ids = int(sets.ids.max()) + 1
    occ_text = np.repeat(eligible, sets.sizes[eligible])
    occ_key = group[occ_text] * n_ids + sets.rows(eligible)
    order = np.lexsort((occ_text, occ_key))
    occ_key, occ_text = occ_key[order], occ_text[order]
    # Own group, for all texts at once: a shingle counts when its run starts at an earlier text.
    run = np.r_[0, np.flatnonzero(occ_key[1:] != occ_key[:-1]) + 1]
    first = np.repeat(occ_text[run], np.diff(np.r_[run, len(occ_key)]))
    own = (
        np.bincount(occ_text, weights=first < occ_text, minlength=len(texts))[eligible] / sets.sizes[eligible]
    )
    shares = np.r_[own, _union_shares(cross, sets, occ_key, occ_text, n_ids)]
    checks = np.r_[np.column_stack([eligible, group[eligible]]), cross]
    # By text, then by group in order of appearance, so that the first group wins ties.
    by_text = np.lexsort((checks[:, 1], checks[:, 0]))
    checks, shares = checks[by_text], shares[by_text]
    hit = shares >= containment
    best: dict[int, tuple[int, float]] = {}
    for (i, g), share in zip(checks[hit].tolist(), shares[hit].tolist(), strict=True):
        if i not in best or share > best[i][1]:  # checks are sorted by group: first wins ties
            best[i] = (g, share)
    result = {}
    for i, (g, share) in best.items():
        mine = sets.row(i)
        lo = np.searchsorted(occ_key, g * n_ids + mine, side="left")
        hi = np.searchsorted(occ_key, g * n_ids + mine, side="right")
        members = np.concatenate([occ_text[a:b] for a, b in zip(lo, hi, strict=True)])
        overlap = np.bincount(members[members < i])
        result[i] = (int(np.argmax(overlap)), share)  # argmax takes the earliest on ties
    return result


def _union_shares(checks, sets, occ_key, occ_text, n_ids, chunk: int = 1_000_000) -> np.ndarray:
    """For each check (i, g): share of text i's shingles found in group g's texts before i."""
    shares = np.zeros(len(checks))
    step = max(1, chunk // max(int(sets.sizes.mean()), 1))
    for lo in range(0, len(checks), step):
        texts, groups = checks[lo : lo + step, 0], checks[lo : lo + step, 1]
        n = sets.sizes[texts]
        ids = sets.rows(texts)
        key = np.repeat(groups, n) * n_ids + ids
        pos = np.searchsorted(occ_key, key).clip(max=len(occ_key) - 1)
        first_before = (occ_key[pos] == key) & (occ_text[pos] < np.repeat(texts, n))
        found = np.bincount(np.repeat(np.arange(len(texts)), n), weights=first_before, minlength=len(texts))
        shares[lo : lo + step] = found / n
    return shares
