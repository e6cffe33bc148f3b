"""Held-out documents: matching made without the document scored (planted answers)."""

import numpy as np
import pandas as pd
import pytest

from themes.comparison import held_out


def _design(seed=0, n_docs=4, per_doc=20):
    rng = np.random.default_rng(seed)
    docs = np.repeat([f"d{i}" for i in range(n_docs)], per_doc)
    n = len(docs)
    labels = pd.DataFrame({"a": rng.integers(0, 2, n), "b": (docs == "d0").astype(int)})
    return (
        rng,
        pd.Series(docs, index=[f"p{i}" for i in range(n)]),
        labels.set_axis([f"p{i}" for i in range(n)]),
    )


def test_a_topic_that_carries_the_theme_in_every_document_keeps_its_auc_held_out():
    rng, docs, labels = _design()
    n = len(labels)
    topics = pd.DataFrame(
        {"t0": labels["a"] + rng.normal(0, 0.05, n), "t1": rng.random(n), "t2": rng.random(n)},
        index=labels.index,
    )
    got = held_out.leave_one_document_out_auc([topics], labels[["a"]], docs).set_index("theme")
    assert got.at["a", "auc_lodo"] == pytest.approx(1.0)


def test_a_document_indicator_matched_on_the_labels_does_not_survive_held_out():
    _, docs, labels = _design()
    # theme "b" is exactly document d0: in sample its indicator scores AUC 1.0
    indicators = pd.get_dummies(docs).astype(float)
    got = held_out.leave_one_document_out_auc([indicators], labels[["b"]], docs).set_index("theme")
    # "b" is exactly d0: no document holds both classes, so no within-document pair exists
    assert np.isnan(got.at["b", "auc_lodo"])


def test_fixed_columns_score_the_same_in_and_out_of_a_document():
    rng, docs, labels = _design(seed=1)
    scores = pd.DataFrame({"a": labels["a"] + rng.normal(0, 1, len(labels)), "b": rng.random(len(labels))})
    got = held_out.leave_one_document_out_auc([scores], labels, docs, match=False).set_index("theme")
    y = labels.to_numpy().astype(float)
    within = held_out.within_document_auc(scores[["a", "b"]].to_numpy(), y, docs.to_numpy())
    assert got.at["a", "auc_lodo"] == within[0]  # nothing chosen on the labels: held out = in sample
    assert np.isnan(
        got.at["b", "auc_lodo"]
    )  # "b" is all of d0 and none of the rest: no pair within a document


def test_within_document_auc_ignores_what_only_tells_documents_apart():
    rng, docs, labels = _design(seed=2)
    d = docs.to_numpy()
    y = labels[["a"]].to_numpy().astype(float)
    by_document = (d == "d0").astype(float)[:, None]  # constant within each document
    assert held_out.within_document_auc(by_document, y, d)[0] == 0.5
    # within documents a perfect score stays perfect, even with a different offset per document
    offset = np.array([{"d0": 10.0, "d1": -3.0}.get(x, 0.0) for x in d])
    perfect = (y[:, 0] + offset)[:, None]
    assert held_out.within_document_auc(perfect, y, d)[0] == 1.0
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(y[:, 0], perfect[:, 0]) < 1.0  # pooled over documents it is not


@pytest.mark.parametrize("tied", [False, True])
def test_the_auc_without_each_document_is_the_auc_of_the_other_documents_rows(tied):
    # the one-pass formula against ranking the other documents' rows afresh (scikit-learn's AUC)
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(5)
    n, docs = 240, rng.integers(0, 9, 240)
    values = rng.integers(0, 4, (n, 3)) / 3 if tied else rng.random((n, 3))
    y = rng.random((n, 2)) < [0.3, 0.1]
    y[docs == 0, 1] = True  # a document of positives only
    auc, learnable = held_out._auc_without_each_document(values, y, docs)
    for d in range(9):
        rest = docs != d
        for t in range(2):
            assert learnable[d, t] == (0 < y[rest, t].sum() < rest.sum())
            for c in range(3):
                assert auc[d, c, t] == pytest.approx(roc_auc_score(y[rest, t], values[rest, c]), abs=1e-12)


def test_within_document_auc_counts_each_documents_pairs_with_ties_one_half():
    d = np.array(["x"] * 4 + ["y"] * 3)
    y = np.array([[1], [0], [1], [0], [1], [0], [0]], dtype=float)
    scores = np.array([[0.9], [0.1], [0.5], [0.5], [0.2], [0.2], [0.3]])
    # x: pairs (0.9>0.1, 0.9>0.5, 0.5>0.1, 0.5=0.5): 3.5 of 4; y: (0.2=0.2, 0.2<0.3): 0.5 of 2
    assert held_out.within_document_auc(scores, y, d)[0] == pytest.approx(4.0 / 6)
