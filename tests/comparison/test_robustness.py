"""Seeding effect and seed-word sensitivity, on the planted corpus (known answers)."""

import pandas as pd
import pytest
from themes.models.registry import get_spec

from themes.comparison import robustness as seed_checks
from themes.comparison import tables
from themes.comparison.scorers import KeywordScorer, TopicScorer
from themes.errors import SeedWordsWarning
from themes.models.topic_model import TopicModel

SEEDS = {"sea": ["ocean", "wave"], "farm": ["tractor"], "code": ["compiler", "python", "nowhere"]}


@pytest.fixture(scope="module")
def planted_scorers(planted):
    dtm, labels = planted
    with pytest.warns(SeedWordsWarning, match="nowhere"):
        fits = [
            TopicModel.from_matrix(
                get_spec("nmf_seeded").make(k=4, seed=s, seed_words=SEEDS), dtm, name="nmf_seeded"
            )
            for s in (0, 1)
        ]
    return {
        "keywords": [KeywordScorer.from_matrix(dtm, SEEDS)],
        "keywords_vocab": [KeywordScorer.from_matrix(dtm, SEEDS, vocabulary_only=True)],
        "nmf_seeded": [TopicScorer.from_model(f, labels, seeded=True) for f in fits],
    }


def test_variants_drop_each_word_and_draw_reproducible_halves():
    variants = seed_checks.seed_word_variants(SEEDS, n_halves=3, seed=7)
    drops = [(t, r) for t, kind, r, _ in variants if kind == "drop"]
    assert drops == [(t, [w]) for t, words in SEEDS.items() for w in words]
    for theme, kind, removed, words in variants:
        assert sorted(words[theme] + removed) == sorted(SEEDS[theme])
        assert all(words[t] == SEEDS[t] for t in SEEDS if t != theme)  # the other themes keep their lists
        if kind.startswith("half"):
            assert len(words[theme]) == max(1, len(SEEDS[theme]) // 2)
    again = seed_checks.seed_word_variants(SEEDS, n_halves=3, seed=7)
    assert [v[2] for v in variants] == [v[2] for v in again]


@pytest.mark.slow  # over half a second
def test_sensitivity_shows_a_theme_resting_on_one_word(planted, planted_scorers):
    dtm, labels = planted
    table = seed_checks.seed_sensitivity(dtm, labels, SEEDS, planted_scorers, seed=0, stat_seed=0)
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
    planted, planted_scorers
):
    dtm, labels = planted
    scorers = planted_scorers
    per_seed = tables.per_seed_metrics(scorers, labels)
    doc_of = pd.Series(dtm.document_ids, index=list(dtm.paragraph_ids))
    spread = tables.intervals_and_nulls(scorers, labels, doc_of, n_boot=20, n_perm=20, seed=0)
    alignment = tables.alignment_table(
        scorers, per_seed, tables.failures(scorers), spread, labels=labels, coders=None
    )
    effect = seed_checks.seeding_effect(
        dtm, labels, scorers, alignment, doc_of, n_boot=20, n_perm=20, stat_seed=0
    ).set_index("theme")
    assert list(effect.columns) == [c for c in seed_checks.SEEDING_EFFECT_COLUMNS if c != "theme"]
    assert (effect["K"] == 4).all() and (effect["n_seeds"] == 2).all()
    # planted groups are found with or without seeds: seeding adds nothing here
    assert effect["auc_unseeded"].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert effect["auc_difference"].abs().max() == pytest.approx(0.0)


def test_variants_giving_the_model_the_same_terms_are_fitted_once(planted, planted_scorers, monkeypatch):
    dtm, labels = planted
    twins = {**SEEDS, "sea": ["ocean", "OCEAN", "wave"]}  # "OCEAN" comes to the term "ocean" too
    fitted = []
    real = seed_checks.fit_seed_word_variants
    monkeypatch.setattr(
        seed_checks, "fit_seed_word_variants", lambda v, *a, **k: fitted.extend(v) or real(v, *a, **k)
    )
    table = seed_checks.seed_sensitivity(
        dtm, labels, twins, {"keywords": [], "keywords_vocab": [], **planted_scorers}, seed=0, stat_seed=0
    )
    inputs = [seed_checks._model_input(dtm, words) for _, words in fitted]
    assert len(inputs) == len(set(inputs)) and seed_checks._model_input(dtm, twins) not in inputs
    seeded = table[(table["model"] == "nmf_seeded") & (table["variant"] == "drop")].set_index("words_removed")
    # dropping either twin leaves the model the full list's terms: scored with the main fit, exactly
    assert seeded.loc[["ocean", "OCEAN"], "delta"].tolist() == [0.0, 0.0]
