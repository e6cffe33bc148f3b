"""The figure of the verdict's calibration by simulation (``benchmarks/calibration.py``)."""

from __future__ import annotations

import pandas as pd

from .plots import new_figure


def figure_calibration(table: pd.DataFrame):
    """The verdict calibrated by simulation (``benchmarks/results/calibration.csv``): left, the share of
    null studies with a theme recovered under each null, by how strongly themes cluster by document,
    with the nominal 5%; right, the power to recover a planted theme by documents and paragraphs."""
    fig, axes = new_figure(1, 2, width=9.0, height=3.6)
    null, power = table[table["kind"] == "null"], table[table["kind"] == "power"]
    ax = axes[0, 0]
    nulls = (("document", "within documents"), ("corpus", "across the corpus"))
    for offset, (within, label) in zip((-0.12, 0.12), nulls, strict=True):
        part = null[null["null_within"] == within].sort_values("clustering")
        ax.errorbar(
            part["clustering"] + offset,
            part["any_recovered"],
            yerr=1.96 * part["any_recovered_se"],
            fmt="o",
            capsize=3,
            label=f"null {label}",
        )
    ax.axhline(0.05, color="#888888", linestyle="--", linewidth=1)
    ax.set_xlabel("clustering of themes by document (logit SD)")
    ax.set_ylabel("share of null studies with a theme 'recovered'")
    ax.legend(fontsize=7, loc="upper left")
    ax = axes[0, 1]
    rule = power[power["null_within"] == "document"]
    for paragraphs, part in rule.groupby("paragraphs_per_document"):
        part = part.sort_values("n_documents")
        ax.errorbar(
            part["n_documents"],
            part["theme0_recovered"],
            yerr=1.96 * part["theme0_recovered_se"],
            marker="o",
            capsize=3,
            label=f"{paragraphs} paragraphs per document",
        )
    ax.set_xscale("log", base=2)
    ax.set_xticks(
        sorted(rule["n_documents"].unique()), [str(d) for d in sorted(rule["n_documents"].unique())]
    )
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("source documents")
    ax.set_ylabel("power: planted theme recovered")
    ax.legend(fontsize=7, loc="lower right")
    return fig
