"""The seed study's claims (notebook 05 and the README; ``study/findings.py``), checked against the
committed results.

If a rerun changes the numbers enough to falsify a claim, this fails: the prose must then be
revised, never the labels or the thresholds.
"""

import pytest
from helpers import ROOT, seed_study_findings

from themes.study.claims import check_findings, load_claims, read_tables
from themes.study.design import BASELINES, DEFAULT_MODELS, model_roles

findings = seed_study_findings()  # the study's own module: its check functions and model groups


@pytest.fixture(scope="module")
def tables():
    return read_tables(ROOT / "results")


def test_every_claim_is_checked_and_holds(tables):
    claims = load_claims(ROOT)  # what themes verify reads: the study folder's study/findings.py
    assert list(claims) == list(findings.CLAIMS)
    table = check_findings(ROOT / "results", claims)
    assert len(table) == len(claims) >= 13
    assert table["holds"].all(), table[~table["holds"]].to_string()
    assert set(findings.TOPIC_MODELS) == set(tables["intrusion"]["model"])  # the design is the study's


def _set(tables, name, model, column, value, theme=None):
    """A copy of the tables with one cell changed."""
    out = dict(tables)
    table = out[name].copy()
    rows = table["model"] == model
    if theme is not None:
        rows &= table["theme"] == theme
    table.loc[rows, column] = value
    out[name] = table
    return out


@pytest.mark.parametrize(
    ("check", "change"),
    [
        (findings.naive_lda_finds_nothing, ("alignment", "lda_naive", "auc_ci_low", 0.55, "morale")),
        (findings.naive_lda_finds_nothing, ("versus_keywords", "lda_naive", "ci_high", 0.1, "mean")),
        (
            findings.no_lda_model_recovers_a_theme_under_the_within_document_null,
            ("alignment", "lda_gensim", "verdict", "recovered", "morale"),
        ),
        (
            findings.no_lda_model_recovers_a_theme_under_the_within_document_null,
            ("alignment", "lda_sklearn", "null", "paragraphs"),
        ),
        (
            findings.theology_is_the_one_theme_several_topic_models_recover_and_length_recovers_it_too,
            ("alignment", "length", "verdict", "not recovered", "theology"),
        ),
        (
            findings.morale_finance_and_sleeper_cells_are_recovered_by_no_topic_model,
            ("alignment", "nmf_seeded", "verdict", "recovered", "finance"),
        ),
        (
            findings.the_source_document_is_never_recovered,
            ("alignment", "document", "auc_p", 0.01, "theology"),
        ),
        (findings.plain_lda_is_less_stable_than_nmf, ("model_sweep", "nmf_sklearn", "stability_mean", 0.5)),
        (
            findings.seed_words_raise_lda_on_morale_and_theology_nmf_on_theology_only,
            ("seeding_effect", "nmf_seeded", "auc_difference_ci_low", 0.01, "morale"),
        ),
        (
            findings.seed_words_raise_lda_on_morale_and_theology_nmf_on_theology_only,
            ("seeding_effect", "lda_seeded", "auc_difference_ci_low", -0.01, "morale"),
        ),
        (
            findings.counting_the_usable_seed_words_is_not_beaten_by_any_topic_model,
            ("versus_keywords", "nmf_seeded", "ci_low", 0.01, "mean"),
        ),
        (
            findings.keyatm_chains_disagree_and_two_keyword_topics_ignore_their_keywords,
            ("keyword_topics", "keyatm", "rhat", 1.01),
        ),
        (
            findings.finance_rests_on_one_seed_word,
            ("keyword_topics", "lda_seeded", "keywords_in_vocabulary", 3, "finance"),
        ),
        (
            findings.every_model_agrees_with_the_reference_less_than_the_coders_agree,
            ("alignment", "supervised", "alpha_model_mean", 1.0, "theology"),
        ),
        (
            findings.word_intrusion_is_above_chance_for_every_model_but_lda_sklearn_and_ranks_only_keyatm,
            ("intrusion", "nmf_seeded", "ci_low", 0.1),
        ),
        (
            findings.held_out_by_document_the_confound_is_at_chance_and_plain_lda_falls,
            ("alignment", "document", "auc_lodo", 0.8, "theology"),
        ),
    ],
)
def test_a_claim_made_false_does_not_hold(tables, check, change):
    assert check(tables).holds
    assert not check(_set(tables, *change)).holds


def test_the_generated_discussion_quotes_the_tables(tables):
    from themes.report import prose as report

    alignment, summary = tables["alignment"], tables["summary"].set_index("model")
    text = report.discussion(alignment, summary.reset_index(), roles=model_roles(DEFAULT_MODELS))
    assert f"{summary.at['lda_naive', 'auc_mean']:.2f}, where 0.50 is chance" in text
    assert f"within-document AUC of {summary.at['supervised', 'auc_lodo_mean']:.2f}" in text
    for row in alignment[alignment["verdict"] == "recovered"].itertuples():
        if row.model not in (*BASELINES, "lda_naive"):  # baselines are quoted per theme without backticks
            assert f"`{row.model}` {row.auc_mean:.2f} [{row.auc_ci_low:.2f}, {row.auc_ci_high:.2f}]" in text


def test_the_models_alpha_is_held_against_the_coders_or_said_to_have_no_coders(tables):
    from themes.report import prose as report

    alignment = tables["alignment"]
    gap = alignment["alpha_coders"] - alignment["alpha_model_mean"]
    text = report.alpha_against_coders(alignment)
    assert f"in {int((gap > 0).sum())} of {int(gap.notna().sum())} model-theme rows" in text
    assert f"the smallest gap is {gap.min():.2f}" in text
    one_coder = report.alpha_against_coders(alignment.assign(alpha_coders=float("nan")))
    assert one_coder.startswith("There is no coders' alpha") and "nan" not in one_coder
