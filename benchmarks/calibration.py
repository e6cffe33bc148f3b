"""Calibration of the verdict by simulation: the false-recovery rate under a null where themes cluster
by document, and the power to recover a planted theme by number of documents and paragraphs.

Each synthetic study is drawn by :func:`themes.comparison.calibration.simulate` (documents with topic
mixtures and theme shares of their own), fitted with NMF, and compared with its labels by the
study's own ``theme_table``, once with the null that permutes labels within documents (the rule) and
once with the null that permutes them across the corpus (the earlier rule). Writes
``benchmarks/results/calibration.csv`` and ``calibration.md``.

    python benchmarks/calibration.py                 # the full grid (about 15 minutes on 2 cores)
    python benchmarks/calibration.py --studies 40    # a quick look
"""

from __future__ import annotations

import argparse
import platform
import time
import warnings
from dataclasses import replace
from pathlib import Path

import pandas as pd

from themes.comparison.calibration import Design, rates

OUT = Path(__file__).parent / "results"
STUDY_SIZE = Design(n_documents=4, paragraphs_per_document=12, n_themes=5)
"""The seed study's shape: four source documents, about fifty paragraphs, five themes."""
CLUSTERING = (0.0, 1.0, 2.0)
DOCUMENTS = (4, 8, 16, 32)
PARAGRAPHS = (12, 25, 50)
EFFECT = 8.0
"""Under the alternative, the planted theme's logit rises by 8 per unit of its topic's share (from a
paragraph without the topic to one that is all topic, its odds rise about e^8 = 3,000-fold)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=300, help="synthetic studies per null cell")
    parser.add_argument("--power-studies", type=int, default=100, help="synthetic studies per power cell")
    parser.add_argument("--perm", type=int, default=200, help="permutations per null (as the earlier rule)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    rows = []
    for clustering in CLUSTERING:  # the null at the seed study's size
        design = replace(STUDY_SIZE, clustering=clustering)
        rows.append(
            rates(design, range(args.studies), n_perm=args.perm, n_jobs=args.jobs).assign(kind="null")
        )
        print(f"null, clustering {clustering}: {time.perf_counter() - start:.0f} s", flush=True)
    for documents in DOCUMENTS:
        for paragraphs in PARAGRAPHS:
            design = Design(n_documents=documents, paragraphs_per_document=paragraphs, effect=EFFECT)
            seeds = range(10_000, 10_000 + args.power_studies)
            rows.append(rates(design, seeds, n_perm=args.perm, n_jobs=args.jobs).assign(kind="power"))
            print(f"power, {documents} x {paragraphs}: {time.perf_counter() - start:.0f} s", flush=True)
    table = pd.concat(rows, ignore_index=True)
    OUT.mkdir(exist_ok=True)
    table.to_csv(OUT / "calibration.csv", index=False, float_format="%.4g")
    (OUT / "calibration.md").write_text(report(table, args, time.perf_counter() - start), encoding="utf-8")
    print(report(table, args, time.perf_counter() - start))


def report(table: pd.DataFrame, args, seconds: float) -> str:
    null = table[table["kind"] == "null"]
    power = table[table["kind"] == "power"]
    lines = [
        "# Calibration of the verdict by simulation",
        "",
        f"`python benchmarks/calibration.py --studies {args.studies} --power-studies {args.power_studies} "
        f"--perm {args.perm}`; {platform.processor() or platform.machine()}, {seconds / 60:.1f} minutes on "
        f"{args.jobs} worker process(es).",
        "",
        "## False recovery under the null (labels depend on the document only)",
        "",
        "Four documents of twelve paragraphs, five themes, six topics; each document its own topic mixture "
        "and its own share of each theme (clustering: the spread of that share across documents, on the "
        "logit scale). `any_recovered` is the share of studies in which the verdict calls at least one "
        "theme recovered (the family-wise rate Holm's correction holds at 5%), with its Monte Carlo "
        "standard error.",
        "",
        "| clustering | null (within documents, the rule) | null (across the corpus, the earlier rule) |",
        "| --- | --- | --- |",
    ]
    for clustering, part in null.groupby("clustering"):
        cells = {
            r.null_within: f"{r.any_recovered:.3f} ± {r.any_recovered_se:.3f} "
            f"(themes: {r.themes_recovered:.3f})"
            for r in part.itertuples()
        }
        lines.append(f"| {clustering:g} | {cells['document']} | {cells['corpus']} |")
    lines += [
        "",
        "## Power to recover a planted theme",
        "",
        f"One theme tied to a planted topic (effect {EFFECT:g} on the logit scale per unit of the topic's "
        "share), the others null; the share of studies in which the planted theme is recovered, by "
        "documents and paragraphs per document (null within documents).",
        "",
        "| documents | " + " | ".join(f"{p} paragraphs each" for p in PARAGRAPHS) + " |",
        "| --- | " + " | ".join("---" for _ in PARAGRAPHS) + " |",
    ]
    rule = power[power["null_within"] == "document"]
    for documents, part in rule.groupby("n_documents"):
        cells = part.set_index("paragraphs_per_document")
        lines.append(
            f"| {documents} | "
            + " | ".join(
                f"{cells.at[p, 'theme0_recovered']:.2f} ± {cells.at[p, 'theme0_recovered_se']:.2f}"
                for p in PARAGRAPHS
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
