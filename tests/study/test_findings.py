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


def assert_holds(check, tables):
    holds, detail = check(tables)
    assert holds, detail


def test_naive_lda_is_at_chance(tables):
    assert_holds(findings.naive_lda_is_at_chance, tables)


def test_plain_models_beat_naive_lda_nmf_recovers_two_themes(tables):
    assert_holds(findings.plain_models_beat_naive_lda_nmf_recovers_two_themes, tables)


def test_plain_lda_is_less_stable_than_nmf(tables):
    assert_holds(findings.plain_lda_is_less_stable_than_nmf, tables)


def test_seeding_helps_lda_not_nmf_at_equal_k_and_solver(tables):
    assert_holds(findings.seeding_helps_lda_not_nmf_at_equal_k_and_solver, tables)


def test_only_seeded_models_recover_morale(tables):
    assert_holds(findings.only_seeded_models_recover_morale, tables)


def test_seed_words_alone_are_the_strongest_and_recover_every_theme(tables):
    assert_holds(findings.seed_words_alone_are_the_strongest_and_recover_every_theme, tables)


def test_supervised_held_out_by_document_is_below_the_seed_words(tables):
    assert_holds(findings.supervised_held_out_by_document_is_below_the_seed_words, tables)


def test_held_out_by_document_the_confound_vanishes_and_plain_models_fall(tables):
    assert_holds(findings.held_out_by_document_the_confound_vanishes_and_plain_models_fall, tables)


def test_no_single_seed_word_carries_a_seeded_theme_but_halves_move_sleeper_cells(tables):
    assert_holds(findings.no_single_seed_word_carries_a_seeded_theme_but_halves_move_sleeper_cells, tables)


def test_morale_is_the_hardest_theme_theology_and_sleeper_cells_the_most_recovered(tables):
    assert_holds(findings.morale_is_the_hardest_theme_theology_and_sleeper_cells_the_most_recovered, tables)


def test_models_agree_with_the_reference_less_than_the_coders_agree(tables):
    assert_holds(findings.models_agree_with_the_reference_less_than_the_coders_agree, tables)


def test_keyatm_does_not_beat_the_seed_words_and_recovers_theology_only(tables):
    assert_holds(findings.keyatm_does_not_beat_the_seed_words_and_recovers_theology_only, tables)
    summary = tables["summary"].set_index("model")
    keyatm, keywords = summary.at["keyatm", "auc_mean"], summary.at["keywords", "auc_mean"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"mean AUC {keyatm:.2f} against {keywords:.2f}" in readme.replace("\n", " ")


def test_intrusion_precision_is_above_chance_but_does_not_rank_the_models(tables):
    assert_holds(findings.intrusion_is_above_chance_but_does_not_rank_the_models, tables)


def test_every_claim_is_checked_and_holds(tables):
    claims = load_claims(ROOT)  # what themes verify reads: the study folder's study/findings.py
    assert list(claims) == list(findings.CLAIMS)
    table = check_findings(ROOT / "results", claims)
    assert len(table) == len(claims) >= 16
    assert table["holds"].all(), table[~table["holds"]].to_string()
    assert set(findings.TOPIC_MODELS) == set(tables["intrusion"]["model"])  # the registry is the study's


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
        (findings.naive_lda_is_at_chance, ("summary", "lda_naive", "auc_mean", 0.65)),
        (findings.naive_lda_is_at_chance, ("summary", "lda_naive", "themes_recovered", 1)),
        (
            findings.plain_models_beat_naive_lda_nmf_recovers_two_themes,
            ("alignment", "lda_gensim", "verdict", "recovered", "morale"),
        ),
        (
            findings.plain_models_beat_naive_lda_nmf_recovers_two_themes,
            ("alignment", "nmf_sklearn", "verdict", "not recovered", "theology"),
        ),
        (findings.plain_lda_is_less_stable_than_nmf, ("model_sweep", "nmf_sklearn", "stability_mean", 0.7)),
        (
            findings.morale_is_the_hardest_theme_theology_and_sleeper_cells_the_most_recovered,
            ("alignment", "lda_naive", "auc_mean", 0.99, "morale"),
        ),
        (
            findings.seeding_helps_lda_not_nmf_at_equal_k_and_solver,
            ("seeding_effect", "nmf_seeded", "auc_difference", 0.2),
        ),
        (
            findings.seeding_helps_lda_not_nmf_at_equal_k_and_solver,
            ("seeding_effect", "lda_seeded", "auc_difference", 0.0),
        ),
        (
            findings.only_seeded_models_recover_morale,
            ("alignment", "nmf_sklearn", "verdict", "recovered", "morale"),
        ),
        (
            findings.only_seeded_models_recover_morale,
            ("seeding_effect", "lda_seeded", "verdict_unseeded", "recovered", "morale"),
        ),
        (
            findings.seed_words_alone_are_the_strongest_and_recover_every_theme,
            ("summary", "keywords", "auc_mean", 0.75),
        ),
        (
            findings.supervised_held_out_by_document_is_below_the_seed_words,
            ("summary", "supervised", "auc_lodo_mean", 0.95),
        ),
        (
            findings.held_out_by_document_the_confound_vanishes_and_plain_models_fall,
            ("alignment", "document", "auc_lodo", 0.8, "theology"),
        ),
        (
            findings.held_out_by_document_the_confound_vanishes_and_plain_models_fall,
            ("summary", "nmf_minibatch", "auc_lodo_mean", 0.76),
        ),
        (
            findings.no_single_seed_word_carries_a_seeded_theme_but_halves_move_sleeper_cells,
            ("seed_sensitivity", "lda_seeded", "delta", -0.3, "morale"),
        ),
        (
            findings.models_agree_with_the_reference_less_than_the_coders_agree,
            ("alignment", "supervised", "alpha_model_mean", 1.0, "theology"),
        ),
        (
            findings.keyatm_does_not_beat_the_seed_words_and_recovers_theology_only,
            ("alignment", "keyatm", "auc_mean", 0.99, "morale"),
        ),
        (
            findings.intrusion_is_above_chance_but_does_not_rank_the_models,
            ("intrusion", "keyatm", "ci_high", 0.5),
        ),
        (
            findings.keywords_on_the_models_vocabulary_still_beat_every_topic_model,
            ("summary", "keywords_vocab", "auc_mean", 0.7),
        ),
        (
            findings.confounds_recover_theology_and_sleeper_cells,
            ("alignment", "length", "verdict", "recovered", "morale"),
        ),
        (
            findings.the_corrected_verdict_recovers_more_than_the_earlier_rule,
            ("summary", "nmf_seeded", "themes_recovered_interval_rule", 12),
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
    gap = alignment["alpha_human"] - alignment["alpha_model_mean"]
    text = report.alpha_against_coders(alignment)
    assert f"in {int((gap > 0).sum())} of {int(gap.notna().sum())} model-theme rows" in text
    assert f"the smallest gap is {gap.min():.2f}" in text
    one_coder = report.alpha_against_coders(alignment.assign(alpha_human=float("nan")))
    assert one_coder.startswith("There is no coders' alpha") and "nan" not in one_coder
