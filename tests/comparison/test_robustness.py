"""Seeding effect and seed-word sensitivity, on the planted corpus (known answers)."""

import pandas as pd
import pytest

from themes.comparison import robustness
from themes.comparison.scorers import KeywordScorer, ModelRuns
from themes.comparison.theme_table import Inference, theme_table
from themes.errors import SeedWordsWarning
from themes.models.fitting import fit_matrix
from themes.study.design import get_spec

SEEDS = {"sea": ["ocean", "wave"], "farm": ["tractor"], "code": ["compiler", "python", "nowhere"]}


@pytest.fixture(scope="module")
def planted_runs(planted):
    dtm, labels = planted
    with pytest.warns(SeedWordsWarning, match="nowhere"):
        fits = [
            fit_matrix(get_spec("nmf_seeded").make(k=4, seed=s, seed_words=SEEDS), dtm, name="nmf_seeded")
            for s in (0, 1)
        ]
    assert all(f.seeded for f in fits)  # the seeded fits keep their own topics, not matched ones
    return {
        "keywords": ModelRuns("keywords", [KeywordScorer.from_matrix(dtm, SEEDS)]),
        "keywords_vocab": ModelRuns(
            "keywords_vocab", [KeywordScorer.from_matrix(dtm, SEEDS, vocabulary_only=True)]
        ),
        "nmf_seeded": ModelRuns.of_models(fits, labels),
    }


def test_variants_drop_each_word_and_draw_reproducible_halves():
    variants = robustness.seed_word_variants(SEEDS, n_halves=3, seed=7)
    drops = [(t, r) for t, kind, r, _ in variants if kind == "drop"]
    assert drops == [(t, [w]) for t, words in SEEDS.items() for w in words]
    for theme, kind, removed, words in variants:
        assert sorted(words[theme] + removed) == sorted(SEEDS[theme])
        assert all(words[t] == SEEDS[t] for t in SEEDS if t != theme)  # the other themes keep their lists
        if kind.startswith("half"):
            assert len(words[theme]) == max(1, len(SEEDS[theme]) // 2)
    again = robustness.seed_word_variants(SEEDS, n_halves=3, seed=7)
    assert [v[2] for v in variants] == [v[2] for v in again]


@pytest.mark.slow  # over half a second
def test_sensitivity_shows_a_theme_resting_on_one_word(planted, planted_runs):
    dtm, labels = planted
    table = robustness.seed_sensitivity(dtm, labels, SEEDS, planted_runs, seed=0, stat_seed=0)
    drops = table[table["variant"] == "drop"]
    kw = drops[drops["model"] == "keywords"].set_index(["theme", "words_removed"])
    assert kw.at[("farm", "tractor"), "auc"] == 0.5  # its only seed word gone: no signal left
    assert kw.at[("farm", "tractor"), "delta"] == -0.5
    assert kw.at[("sea", "ocean"), "auc"] == pytest.approx(1.0)  # "wave" still finds the sea
    seeded = table[table["model"] == "nmf_seeded"]
    # "nowhere" is not in the vocabulary: dropping it changes nothing the model sees, so it is not refitted
    assert "nowhere" not in set(seeded["words_removed"]) and set(seeded["seed"]) == {0}
    assert seeded["auc_full"].tolist() == pytest.approx([1.0] * len(seeded))


def test_seeding_effect_sets_the_seeded_model_beside_the_same_estimator_without_seeds(
    planted, planted_runs, monkeypatch
):
    dtm, labels = planted
    runs = planted_runs
    refits = []  # what the check actually fits: the same estimator, K and seeds, no seed word
    real = robustness.fit_models
    monkeypatch.setattr(
        robustness, "fit_models", lambda tasks, *a, **k: refits.extend(tasks) or real(tasks, *a, **k)
    )
    doc_of = pd.Series(dtm.document_ids, index=list(dtm.paragraph_ids))
    inference = Inference(n_boot=20, n_perm=20, seed=0)
    alignment = pd.concat(
        [theme_table(r, labels, doc_of, inference=inference).table for r in runs.values()], ignore_index=True
    )
    effect = robustness.seeding_effect(dtm, labels, runs, alignment, doc_of, inference=inference).set_index(
        "theme"
    )
    assert list(effect.columns) == [c for c in robustness.SEEDING_EFFECT_COLUMNS if c != "theme"]
    seeded = runs["nmf_seeded"]
    assert [(t.k, t.seed) for t in refits] == [(sc.model.k, sc.seed) for sc in seeded]
    assert all(t.estimator.get_params()["seed_words"] == {} for t in refits)
    assert all(type(t.estimator) is type(sc.model.estimator) for t, sc in zip(refits, seeded, strict=True))
    assert (effect["K"] == seeded.model.k).all() and (effect["n_seeds"] == len(seeded)).all()
    # planted groups are found with or without seeds: seeding adds nothing here
    assert effect["auc_unseeded"].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert effect["auc_difference"].abs().max() == pytest.approx(0.0)


def test_variants_giving_the_model_the_same_terms_are_fitted_once(planted, planted_runs, monkeypatch):
    dtm, labels = planted
    twins = {**SEEDS, "sea": ["ocean", "OCEAN", "wave"]}  # "OCEAN" comes to the term "ocean" too
    fitted = []
    real = robustness.fit_models
    monkeypatch.setattr(robustness, "fit_models", lambda t, *a, **k: fitted.extend(t) or real(t, *a, **k))
    table = robustness.seed_sensitivity(dtm, labels, twins, planted_runs, seed=0, stat_seed=0)
    assert fitted and {task.name for task in fitted} == {"nmf_seeded"}
    inputs = [robustness._model_input(dtm, task.estimator.get_params()["seed_words"]) for task in fitted]
    assert len(inputs) == len(set(inputs)) and robustness._model_input(dtm, twins) not in inputs
    seeded = table[(table["model"] == "nmf_seeded") & (table["variant"] == "drop")].set_index("words_removed")
    # dropping either twin leaves the model the full list's terms: scored with the main fit, exactly
    assert seeded.loc[["ocean", "OCEAN"], "delta"].tolist() == [0.0, 0.0]
