"""The README's findings about the baselines and the confounds, against the tables.

If a rerun changes these, the prose must be revised, never the labels, seed words or rules.
"""

import re

import pandas as pd
import pytest
from helpers import ROOT

from themes.comparison.rules import RULES
from themes.study.claims import check_findings, load_claims
from themes.study.design import DEFAULT_MODELS, model_roles

TOPIC_MODELS = list(model_roles(DEFAULT_MODELS))


@pytest.fixture(scope="module")
def summary():
    return pd.read_csv(ROOT / "results" / "summary.csv").set_index("model")


@pytest.fixture(scope="module")
def alignment():
    return pd.read_csv(ROOT / "results" / "alignment.csv").set_index(["model", "theme"])


@pytest.fixture(scope="module")
def findings():
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    return readme.split("## What the study finds", 1)[1].split("## Reproducibility", 1)[0]


def recovered(alignment, model):
    return alignment.loc[model].query("verdict == 'recovered'").index.tolist()


def test_the_seed_word_counts_quoted_are_the_summary_s(summary, alignment, findings):
    every, vocab = summary.loc["keywords"], summary.loc["keywords_vocab"]
    assert f"`keywords`, mean AUC {every.auc_mean:.3f}) recovers all five themes" in findings
    assert len(recovered(alignment, "keywords")) == 5
    assert f"`keywords_vocab`, {vocab.auc_mean:.3f})" in findings
    assert vocab.auc_mean < every.auc_mean


def test_the_confounds_recover_what_the_readme_says(alignment, findings):
    assert recovered(alignment, "document") == []
    assert recovered(alignment, "length") == ["theology"]
    assert "paragraph length alone recovers it too" in findings
    assert "is never recovered" in findings


def test_the_count_of_topic_models_recovering_theology_is_the_table_s(alignment, findings):
    rows = alignment.reset_index()
    theology = rows[(rows["theme"] == "theology") & rows["model"].isin(TOPIC_MODELS)]
    n = int((theology["verdict"] == "recovered").sum())
    assert f"recover ({n} of {len(TOPIC_MODELS)})" in findings


def test_the_rule_quoted_is_the_rule_applied(findings):
    assert f"below {RULES.significance:.2f}, and a mean AUC of at least {RULES.capture_auc:.2f}" in findings


def test_every_number_in_the_findings_section_is_one_the_checks_report(findings):
    """A number in the README's findings is either the rounding of one that the study's claims
    (``study/findings.py``) compute from the tables, or it is prose no test stands behind."""
    claims = load_claims(ROOT)
    assert claims  # the seed study declares its claims: without them nothing here would be checked
    details = " ".join(check_findings(ROOT / "results", claims)["detail"])

    reported = [float(x) for x in re.findall(r"[+-]?\d+\.\d+", details)]
    reported += [RULES.significance, RULES.capture_auc]  # the rule's thresholds, quoted with it
    quoted = re.findall(r"[+-]?\d+\.\d+", findings)
    assert len(quoted) > 10
    for text in quoted:
        places = len(text.split(".")[1])
        assert any(
            f"{value:.{places}f}" == text.lstrip("+") or f"{value:+.{places}f}" == text for value in reported
        ), f"{text} in README's findings is not a number the findings checks report"
