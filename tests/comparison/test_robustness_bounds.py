"""The seed-word sensitivity check, bounded: a few refitted variants drawn before any fit, the rest
unchanged (the study's ``seed_word_variants`` setting for large corpora)."""

import pandas as pd
import pytest

from themes.comparison import robustness
from themes.comparison.scorers import KeywordScorer, ModelRuns
from themes.models.fitting import fit_matrix
from themes.study.design import get_spec

SEEDS = {"sea": ["ocean", "wave", "harbor"], "farm": ["tractor", "barley"], "code": ["compiler", "python"]}


@pytest.mark.slow  # refits
def test_a_bounded_check_refits_a_drawn_subset_and_scores_it_as_the_full_check(planted):
    dtm, labels = planted
    fits = [fit_matrix(get_spec("nmf_seeded").make(k=4, seed=0, seed_words=SEEDS), dtm, name="nmf_seeded")]
    runs = {
        "keywords": ModelRuns("keywords", [KeywordScorer.from_matrix(dtm, SEEDS)]),
        "keywords_vocab": ModelRuns(
            "keywords_vocab", [KeywordScorer.from_matrix(dtm, SEEDS, vocabulary_only=True)]
        ),
        "nmf_seeded": ModelRuns.of_models(fits, labels),
    }
    refits = []
    real = robustness.fit_models

    def counting(tasks, *args, **kwargs):
        refits.append(len(tasks))
        return real(tasks, *args, **kwargs)

    full = robustness.seed_sensitivity(dtm, labels, SEEDS, runs, seed=0, stat_seed=0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(robustness, "fit_models", counting)
        bounded = robustness.seed_sensitivity(dtm, labels, SEEDS, runs, seed=0, stat_seed=0, max_variants=3)
        again = robustness.seed_sensitivity(dtm, labels, SEEDS, runs, seed=0, stat_seed=0, max_variants=3)
    assert refits == [3, 3]
    keys = ["model", "theme", "variant", "words_removed"]
    for name in ("keywords", "keywords_vocab"):  # the counts are scored on every variant
        pd.testing.assert_frame_equal(
            full[full["model"] == name].reset_index(drop=True),
            bounded[bounded["model"] == name].reset_index(drop=True),
        )
    seeded = bounded[bounded["model"] == "nmf_seeded"]
    assert 3 <= len(seeded) < len(full[full["model"] == "nmf_seeded"])
    merged = seeded.merge(full, on=keys, suffixes=("_bounded", "_all"))
    assert len(merged) == len(seeded)
    pd.testing.assert_series_equal(merged["auc_bounded"], merged["auc_all"], check_names=False)
    pd.testing.assert_frame_equal(bounded, again)  # drawn with the statistics seed: the same every time
