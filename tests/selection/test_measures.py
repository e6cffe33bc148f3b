"""Model selection: coherence, diversity, stability, the K rule, the grid."""

import numpy as np
import pandas as pd
import pytest
from helpers import MODELS_CSV_COLUMNS
from sklearn.decomposition import NMF

import themes as th
from themes.errors import ModelError
from themes.models.fitting import fit_matrix
from themes.models.gensim_lda import GensimLDA
from themes.models.seeded_nmf import SeededNMF
from themes.selection import measures as selection
from themes.selection.sweep import fit_models, grid_task
from themes.study.design import get_spec


def nmf(dtm, k, seed):
    return fit_matrix(NMF(n_components=k, init="nndsvda", random_state=seed), dtm)


def nmf_tasks():
    """The default design's NMF with K of 2 and 3 and seeds 0 and 1."""
    prototype = get_spec("nmf_sklearn").prototype()
    return [grid_task("nmf_sklearn", prototype, k=k, seed=s) for k in (2, 3) for s in (0, 1)]


def test_diversity_counts_distinct_top_words():
    assert selection.diversity([[1, 2, 3], [4, 5, 6]]) == 1.0
    assert selection.diversity([[1, 2, 3], [1, 2, 3]]) == 0.5


def test_matching_pairs_identical_topics_whatever_their_order():
    a = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    b = [[7, 8, 9], [1, 2, 3], [4, 5, 6]]
    (rows, cols), _ = selection.match_runs(a, b)
    assert dict(zip(rows.tolist(), cols.tolist(), strict=True)) == {0: 1, 1: 2, 2: 0}
    assert selection.matched_similarity(a, b) == 1.0
    assert selection.matched_similarity(a, [[10, 11, 12], [13, 14, 15], [16, 17, 18]]) == 0.0


def test_stability_is_one_for_planted_groups(planted):
    dtm, _ = planted
    # all eight words of a group are equally likely, so compare the whole group
    runs = [nmf(dtm, 3, s).top_term_indices(8) for s in range(3)]
    assert np.allclose(selection.stability(runs), 1.0)
    assert np.isnan(selection.stability(runs[:1])).all()


def test_coherence_prefers_the_planted_topics_to_mixed_ones(planted):
    dtm, _ = planted
    model = nmf(dtm, 3, 0)
    good = model.top_word_lists(6, readable=False)
    texts = selection.coherence_texts(dtm)
    mixed = [[good[0][i], good[1][i], good[2][i]] * 2 for i in range(3)]
    for measure in ("c_npmi", "c_v"):
        assert (
            selection.coherence(good, texts, measure=measure).mean()
            > selection.coherence([list(dict.fromkeys(m)) for m in mixed], texts, measure=measure).mean()
        )


def test_score_fits_gives_one_row_per_fit_with_every_measure(planted):
    dtm, _ = planted
    fits = fit_models(nmf_tasks(), {"study": dtm})
    table = selection.score_fits(fits, dtm)
    assert list(table.columns) == MODELS_CSV_COLUMNS
    assert len(table) == 4 and table.notna().all().all()
    assert table[["K", "seed"]].to_numpy().tolist() == [[2, 0], [2, 1], [3, 0], [3, 1]]


@pytest.mark.slow  # starts joblib's worker processes
def test_joblib_workers_change_nothing(planted):
    dtm, _ = planted
    tasks = nmf_tasks()
    table = selection.score_fits(fit_models(tasks, {"study": dtm}), dtm)
    again = selection.score_fits(fit_models(tasks, {"study": dtm}, n_jobs=2), dtm)
    pd.testing.assert_frame_equal(table, again)


def summary_of(means: dict[int, float], se: float) -> pd.DataFrame:
    return pd.DataFrame(
        {"model": "m", "K": list(means), "coherence_npmi_mean": list(means.values()), "coherence_npmi_se": se}
    )


@pytest.mark.parametrize(
    ("means", "se", "chosen"),
    [
        ({3: 0.10, 4: 0.20, 5: 0.30}, 0.01, 5),  # the best is clearly best
        ({3: 0.10, 4: 0.29, 5: 0.30}, 0.02, 4),  # 4 is within one SE of the best: the smaller K wins
        ({3: 0.29, 4: 0.10, 5: 0.30}, 0.02, 3),
    ],
)
def test_select_k_takes_the_smallest_k_within_one_standard_error(means, se, chosen):
    result = selection.select_k(summary_of(means, se))
    assert int(result["K"].iloc[0]) == chosen and int(result["K_best_npmi"].iloc[0]) == 5


def test_topic_correspondence_matches_two_models(planted):
    dtm, _ = planted
    a = fit_matrix(GensimLDA(n_components=3, random_state=0), dtm, name="lda")
    b = nmf(dtm, 3, 0)
    table = selection.topic_correspondence(a, b, n=8)
    assert len(table) == 3 and (table["jaccard"] == 1.0).all()


@pytest.mark.slow  # over half a second
def test_run_sweep_fits_the_grid_and_chooses_k_per_model(planted):
    dtm, _ = planted
    estimators = {name: get_spec(name).prototype() for name in ("nmf_sklearn", "lda_sklearn")}
    sweep = th.run_sweep(dtm, estimators, k_range=(2, 3, 4), seeds=(0, 1))
    assert len(sweep.fits) == 2 * 3 * 2 and len(sweep.scores) == 12
    assert set(sweep.selected) == {"nmf_sklearn", "lda_sklearn"}
    assert all(k in (2, 3, 4) for k in sweep.selected.values())
    assert len(sweep.chosen_fits()["nmf_sklearn"]) == 2  # one per seed at the chosen K
    assert sweep.summary.groupby("model").size().tolist() == [3, 3]
    with pytest.raises(ModelError, match="'nmf_seeded' is seeded"):
        th.run_sweep(dtm, {"nmf_seeded": SeededNMF(seed_words={"sea": ["ocean"]})}, k_range=(3,), seeds=(0,))
