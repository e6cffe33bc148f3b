"""Model selection: coherence, diversity, stability, the K rule, the grid."""

import numpy as np
import pandas as pd
import pytest
from helpers import MODELS_CSV_COLUMNS

from themes import selection
from themes.models import fit_topic_model


def test_diversity_counts_distinct_top_words():
    assert selection.diversity([[1, 2, 3], [4, 5, 6]]) == 1.0
    assert selection.diversity([[1, 2, 3], [1, 2, 3]]) == 0.5


def test_matching_pairs_identical_topics_whatever_their_order():
    a = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    b = [[7, 8, 9], [1, 2, 3], [4, 5, 6]]
    (rows, cols), _ = selection.match_topics(a, b)
    assert dict(zip(rows.tolist(), cols.tolist(), strict=True)) == {0: 1, 1: 2, 2: 0}
    assert selection.matched_similarity(a, b) == 1.0
    assert selection.matched_similarity(a, [[10, 11, 12], [13, 14, 15], [16, 17, 18]]) == 0.0


def test_stability_is_one_for_planted_groups(planted):
    dtm, _ = planted
    # all eight words of a group are equally likely, so compare the whole group
    runs = [fit_topic_model(dtm, "nmf_sklearn", k=3, seed=s).top_terms(8) for s in range(3)]
    assert np.allclose(selection.stability(runs), 1.0)
    assert np.isnan(selection.stability(runs[:1])).all()


def test_coherence_prefers_the_planted_topics_to_mixed_ones(planted):
    dtm, _ = planted
    model = fit_topic_model(dtm, "nmf_sklearn", k=3, seed=0)
    good = [[dtm.vocabulary[j] for j in t] for t in model.top_terms(6)]
    mixed = [[good[0][i], good[1][i], good[2][i]] * 2 for i in range(3)]
    for measure in ("c_npmi", "c_v"):
        assert (
            selection.coherence(good, dtm, measure=measure).mean()
            > selection.coherence([list(dict.fromkeys(m)) for m in mixed], dtm, measure=measure).mean()
        )


def test_score_fits_gives_one_row_per_fit_with_every_measure(planted):
    dtm, _ = planted
    tasks = [
        {"name": "nmf_sklearn", "backend": "nmf_sklearn", "k": k, "seed": s} for k in (2, 3) for s in (0, 1)
    ]
    fits = selection.fit_grid(tasks, dtm)
    table = selection.score_fits(fits, dtm)
    assert list(table.columns) == MODELS_CSV_COLUMNS
    assert len(table) == 4 and table.notna().all().all()
    # joblib workers change nothing
    again = selection.score_fits(selection.fit_grid(tasks, dtm, n_jobs=2), dtm)
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
    a = fit_topic_model(dtm, "lda_gensim", k=3, seed=0, name="lda")
    b = fit_topic_model(dtm, "nmf_sklearn", k=3, seed=0, name="nmf")
    table = selection.topic_correspondence(a, b, n=8)
    assert len(table) == 3 and (table["jaccard"] == 1.0).all()
