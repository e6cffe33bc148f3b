"""One model compared with the labels, theme by theme: the rows of ``results/alignment.csv``.

:func:`theme_table` takes a model's scorers over seeds (:class:`~themes.comparison.scorers.ModelRuns`)
and gives, per theme, the metrics averaged over seeds, the bootstrap intervals over paragraphs and
over source documents, the permutation null of the matching with its p-value and Holm's adjustment,
the score held out by document, the failure shares and the verdict. The main job runs it for every
model and baseline; :func:`themes.comparison.compare.compare` for a student's own fits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ThemesError
from ..models.fitting import resolve_seed_words
from ..reference.agreement import krippendorff_alpha
from ..selection.measures import TOP_N
from ..text.vectorizer import Vectorizer
from .held_out import leave_one_document_out_auc
from .intervals import bootstrap_auc, cluster_bootstrap_auc
from .matching import failure_kinds
from .metrics import METRICS, theme_metrics
from .null import holm, permutation_test, smallest_holm_p
from .rules import RULES, Rules
from .scorers import ModelRuns, ThemeScorer

UNCERTAINTY_COLUMNS = [
    "theme",
    "auc_ci_low",
    "auc_ci_high",
    "auc_cluster_low",
    "auc_cluster_high",
    "n_documents",
    "cluster_resamples",
    "null",
    "auc_null_mean",
    "auc_null_95",
    "auc_p",
    "auc_p_mc_se",
    "auc_p_holm",
    "auc_p_holm_min",
    "null_draws",
    "auc_lodo",
]
_SUMMARIES = [f"{m.name}_{summary}" for m in METRICS for summary in m.summaries]
ALIGNMENT_COLUMNS = [
    "model",
    "theme",
    "K",
    "matched_topic",
    "n_seeds",
    "seeds_matched",
    "matched_top_words",
    "theme_words_in_topic",
    "prevalence",
    *_SUMMARIES[:2],  # the AUC's mean and SD, then what measures its uncertainty
    *UNCERTAINTY_COLUMNS[1:],
    *_SUMMARIES[2:],
    "alpha_coders",
    "missing_share",
    "fused_share",
    "repeated_share",
    "verdict",
    "decision_rule",
]
"""One row per model and theme (``results/alignment.csv``, :attr:`themes.comparison.Comparison.metrics`);
the metrics' columns come from :data:`themes.comparison.metrics.METRICS`."""
PER_SEED_COLUMNS = ["model", "seed", "theme", "matched", *(m.name for m in METRICS)]
FAILURE_COLUMNS = ["model", "seed", "kind", "theme", "topics"]


@dataclass(frozen=True)
class Inference:
    """How the comparison measures its uncertainty.

    Parameters
    ----------
    n_boot : int, default 1000
        Bootstrap resamples for the intervals over paragraphs and over documents (0 skips both).
    n_perm : int, default 2000
        Label permutations for the matching null (0 skips it: no p-value and no verdict). With T
        themes the smallest Holm-adjusted p-value is T / (n_perm + 1): 2000 draws let five themes
        reach 0.0025, well below 0.05, so a recovery is not decided at the null's floor.
    seed : int, default 0
        Seed of the bootstrap and permutation draws (each model draws from its own generator
        seeded with it, so models can be compared in any order or in parallel).
    null_within : {"document", "corpus"}, default "document"
        Permute the labels within each source document (the null keeps every document's share of
        each theme, so telling documents apart earns nothing), or across the whole corpus (the rule
        before 2026-12; it calls a constant per document "recovered": see
        :data:`themes.comparison.rules.RULE_HISTORY`). Without documents, across the corpus.
    """

    n_boot: int = 1000
    n_perm: int = 2000
    seed: int = 0
    null_within: str = "document"

    def __post_init__(self):
        if self.null_within not in ("document", "corpus"):
            raise ThemesError(f"null_within must be 'document' or 'corpus', not {self.null_within!r}.")
        for name in ("n_boot", "n_perm"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ThemesError(f"{name} must be a whole number of at least 0, not {value!r}.")

    def check_reach(self, n_themes: int, *, rules: Rules = RULES) -> None:
        """Refuse, before any work, draws too few for any theme to be recovered after Holm's
        correction over ``n_themes`` (50 draws and five themes: the smallest Holm p is 0.098)."""
        if self.n_perm and n_themes / (self.n_perm + 1) >= rules.significance:
            need = math.ceil(n_themes / rules.significance)
            raise ThemesError(
                f"{self.n_perm} permutations cannot give {n_themes} themes a Holm-adjusted p-value below "
                f"{rules.significance:g} (the smallest is {n_themes / (self.n_perm + 1):.3f}): every theme "
                f"would be 'not recovered'; use at least {need} (or 0 to skip the null and the verdict)."
            )


def unmatched_themes(scorer: ThemeScorer) -> set[str]:
    """The themes a run matched no topic (or document) to: fewer candidates than themes."""
    return {theme for theme, topic in (scorer.matching or {}).items() if topic is None}


def per_seed_metrics(runs: ModelRuns, labels: pd.DataFrame) -> pd.DataFrame:
    """Each run's per-theme metrics, under its own decision rule.

    A theme a run matched nothing to (fewer topics than themes) is scored 0 on every paragraph: its
    metrics are those of that constant score (ROC AUC 0.5, average precision the prevalence, F1
    and alpha of deciding "absent" everywhere), ``matched`` False. This is the one treatment of an
    unmatched theme, in every table: the means over seeds count such a seed at chance, never leave it
    out (leaving it out would credit a model with the seeds that could represent the theme only).
    """
    rows = []
    for sc in runs:
        metrics = theme_metrics(sc.scores, labels, sc.decide(sc.scores))
        metrics.insert(1, "matched", ~metrics["theme"].isin(unmatched_themes(sc)))
        rows.append(metrics.assign(model=runs.name, seed=sc.seed))
    return pd.concat(rows, ignore_index=True)[PER_SEED_COLUMNS]


def failures(runs: ModelRuns, *, cutoff: float = RULES.capture_auc) -> pd.DataFrame:
    """Missing, fused and repeated themes of every fit of a topic model (none for a baseline)."""
    rows = [
        failure_kinds(sc.association, cutoff=cutoff).assign(model=runs.name, seed=sc.seed)
        for sc in runs
        if sc.association is not None
    ]
    return (
        pd.concat(rows, ignore_index=True)[FAILURE_COLUMNS] if rows else pd.DataFrame(columns=FAILURE_COLUMNS)
    )


def uncertainty(
    runs: ModelRuns,
    labels: pd.DataFrame,
    documents: pd.Series | None,
    *,
    inference: Inference = Inference(),
    rules: Rules = RULES,
) -> pd.DataFrame:
    """Per theme: the seed-averaged AUC's bootstrap intervals (over paragraphs, and over source
    documents with the matching redone), its permutation test over all seeds with Holm's
    adjustment over the model's themes, and the AUC with the matching made on the other documents
    only (``auc_lodo``). Without ``documents`` (or with ``n_boot``/``n_perm`` of 0) the columns of
    what was skipped are NaN.
    """
    scores = [sc.scores for sc in runs]
    candidates = [sc.candidates for sc in runs]
    table = pd.DataFrame({"theme": list(labels.columns)})
    if documents is not None:
        table["n_documents"] = documents.loc[labels.index].nunique()
    if inference.n_boot:
        table = table.merge(
            bootstrap_auc(scores, labels, n_boot=inference.n_boot, seed=inference.seed),
            on="theme",
        )
        if documents is not None:
            table = table.merge(
                cluster_bootstrap_auc(
                    candidates,
                    labels,
                    documents,
                    n_boot=inference.n_boot,
                    seed=inference.seed,
                    match=runs.matched,
                ).drop(columns="n_documents"),
                on="theme",
            )
    if inference.n_perm:
        strata = documents if inference.null_within == "document" else None
        test = null_test(
            candidates, labels, strata, n_perm=inference.n_perm, seed=inference.seed, match=runs.matched
        )
        if near_the_line(test, rules.significance):
            # a decision within Monte Carlo error of the significance level is settled with ten times
            # the draws (the first n_perm draws are the same, so the p-value only gets sharper)
            more = 10 * inference.n_perm
            test = null_test(candidates, labels, strata, n_perm=more, seed=inference.seed, match=runs.matched)
        table = table.merge(test, on="theme")
    if documents is not None:
        table = table.merge(
            leave_one_document_out_auc(candidates, labels, documents, match=runs.matched), on="theme"
        )
    return table.reindex(columns=UNCERTAINTY_COLUMNS)


def null_test(candidates, labels, strata, *, n_perm: int, seed: int, match: bool) -> pd.DataFrame:
    """The permutation test with Holm's adjustment over the themes, and the smallest adjusted p-value
    the null can give (:mod:`themes.comparison.null`)."""
    test = permutation_test(candidates, labels, n_perm=n_perm, seed=seed, match=match, strata=strata)
    test["auc_p_holm"] = holm(test["auc_p"])
    test["auc_p_holm_min"] = smallest_holm_p(test.loc[test["auc_p"].notna(), "auc_p_min"])
    test["null_draws"] = n_perm
    return test.drop(columns=["auc_observed", "auc_p_min"])


def near_the_line(test: pd.DataFrame, significance: float, *, k: float = 3.0) -> bool:
    """Whether a Holm-adjusted p-value lies within ``k`` Monte Carlo standard errors (scaled by its
    Holm multiplier) of the significance level, where the draws rather than the data would decide."""
    tested = test[test["auc_p"].notna()].sort_values("auc_p", kind="stable")
    multiplier = len(tested) - np.arange(len(tested))
    gap = np.abs(tested["auc_p"].to_numpy() * multiplier - significance)
    return bool((gap < k * tested["auc_p_mc_se"].to_numpy() * multiplier).any())


def theme_terms(vectorizer: Vectorizer, seed_words: dict | None) -> dict[str, set[str]]:
    """Each theme's seed words as the vocabulary terms they map to (lower case, stemmed)."""
    terms, _ = resolve_seed_words(vectorizer, seed_words or {})
    return {theme: set(found) for theme, found in terms.items()}


def _matched_words(scorer: ThemeScorer, theme: str, terms: dict[str, set[str]], n: int) -> tuple[str, float]:
    """The first run's topic for ``theme``: its top words, and how many of its top terms are the theme's
    seed words (NaN when no topic is matched or the scorer has no topics)."""
    if scorer.model is None or scorer.matching.get(theme) is None:
        return "", np.nan
    i = scorer.model.topic_names.index(scorer.matching[theme])
    top = scorer.model.top_word_lists(n, readable=False)[i]
    words = scorer.model.top_word_lists(n)[i]
    return " ".join(words), float(len(set(top) & terms.get(theme, set()))) if terms else np.nan


@dataclass(frozen=True, eq=False)
class ThemeTable:
    """A model compared with the labels: per theme (:attr:`table`), per seed, and its failures."""

    table: pd.DataFrame
    per_seed: pd.DataFrame
    failures: pd.DataFrame


def theme_table(
    runs: ModelRuns,
    labels: pd.DataFrame,
    documents: pd.Series | None = None,
    *,
    inference: Inference = Inference(),
    rules: Rules = RULES,
    coders: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    seed_terms: dict[str, set[str]] | None = None,
) -> ThemeTable:
    """One model's comparison with the labels, one row per theme (the columns of :data:`ALIGNMENT_COLUMNS`).

    Parameters
    ----------
    runs : ModelRuns
        The model's scorers, one per seed (the first is the reference seed's).
    labels : pandas.DataFrame
        0/1 per theme, indexed by paragraph id, for the runs' paragraphs.
    documents : pandas.Series, optional
        Each paragraph's source document (for the intervals over documents and the held-out AUC).
    inference : Inference
        Bootstrap and permutation draws and their seed.
    coders : tuple of two DataFrames, optional
        Two independent codings (by people or language models: ``data/reference/coders.yml`` says
        which): their alpha with each other (``alpha_coders``) is set beside the model's alpha with
        the reference.
    seed_terms : dict of str to set of str, optional
        Each theme's seed words as terms (:func:`theme_terms`): ``theme_words_in_topic`` counts them
        among the matched topic's top terms, a match with none of them is not to be taken at its label.
    """
    per_seed = per_seed_metrics(runs, labels)
    failed = failures(runs, cutoff=rules.capture_auc)
    grouped = per_seed.groupby("theme", sort=False)[[m.name for m in METRICS]]
    table = pd.concat([grouped.mean().add_suffix("_mean"), grouped.std(ddof=1).add_suffix("_sd")], axis=1)
    table.insert(0, "n_seeds", grouped.size())
    table.insert(1, "seeds_matched", per_seed.groupby("theme", sort=False)["matched"].sum().astype(int))
    spread = uncertainty(runs, labels, documents, inference=inference, rules=rules)
    table = table.reset_index().merge(spread, on="theme")
    between_coders = {
        t: krippendorff_alpha(coders[0][t], coders[1][t]) if coders is not None else np.nan
        for t in labels.columns
    }
    prevalence = labels.mean()
    first, topic = runs.first, runs.model is not None
    rows = []
    for row in table.to_dict("records"):
        theme = row["theme"]
        kinds = failed[failed["theme"] == theme]
        top_words, theme_words = _matched_words(first, theme, seed_terms or {}, TOP_N)
        rows.append(
            {
                **row,
                "model": runs.name,
                "matched_top_words": top_words,
                "theme_words_in_topic": theme_words,
                "K": first.model.k if topic else np.nan,
                "matched_topic": (first.matching.get(theme) or "none") if first.matching is not None else "",
                "prevalence": prevalence[theme],
                "alpha_coders": between_coders[theme],
                "decision_rule": first.decision_rule,
                "missing_share": (kinds["kind"] == "missing").sum() / len(runs) if topic else np.nan,
                "fused_share": kinds[kinds["kind"] == "fused"]["seed"].nunique() / len(runs)
                if topic
                else np.nan,
                "repeated_share": (kinds["kind"] == "repeated").sum() / len(runs) if topic else np.nan,
                "verdict": verdict_of(row, tested=bool(inference.n_perm), rules=rules),
            }
        )
    return ThemeTable(pd.DataFrame(rows)[ALIGNMENT_COLUMNS], per_seed, failed)


def verdict_of(row: dict, *, tested: bool, rules: Rules = RULES) -> str:
    """A theme's verdict from its row (:meth:`themes.comparison.rules.Rules.verdict`)."""
    if not tested and row["seeds_matched"] > 0:
        return "not tested"
    cannot = None
    if tested and not row["auc_p_holm_min"] < rules.significance:
        documents = int(row["n_documents"]) if pd.notna(row["n_documents"]) else None
        cannot = f"cannot tell with {documents} documents" if row["null"] == "documents" else "cannot tell"
    return rules.verdict(
        row["auc_mean"],
        row["auc_p_holm"],
        seeds_matched=int(row["seeds_matched"]),
        n_seeds=int(row["n_seeds"]),
        cannot_tell=cannot,
    )


def summary_table(alignment_rows: pd.DataFrame) -> pd.DataFrame:
    """Per model: mean over themes of the headline scores, and its share of the supervised gain
    (on ``auc_lodo``: each model's held-out within-document AUC over the supervised classifier's).

    A seed that left a theme unmatched counts at chance in the theme's mean (as in every table:
    :func:`per_seed_metrics`); ``themes_matched`` counts the themes a majority of seeds matched.
    """
    rows = alignment_rows.assign(matched=alignment_rows["seeds_matched"] * 2 > alignment_rows["n_seeds"])
    out = (
        rows.groupby("model", sort=False)
        .agg(
            K=("K", "first"),
            themes_matched=("matched", "sum"),
            auc_mean=("auc_mean", "mean"),
            auc_lodo_mean=("auc_lodo", "mean"),
            average_precision_mean=("average_precision_mean", "mean"),
            f1_mean=("f1_mean", "mean"),
            alpha_model_mean=("alpha_model_mean", "mean"),
            themes_recovered=("verdict", lambda v: int((v == "recovered").sum())),
            themes_cannot_tell=("verdict", lambda v: int(v.str.startswith("cannot tell").sum())),
        )
        .reset_index()
    )
    if "supervised" in set(out["model"]):
        # on the held-out, within-document AUC: the supervised classifier is held out by document,
        # and pooling its folds' scores compares classifiers fitted on different documents
        sup = out.loc[out["model"] == "supervised", "auc_lodo_mean"].iloc[0]
        out["share_of_supervised_gain"] = (out["auc_lodo_mean"] - 0.5) / (sup - 0.5) if sup > 0.5 else np.nan
    return out
