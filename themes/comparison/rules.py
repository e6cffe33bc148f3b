"""Every threshold of the comparison and its wording, fixed before any score was seen.

The decision rules, the capture cut-off and the verdict live in one frozen object; tables,
the manifest and the generated discussion take their numbers and their words from it, so the
prose can never state a threshold the code does not use.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Rules:
    """Thresholds and decision rules of the comparison.

    Parameters
    ----------
    capture_auc : float, default 0.7
        A topic captures a theme when its ROC AUC for the theme is at least this: the
        conventional floor of "acceptable discrimination" (Hosmer & Lemeshow 2000, p. 162).
        It is also the floor a theme's mean AUC must reach to count as recovered.
    keyword_min_share : float, default 0.0
        The keyword baseline decides "theme present" when the theme's share of the
        paragraph's seed words is above this (at least one seed word).
    supervised_threshold : float, default 0.5
        The supervised classifier decides "present" at this predicted probability or above.
    null_quantile : float, default 0.95
        The quantile of the matching null a theme's interval must clear.
    interval_level : float, default 0.95
        Coverage of the bootstrap intervals.
    significance : float, default 0.05
        A theme is recovered when the permutation p-value of its seed-averaged AUC (matching
        redone in every permutation), Holm-adjusted over the model's themes, is below this and
        its mean AUC reaches ``capture_auc``. Fixed before scoring, like the other rules.
    """

    capture_auc: float = 0.7
    keyword_min_share: float = 0.0
    supervised_threshold: float = 0.5
    null_quantile: float = 0.95
    interval_level: float = 0.95
    significance: float = 0.05

    @staticmethod
    def topic_threshold(k: int) -> float:
        """A topic model decides "present" when the matched topic's share is at least 1/K:
        more than a uniform spread over the K topics would give."""
        return 1.0 / k

    @property
    def topic_rule(self) -> str:
        return "topic share >= 1/K (more than a uniform spread over the K topics would give)"

    @property
    def keyword_rule(self) -> str:
        if self.keyword_min_share == 0:
            return "at least one of the theme's seed words (share > 0)"
        return f"the theme's share of the seed words > {self.keyword_min_share:g}"

    @property
    def document_rule(self) -> str:
        return "the paragraph comes from the document matched to the theme"

    @property
    def length_rule(self) -> str:
        return "the paragraph is at least as long as the median paragraph"

    @property
    def supervised_rule(self) -> str:
        return f"predicted probability >= {self.supervised_threshold:g}"

    @property
    def verdict_rule(self) -> str:
        return (
            f"recovered: permutation p-value of the seed-averaged AUC (matching redone in every "
            f"permutation), Holm-adjusted over the model's themes, below {self.significance:g}, and mean "
            f"AUC >= {self.capture_auc:g}; weak: significant but mean AUC < {self.capture_auc:g}; "
            "not recovered: otherwise; unmatched: no topic matched to the theme in any seed (AUC and "
            "p-value over the seeds that matched one)"
        )

    @property
    def interval_verdict_rule(self) -> str:
        q, lvl = f"{self.null_quantile:.0%}", f"{self.interval_level:.0%}"
        return (
            f"(the earlier rule) recovered: mean AUC >= {self.capture_auc:g} and the lower end of its {lvl} "
            f"interval above the {_ordinal(q)} percentile of the matching null; weak: interval above that "
            f"null but mean AUC < {self.capture_auc:g}; not recovered: otherwise"
        )

    @property
    def recovered_in_words(self) -> str:
        return (
            f"the Holm-adjusted permutation p-value is below {self.significance:g} and the mean AUC "
            f"reaches {self.capture_auc:.2f}"
        )

    def verdict(self, auc_mean: float, p_adjusted: float, *, matched: bool = True) -> str:
        """``recovered``, ``weak``, ``not recovered``, ``undefined`` (no AUC) or ``unmatched`` (no
        seed matched the theme to a topic: there is no verdict to give)."""
        if not matched:
            return "unmatched"
        if not np.isfinite(auc_mean):
            return "undefined"
        significant = p_adjusted < self.significance
        if significant and auc_mean >= self.capture_auc:
            return "recovered"
        return "weak" if significant else "not recovered"

    def interval_verdict(
        self, auc_mean: float, ci_low: float, null_high: float, *, matched: bool = True
    ) -> str:
        """The earlier rule (interval above the null's quantile), kept beside the new one once."""
        if not matched:
            return "unmatched"
        if not np.isfinite(auc_mean):
            return "undefined"
        above_null = ci_low > null_high
        if above_null and auc_mean >= self.capture_auc:
            return "recovered"
        return "weak" if above_null else "not recovered"

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "decision_rules": {
                "topic": self.topic_rule,
                "keywords": self.keyword_rule,
                "document": self.document_rule,
                "length": self.length_rule,
                "supervised": self.supervised_rule,
            },
            "verdict_rule": self.verdict_rule,
            "interval_verdict_rule": self.interval_verdict_rule,
        }


def _ordinal(percent: str) -> str:
    return percent.rstrip("%") + "th"


RULES = Rules()
"""The rules of the study, as fixed in advance."""
