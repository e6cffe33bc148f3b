"""``explore_corpus``: the study's stages on a folder of one's own texts, without writing anything."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from helpers import PLANTED_GROUPS, planted_texts

from themes.corpus.cleaning import CleaningRules
from themes.study.explore import EXPLORE_CONFIG, explore_corpus


@pytest.fixture
def folder(tmp_path):
    texts, ids, groups = planted_texts()
    corpus = tmp_path / "texts"
    corpus.mkdir()
    for group in PLANTED_GROUPS:  # one document per group: each paragraph a block of its own
        body = "\n\n".join(t.capitalize() + "." for t, g in zip(texts, groups, strict=True) if g == group)
        (corpus / f"{group}.txt").write_text(body, encoding="utf-8")
    labels = pd.DataFrame({"paragraph_id": [f"{g}-p{i:03d}" for g in PLANTED_GROUPS for i in range(1, 13)]})
    for group in PLANTED_GROUPS:
        labels[group] = labels["paragraph_id"].str.startswith(group).astype(int)
    labels.to_csv(tmp_path / "labels.csv", index=False)
    return tmp_path


@pytest.mark.slow  # fits the sweep and the seeded models
def test_explore_corpus_runs_the_stages_and_compares_as_the_study_does(folder):
    before = sorted(p.name for p in folder.rglob("*"))
    config = dataclasses.replace(
        EXPLORE_CONFIG,
        seeds=(0, 1),
        k_range=(3, 4),
        n_boot=50,
        n_perm=200,  # with 50, the smallest p-value Holm-adjusted over three themes is 0.059
        n_jobs=1,
        vectorizer={"stem": False, "corpus_stop_min_df": None, "min_df": 1},
        # the planted paragraphs repeat eight words each: not near-duplicates of one another here
        cleaning=CleaningRules(duplicate_containment=1.1),
    )
    seeds = {group: words[:2] for group, words in PLANTED_GROUPS.items()}
    found = explore_corpus(folder / "texts", seeds, labels=folder / "labels.csv", config=config)
    assert sorted(p.name for p in folder.rglob("*")) == before  # nothing written
    assert found.fits.sweep.selected.keys() == {"nmf_sklearn", "lda_gensim"}
    assert {"lda_seeded", "nmf_seeded", "keyatm"} <= set(found.fits.by_model)
    scores = found.scores.set_index(["model", "theme"])
    # the planted groups are the themes: the seeded models and the seed words recover each of them
    for model in ("nmf_seeded", "lda_seeded", "keywords"):
        assert (scores.loc[model, "verdict"] == "recovered").all(), model
    shares = found.theme_shares.set_index(["model", "doc_id"])
    assert shares.loc[("nmf_seeded", "sea"), "sea"] > 0.5
    assert set(found.topics["model"]) >= {"nmf_sklearn", "lda_gensim", "nmf_seeded"}
