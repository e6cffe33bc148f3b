"""keyATM's compiled collapsed Gibbs sampler: one sweep over the tokens, and inference on new text.

Written here because no Python library offers keyATM (the reference implementation is an R
package); compiled with numba. :class:`themes.models.keyatm.KeyATM` drives it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numba import njit


# numba keeps the compiled samplers in __pycache__ (or its user cache when the package folder is
# read-only) and recompiles when this file changes: each new process (a fit worker, a notebook
# kernel) then loads them instead of spending 2 s compiling; the machine code is the same.
# numba keeps the compiled samplers in __pycache__ (or its user cache when the package folder is
# read-only) and recompiles when this file changes: each new process (a fit worker, a notebook
# kernel) then loads them instead of spending 2 s compiling; the machine code is the same.
@njit(cache=True)
def sweep(words, docs, weights, z, s, ndk, n0, n1, kw_topic, kw_size, alpha, priors, seed):
    """One collapsed Gibbs sweep drawing each token's topic and switch jointly (in place).

    ``n0``/``n1`` are the general and keyword topic-word counts; the last column of each
    holds the topic's total. ``priors`` is (beta, beta_keyword, gamma1, gamma2).
    """
    # numba's np.random is its own per-thread generator, not NumPy's global one; seeding
    # it on entry makes every call reproducible whatever ran before
    np.random.seed(seed)  # noqa: NPY002
    n_topics = ndk.shape[1]
    n_terms = n0.shape[1] - 1
    beta, beta_kw, g1, g2 = priors[0], priors[1], priors[2], priors[3]
    n_kw_topics = kw_size.shape[0]
    cum = np.empty(2 * n_topics)
    for i in range(words.shape[0]):
        w, d, m, k = words[i], docs[i], weights[i], z[i]
        ndk[d, k] -= m
        if s[i] == 1:
            n1[k, w] -= m
            n1[k, n_terms] -= m
        else:
            n0[k, w] -= m
            n0[k, n_terms] -= m
        total = 0.0
        for t in range(n_topics):
            doc_part = ndk[d, t] + alpha[t]
            in_topic = 1.0
            q = doc_part * (n0[t, w] + beta) / (n0[t, n_terms] + n_terms * beta)
            if t < n_kw_topics:  # a keyword topic: the general draw also pays for s = 0
                in_topic = n0[t, n_terms] + n1[t, n_terms] + g1 + g2
                q *= (n0[t, n_terms] + g2) / in_topic
            total += q
            cum[2 * t] = total
            if kw_topic[w] == t:  # only a topic's own keywords can be drawn with s = 1
                q = doc_part * (n1[t, w] + beta_kw) / (n1[t, n_terms] + kw_size[t] * beta_kw)
                total += q * (n1[t, n_terms] + g1) / in_topic
            cum[2 * t + 1] = total
        u = np.random.random() * total  # noqa: NPY002
        j = 0
        while j < 2 * n_topics - 1 and cum[j] <= u:
            j += 1
        k, sw = j // 2, j % 2
        z[i], s[i] = k, sw
        ndk[d, k] += m
        if sw == 1:
            n1[k, w] += m
            n1[k, n_terms] += m
        else:
            n0[k, w] += m
            n0[k, n_terms] += m


@njit(cache=True)
def infer(words, doc_ptr, weights, phi, alpha, n_sweeps, seed):
    """Each document's topic counts, averaged over the second half of ``n_sweeps`` Gibbs
    sweeps with the topic-word matrix ``phi`` held fixed.

    Each document restarts the generator from ``seed``, so its result depends on its own
    words only (not on which other documents are in the batch, or in which order).
    """
    n_docs, n_topics = doc_ptr.shape[0] - 1, phi.shape[0]
    mean_counts = np.zeros((n_docs, n_topics))
    cum = np.empty(n_topics)
    counts = np.empty(n_topics)
    z = np.empty(words.shape[0], dtype=np.int64)
    for d in range(n_docs):
        np.random.seed(seed)  # noqa: NPY002
        counts[:] = 0.0
        for i in range(doc_ptr[d], doc_ptr[d + 1]):
            z[i] = np.random.randint(n_topics)  # noqa: NPY002
            counts[z[i]] += weights[i]
        for sweep in range(n_sweeps):
            for i in range(doc_ptr[d], doc_ptr[d + 1]):
                counts[z[i]] -= weights[i]
                total = 0.0
                for t in range(n_topics):
                    total += (counts[t] + alpha[t]) * phi[t, words[i]]
                    cum[t] = total
                u = np.random.random() * total  # noqa: NPY002
                k = 0
                while k < n_topics - 1 and cum[k] <= u:
                    k += 1
                z[i] = k
                counts[k] += weights[i]
            if sweep >= n_sweeps // 2:
                for t in range(n_topics):
                    mean_counts[d, t] += counts[t] / (n_sweeps - n_sweeps // 2)
    return mean_counts


def whole_counts(X) -> sp.csr_matrix:
    """Counts rounded to whole tokens: the sampler draws one topic per token."""
    X = sp.csr_matrix(X, dtype=np.float64, copy=True)
    X.data = np.rint(X.data)
    X.eliminate_zeros()
    return X


def tokens(counts: sp.csr_matrix):
    """Word and document of every token (a count of 3 is three tokens), and document starts."""
    n = counts.data.astype(np.int64)
    words = np.repeat(counts.indices.astype(np.int64), n)
    rows = np.repeat(np.arange(counts.shape[0], dtype=np.int64), np.diff(counts.indptr))
    per_doc = np.bincount(rows, weights=n, minlength=counts.shape[0]).astype(np.int64)
    docs = np.repeat(rows, n)
    return words, docs, np.concatenate([[0], np.cumsum(per_doc)]).astype(np.int64)
