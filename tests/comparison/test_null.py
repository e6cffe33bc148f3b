"""The permutation null respects the documents: a constant per document is never recovered, labels
given per document are tested document by document, and too few draws are refused before the work."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from themes.comparison import null
from themes.comparison.scorers import ConfoundScorer, ModelRuns
from themes.comparison.theme_table import Inference, near_the_line, theme_table
from themes.errors import ThemesError


def clustered(n_docs=4, per_doc=15, seed=0):
    """A theme concentrated by document (80% of document 0's paragraphs, 10% of the others'),
    unrelated to anything within documents."""
    rng = np.random.default_rng(seed)
    docs = np.repeat([f"d{i}" for i in range(n_docs)], per_doc)
    prevalence = np.where(docs == "d0", 0.8, 0.1)
    labels = pd.DataFrame({"theme": (rng.random(len(docs)) < prevalence).astype(int)})
    return labels, pd.Series(docs, index=labels.index)


def indicator_runs(documents: pd.Series, labels: pd.DataFrame) -> ModelRuns:
    """The document baseline: one 0/1 column per document, the theme matched to its document."""
    candidates = pd.get_dummies(documents).astype(float)
    best = documents[labels.iloc[:, 0].to_numpy() == 1].mode()[0]  # the document most of it sits in
    scores = pd.DataFrame({labels.columns[0]: candidates[best]})
    matching = {labels.columns[0]: best}
    return ModelRuns("document", (ConfoundScorer("document", candidates, matching, scores, 0.5, True),))


def test_a_constant_per_document_is_recovered_by_the_old_null_but_not_within_documents():
    labels, documents = clustered()
    runs = indicator_runs(documents, labels)
    old = theme_table(
        runs, labels, documents, inference=Inference(n_boot=0, n_perm=400, null_within="corpus")
    )
    new = theme_table(runs, labels, documents, inference=Inference(n_boot=0, n_perm=400))
    assert old.table.at[0, "auc_mean"] > 0.8 and old.table.at[0, "verdict"] == "recovered"
    assert new.table.at[0, "null"] == "within documents"
    assert new.table.at[0, "auc_p"] == 1.0 and new.table.at[0, "verdict"] == "not recovered"


def test_within_document_draws_keep_every_documents_labels():
    labels, documents = clustered(seed=1)
    design = null.null_design(labels.to_numpy(), documents.to_numpy())
    for order in null.label_permutations(design, 20, np.random.default_rng(0), len(labels)):
        assert (documents.to_numpy()[order] == documents.to_numpy()).all()
        permuted = labels["theme"].to_numpy()[order]
        assert (
            pd.Series(permuted)
            .groupby(documents.to_numpy())
            .sum()
            .equals(labels["theme"].groupby(documents.to_numpy()).sum())
        )


def test_labels_given_per_document_are_permuted_as_whole_documents_every_order_once(planted_by_document):
    dtm, labels = planted_by_document
    design = null.null_design(labels.to_numpy(), np.asarray(dtm.document_ids))
    assert design.scheme == "documents"
    orders = list(null.label_permutations(design, 2000, np.random.default_rng(0), len(labels)))
    assert len(orders) == 6  # three documents: 3! orders, each once
    documents = pd.Series(dtm.document_ids, index=list(dtm.paragraph_ids))
    sea = labels[["sea"]].rename(columns={"sea": "theme"})
    # a fixed score (the sea document's indicator, not matched on the labels): the exact p-value is
    # the share of the six orders that put the sea's label on the sea's document, two in six
    fixed = pd.DataFrame({"theme": (documents == "sea").astype(float)})
    runs = ModelRuns("m", (ConfoundScorer("m", fixed, {"theme": "theme"}, fixed, 0.5, False),))
    row = theme_table(runs, sea, documents, inference=Inference(n_boot=0)).table.iloc[0]
    assert row["null"] == "documents" and row["auc_mean"] == 1.0
    assert row["auc_p"] == pytest.approx(2 / 6) and row["auc_p_holm_min"] == pytest.approx(1 / 6)
    assert row["verdict"] == "cannot tell with 3 documents"
    # the document baseline, matched on the labels, finds the labelled document in every order: p = 1
    matched = theme_table(indicator_runs(documents, sea), sea, documents, inference=Inference(n_boot=0)).table
    assert matched.at[0, "auc_p"] == 1.0


def test_with_enough_documents_labels_given_per_document_can_be_tested():
    rng = np.random.default_rng(0)
    docs = np.repeat([f"d{i:02d}" for i in range(12)], 5)
    doc_label = dict(zip(np.unique(docs), rng.integers(0, 2, 12), strict=True))
    labels = pd.DataFrame({"theme": [int(doc_label[d]) for d in docs]})
    documents = pd.Series(docs)
    score = pd.DataFrame({"t": labels["theme"] + rng.normal(0, 0.1, len(docs))})
    runs = ModelRuns(
        "m", (ConfoundScorer("m", score, {"theme": "t"}, score.set_axis(["theme"], axis=1), 0.5, True),)
    )
    row = theme_table(runs, labels, documents, inference=Inference(n_boot=0, n_perm=2000)).table.iloc[0]
    assert row["null"] == "documents" and row["verdict"] == "recovered" and row["auc_p"] < 0.01


def test_too_few_draws_for_the_correction_are_refused_before_the_work():
    with pytest.raises(ThemesError, match=r"50 permutations cannot give 5 themes .* 0\.098"):
        Inference(n_perm=50).check_reach(5)
    Inference(n_perm=2000).check_reach(5)  # 5 / 2001 = 0.0025
    Inference(n_perm=0).check_reach(5)  # no null: no verdict, nothing to refuse
    with pytest.raises(ThemesError, match="null_within"):
        Inference(null_within="sentence")


def test_the_p_value_carries_its_monte_carlo_error_and_is_sharpened_near_the_line():
    test = pd.DataFrame({"auc_p": [0.024, 0.4], "auc_p_mc_se": [0.002, 0.01]})
    assert near_the_line(test, 0.05)  # Holm's first step: 2 x 0.024 = 0.048, within 3 x 2 x 0.002 of 0.05
    far = pd.DataFrame({"auc_p": [0.0005, 0.4], "auc_p_mc_se": [0.0005, 0.01]})
    assert not near_the_line(far, 0.05)
    labels, documents = clustered(seed=2)
    runs = indicator_runs(documents, labels)
    row = theme_table(runs, labels, documents, inference=Inference(n_boot=0, n_perm=500)).table.iloc[0]
    assert row["auc_p_mc_se"] == 0.0 or row["auc_p_mc_se"] < 0.03
    assert row["null_draws"] in (500, 5000)
