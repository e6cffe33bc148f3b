"""``th.compare`` is the study's comparison: on the study's own fits it gives the committed
``alignment.csv`` rows, and ``themes score`` on the study's own paragraphs gives
``paragraph_scores.csv``'s numbers where the README says it does."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT
from sklearn.decomposition import NMF

import themes as th
from themes.cli import main
from themes.comparison.theme_table import ALIGNMENT_COLUMNS, Inference
from themes.study.inputs import read_selection

RESULTS = ROOT / "results"
TEXT = ["matched_topic", "matched_top_words", "verdict", "verdict_interval", "decision_rule"]


def committed_rows(model: str) -> pd.DataFrame:
    table = pd.read_csv(RESULTS / "alignment.csv", keep_default_na=False, na_values=[""])
    return table[table["model"] == model].reset_index(drop=True)


@pytest.mark.slow  # fits five seeds of two models and draws the full bootstrap and null
@pytest.mark.parametrize("name", ["nmf_sklearn", "nmf_seeded"])
def test_compare_on_the_studys_fits_gives_the_committed_alignment_rows(real_study, name):
    study = real_study
    k = study.model_k(name, read_selection(study.project))
    fits = [study.fit_model(name, seed=s, selected={name: k}) for s in study.config.seeds]
    report = th.compare(
        fits,
        study.labels,
        documents=study.kept.set_index("paragraph_id")["doc_id"],
        inference=study.config.inference(),
        coders=study.coders,
        seed_words=study.seed_words,
    )
    got = pd.read_csv(io.StringIO(th.files.csv_text(report.metrics)), keep_default_na=False, na_values=[""])
    want = committed_rows(name)
    assert list(got.columns) == ALIGNMENT_COLUMNS
    pd.testing.assert_frame_equal(got[TEXT].fillna(""), want[TEXT].fillna(""))
    numbers = [c for c in ALIGNMENT_COLUMNS if c not in ("model", "theme", *TEXT)]
    np.testing.assert_allclose(
        got[numbers].to_numpy(float), want[numbers].to_numpy(float), rtol=1e-5, atol=1e-9
    )


def test_compare_can_skip_the_slow_parts_and_then_gives_no_verdict(planted):
    dtm, labels = planted
    model = th.models.fit_matrix(NMF(n_components=3, init="nndsvda", random_state=0), dtm)
    quick = th.compare(model, labels, inference=Inference(n_boot=0, n_perm=0))
    assert quick.metrics[["auc_ci_low", "auc_null_95", "auc_p", "auc_cluster_low"]].isna().all().all()
    assert set(quick.verdicts) == {"not tested"}
    assert quick.metrics["auc_mean"].tolist() == pytest.approx([1.0, 1.0, 1.0])
    full = th.compare(model, labels, inference=Inference(n_boot=200, n_perm=200))
    assert set(full.verdicts) == {"recovered"} and full.metrics["auc_p"].max() < 0.01


@pytest.mark.slow  # runs themes score on every paragraph of the study, once per saved model
def test_score_on_the_studys_paragraphs_gives_paragraph_scores(tmp_path, capsys, real_study):
    kept = real_study.kept
    table = tmp_path / "paragraphs.csv"
    kept.rename(columns={"paragraph_id": "id"})[["id", "text"]].to_csv(table, index=False)
    committed = pd.read_csv(RESULTS / "paragraph_scores.csv")
    themes = real_study.themes
    assert set(SCORE_AGREEMENT) == set(committed["model"]) - {"document", "length"}
    for model, (kind, bound) in SCORE_AGREEMENT.items():
        assert main(["--root", str(ROOT), "score", "--model", model, str(table)]) == 0
        out = pd.read_csv(io.StringIO(capsys.readouterr().out))
        want = (
            committed[committed["model"] == model].set_index("paragraph_id").loc[kept["paragraph_id"], themes]
        )
        got, want = out[themes].to_numpy(), want.to_numpy()
        assert got.shape == want.shape
        if kind == "same":
            np.testing.assert_allclose(got, want, rtol=0, atol=bound, err_msg=model)
        elif kind == "rank":  # the same paragraphs rank alike, theme by theme
            for j, theme in enumerate(themes):
                rho = pd.Series(got[:, j]).corr(pd.Series(want[:, j]), method="spearman")
                assert rho >= bound, (model, theme, rho)
        else:  # a different number by design: held out by document in the table, not for new text
            assert np.abs(got - want).max() > bound, model


SCORE_AGREEMENT = {
    # paragraph_scores.csv holds 6 significant digits
    "keywords": ("same", 1e-6),
    "keywords_vocab": ("same", 1e-6),
    "keyatm": ("same", 1e-6),
    "lda_naive": ("same", 1e-6),
    "lda_sklearn": ("same", 1e-6),
    "lda_gensim": ("same", 1e-6),
    "lda_seeded": ("same", 1e-6),
    # NMF solves a new paragraph's weights afresh for the fitted topics
    "nmf_sklearn": ("same", 1e-3),
    "nmf_minibatch": ("rank", 0.98),
    "nmf_seeded": ("rank", 0.85),
    # the table's classifier for a paragraph never saw its document; the saved one saw every paragraph
    "supervised": ("differs", 0.1),
}
"""Per saved model, how ``themes score`` on the study's paragraphs agrees with ``paragraph_scores.csv``
(the README's output contract says the same)."""
