"""The README's claims about the baselines on equal terms and the confounds, against the tables.

If a rerun changes these, the prose must be revised, never the labels, seed words or rules.
"""

import pandas as pd
import pytest
from helpers import ROOT

TOPIC_MODELS = ["lda_naive", "lda_sklearn", "lda_gensim", "nmf_sklearn", "nmf_minibatch"]
TOPIC_MODELS += ["lda_seeded", "nmf_seeded", "keyatm"]
CONFOUNDS = ["document", "length"]


@pytest.fixture(scope="module")
def summary():
    return pd.read_csv(ROOT / "results" / "summary.csv").set_index("model")


@pytest.fixture(scope="module")
def alignment():
    return pd.read_csv(ROOT / "results" / "alignment.csv").set_index(["model", "theme"])


@pytest.fixture(scope="module")
def readme():
    return " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())


def test_keywords_on_the_models_vocabulary_fall_but_still_beat_every_topic_model(summary, alignment, readme):
    every, vocab = summary.loc["keywords"], summary.loc["keywords_vocab"]
    best = summary.loc[TOPIC_MODELS, "auc_mean"].idxmax()
    assert f"falls from mean AUC {every.auc_mean:.2f} to {vocab.auc_mean:.2f}" in readme
    assert f"finance falls to {alignment.at[('keywords_vocab', 'finance'), 'auc_mean']:.2f}" in readme
    assert f"`{best}`, reaches {summary.at[best, 'auc_mean']:.2f}" in readme
    assert vocab.auc_mean > summary.loc[TOPIC_MODELS, "auc_mean"].max()
    assert vocab.auc_mean < every.auc_mean


def test_confounds_recover_the_themes_the_readme_names(alignment):
    def recovered(model):
        return alignment.loc[model].query("verdict == 'recovered'").index.tolist()

    assert recovered("document") == ["theology", "sleeper_cells"]
    assert recovered("length") == ["theology"]


def test_some_topic_model_recoveries_score_below_a_confound(alignment, readme):
    rows = alignment.reset_index()
    hits = rows[rows["model"].isin(TOPIC_MODELS) & (rows["verdict"] == "recovered")]
    below = 0
    for hit in hits.itertuples():
        confound = rows[(rows["model"].isin(CONFOUNDS)) & (rows["theme"] == hit.theme)]
        confound = confound[confound["verdict"] == "recovered"]
        below += bool((confound["auc_mean"] > hit.auc_mean).any())
    assert f"Of the {len(hits)} theme recoveries by topic models, {below} score below a confound" in readme
    old = int(
        pd.read_csv(ROOT / "results" / "summary.csv")
        .set_index("model")
        .loc[TOPIC_MODELS, "themes_recovered_interval_rule"]
        .sum()
    )
    assert (
        f"the topic models recovered {old} themes; the corrected rule counts the uncertainty once "
        f"and finds {len(hits)}" in readme
    )


def test_every_number_in_the_findings_section_is_one_the_checks_report(readme):
    """A number in the README's findings is either the rounding of one that the study's claims
    (``study/findings.py``) compute from the tables, or it is prose no test stands behind."""
    import re

    from themes.comparison.rules import RULES
    from themes.study.claims import check_findings, load_claims

    section = readme.split("## What the study finds", 1)[1].split("## Reproducibility", 1)[0]
    claims = load_claims(ROOT)
    assert claims  # the seed study declares its claims: without them nothing here would be checked
    details = " ".join(check_findings(ROOT / "results", claims)["detail"])

    reported = [float(x) for x in re.findall(r"[+-]?\d+\.\d+", details)]
    reported += [RULES.significance, RULES.capture_auc]  # the rule's thresholds, quoted with it
    quoted = re.findall(r"[+-]?\d+\.\d+", section)
    assert quoted
    for text in quoted:
        places = len(text.split(".")[1])
        assert any(
            f"{value:.{places}f}" == text.lstrip("+") or f"{value:+.{places}f}" == text for value in reported
        ), f"{text} in README's findings is not a number the findings checks report"


def test_the_readme_quotes_the_summary(summary, readme):
    naive = summary.at["lda_naive", "auc_mean"]
    assert f"Naive LDA is at chance (mean AUC {naive:.3f}, no theme recovered)" in readme
    assert (
        "Counting the seed words alone beats every model "
        f"(mean AUC {summary.at['keywords', 'auc_mean']:.3f})" in readme
    )
