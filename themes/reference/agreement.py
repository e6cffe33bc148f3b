"""Agreement between coders and what the reference set looks like.

Krippendorff's alpha and Cohen's kappa per theme with intervals, the adjudication log checked
against the two codings, and the reference's prevalence, co-occurrence and themes per document.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from .. import files
from ..errors import LabelError
from .labels import ID

# Krippendorff (2004, p. 241): rely on variables with alpha >= .800; consider variables with
# .667 <= alpha < .800 only for tentative conclusions.
ALPHA_FIRM = 0.8


ALPHA_TENTATIVE = 0.667


def krippendorff_alpha(*codings: np.ndarray) -> float:
    """Nominal Krippendorff's alpha of two or more 0/1 codings of the same units.

    NaN when the codings use a single value throughout (alpha is undefined without
    variation).
    """
    data = np.vstack([np.asarray(c, dtype=float) for c in codings])
    if np.unique(data[~np.isnan(data)]).size < 2:
        return float("nan")
    return float(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal", value_domain=[0, 1])
    )


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two 0/1 codings; NaN when both use a single value throughout."""
    a, b = np.asarray(a), np.asarray(b)
    if np.unique(np.concatenate([a, b])).size < 2:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # kappa is nan when one coder is constant
        return float(cohen_kappa_score(a, b, labels=[0, 1]))


def reliability_verdict(alpha: float) -> str:
    """Krippendorff's reading of an alpha: firm, tentative or unreliable."""
    if np.isnan(alpha):
        return "undefined"
    if alpha >= ALPHA_FIRM:
        return "firm"
    if alpha >= ALPHA_TENTATIVE:
        return "tentative"
    return "unreliable"


def alpha_interval(
    a: np.ndarray, b: np.ndarray, *, n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """Percentile bootstrap interval of Krippendorff's alpha over paragraphs.

    Paragraphs are resampled with replacement; resamples in which alpha is undefined (no
    variation) are left out. With few positives the interval is wide: it says how much the
    alpha of a rare theme rests on a handful of paragraphs.
    """
    rng = np.random.default_rng(seed)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    draws = []
    for _ in range(n_boot):
        idx = rng.integers(0, len(a), len(a))
        draws.append(krippendorff_alpha(a[idx], b[idx]))
    draws = np.asarray(draws)
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        return float("nan"), float("nan")
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def agreement_table(
    coder1: pd.DataFrame, coder2: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """Per theme: positives by each coder, disagreements, Krippendorff's alpha (with a bootstrap
    interval over paragraphs), Cohen's kappa, and Krippendorff's reading of the alpha.

    Both codings must have the same index and columns (validate them with
    :func:`load_labels` first).
    """
    rows = []
    for theme in coder1.columns:
        a, b = coder1[theme].to_numpy(), coder2.loc[coder1.index, theme].to_numpy()
        alpha = krippendorff_alpha(a, b)
        low, high = alpha_interval(a, b, n_boot=n_boot, seed=seed)
        rows.append(
            {
                "theme": theme,
                "n_paragraphs": len(a),
                "coder1_positive": int(a.sum()),
                "coder2_positive": int(b.sum()),
                "disagreements": int((a != b).sum()),
                "percent_agreement": float((a == b).mean()),
                "krippendorff_alpha": alpha,
                "alpha_ci_low": low,
                "alpha_ci_high": high,
                "cohen_kappa": cohen_kappa(a, b),
                "verdict": reliability_verdict(alpha),
            }
        )
    return pd.DataFrame(rows)


def agreement_with_reference(
    reference: pd.DataFrame, codings: dict[str, pd.DataFrame], *, n_boot: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """Per coding and theme, how far another coding agrees with the reference labels.

    For a study whose reference was recoded by people: each earlier coding (a language model's,
    say) set beside the people's labels, with the same measures as :func:`agreement_table`.
    """
    rows = []
    for name, coding in codings.items():
        for theme in reference.columns:
            a, b = reference[theme].to_numpy(), coding.loc[reference.index, theme].to_numpy()
            low, high = alpha_interval(a, b, n_boot=n_boot, seed=seed)
            rows.append(
                {
                    "coding": name,
                    "theme": theme,
                    "n_paragraphs": len(a),
                    "reference_positive": int(a.sum()),
                    "coding_positive": int(b.sum()),
                    "disagreements": int((a != b).sum()),
                    "percent_agreement": float((a == b).mean()),
                    "krippendorff_alpha": krippendorff_alpha(a, b),
                    "alpha_ci_low": low,
                    "alpha_ci_high": high,
                    "cohen_kappa": cohen_kappa(a, b),
                }
            )
    return pd.DataFrame(rows)


ADJUDICATION_COLUMNS = [ID, "theme", "coder1", "coder2", "final", "reason"]


def check_adjudication(
    coder1: pd.DataFrame, coder2: pd.DataFrame, final: pd.DataFrame, log: str | Path
) -> pd.DataFrame:
    """Check that the final labels are the two codings with every disagreement settled in the log.

    Where the coders agree the final label must be theirs; where they disagree the log
    must hold exactly one row (with a reason) whose ``final`` value is the final label.

    Returns
    -------
    pandas.DataFrame
        The adjudication log.
    """
    log = Path(log)
    if not log.is_file():
        raise LabelError(f"the adjudication log {log} does not exist.")
    table = files.read_csv(log, dtype=str, keep_default_na=False)
    missing = [c for c in ADJUDICATION_COLUMNS if c not in table.columns]
    if missing:
        raise LabelError(f"{log} lacks the column(s) {', '.join(missing)}.")
    settled = {(r[ID], r["theme"]): r for r in table.to_dict("records")}
    problems = []
    if len(settled) < len(table):
        problems.append("a (paragraph, theme) pair is settled twice")
    for theme in coder1.columns:
        for pid in coder1.index:
            a, b, f = int(coder1.at[pid, theme]), int(coder2.at[pid, theme]), int(final.at[pid, theme])
            row = settled.pop((pid, theme), None)
            if a == b:
                if f != a:
                    problems.append(f"{pid}/{theme}: both coders gave {a} but the final label is {f}")
                if row is not None:
                    problems.append(f"{pid}/{theme} is in the log although the coders agree")
            elif row is None:
                problems.append(f"{pid}/{theme}: the coders disagree and the log does not settle it")
            elif (row["coder1"], row["coder2"], row["final"]) != (str(a), str(b), str(f)) or not row[
                "reason"
            ].strip():
                problems.append(
                    f"{pid}/{theme}: the log row does not match the codings and final labels, "
                    "or has no reason"
                )
    if settled:
        problems.append(f"log rows for unknown pairs {', '.join('/'.join(k) for k in settled)}")
    if problems:
        raise LabelError(f"{log}: " + "; ".join(problems) + ".")
    return table


def prevalence(labels: pd.DataFrame) -> pd.DataFrame:
    """Number and share of paragraphs carrying each theme."""
    return pd.DataFrame(
        {"theme": labels.columns, "paragraphs": labels.sum().to_numpy(), "share": labels.mean().to_numpy()}
    )


def cooccurrence(labels: pd.DataFrame) -> pd.DataFrame:
    """Theme x theme counts of paragraphs carrying both (the diagonal is the prevalence)."""
    matrix = labels.T @ labels
    matrix.index.name = "theme"
    return matrix.reset_index()


def themes_by_document(labels: pd.DataFrame, doc_ids: pd.Series) -> pd.DataFrame:
    """Per document: number of kept paragraphs and of paragraphs carrying each theme."""
    table = labels.assign(doc_id=doc_ids.loc[labels.index].to_numpy())
    counts = table.groupby("doc_id")[list(labels.columns)].sum()
    counts.insert(0, "paragraphs", table.groupby("doc_id").size())
    return counts.reset_index()


def themes_per_paragraph(labels: pd.DataFrame) -> pd.DataFrame:
    """How many paragraphs carry 0, 1, 2, ... themes."""
    n = labels.sum(axis=1).value_counts().sort_index()
    return pd.DataFrame({"themes": n.index.astype(int), "paragraphs": n.to_numpy()})
