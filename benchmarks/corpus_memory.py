"""Peak memory of the corpus stage and of ``themes fit --corpus`` on a table of a given size.

    .venv/bin/python benchmarks/corpus_memory.py                  # a 200 MB table
    .venv/bin/python benchmarks/corpus_memory.py --megabytes 20 50 200

The table (``benchmarks/data/memory_<MB>mb.csv``, made once) holds documents of six paragraphs
of English news text resampled by a word-bigram chain (as ``corpus_timing.py``), one in ten a
republication of an earlier one with small edits. Each command runs in its own process; its peak
resident memory is the kernel's (``ru_maxrss`` of the finished child). The target (issue 27):
at most about three times the input plus a few hundred megabytes, below the streaming threshold.
Results go to ``benchmarks/results/corpus_memory.md``.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from corpus_timing import DATA, bigram_chain, edited, paragraph

HERE = Path(__file__).resolve().parent
PARAGRAPHS_PER_DOC = 6


def make_table(path: Path, megabytes: int, seed: int = 0) -> Path:
    """A CSV corpus (id, text) of about ``megabytes`` MB."""
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    starts, following = bigram_chain([DATA / "lee_background.cor", DATA / "lee.cor"])
    path.parent.mkdir(parents=True, exist_ok=True)
    written, bodies, d = 0, [], 0
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "text"])
        while written < megabytes * 10**6:
            if bodies and rng.random() < 0.1:
                paras = [edited(rng, p) for p in bodies[rng.integers(len(bodies))]]
            else:
                paras = [paragraph(rng, starts, following) for _ in range(PARAGRAPHS_PER_DOC)]
            if len(bodies) < 5000:  # republications draw from the first documents
                bodies.append(paras)
            text = "\n\n".join([f"Report number {d}", *paras])
            out.writerow([f"doc{d:07d}", text])
            written += len(text.encode("utf-8")) + 12
            d += 1
    tmp.rename(path)
    return path


def peak_of(argv: list[str]) -> tuple[float, float, int]:
    """Run a command; its wall time (s), peak resident memory (MB) and exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        print(proc.stderr.read().decode()[-500:], file=sys.stderr)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, nargs="+", default=[200])
    parser.add_argument("--out", default=str(HERE / "results" / "corpus_memory.md"))
    args = parser.parse_args()
    themes = [sys.executable, "-m", "themes"]
    rows = []
    for mb in args.megabytes:
        table = make_table(HERE / "data" / f"memory_{mb}mb.csv", mb)
        size = table.stat().st_size / 2**20
        scratch = HERE / "data" / f"out_{mb}mb"
        commands = {
            "themes corpus": [*themes, "corpus", str(table), "--out", str(scratch / "corpus")],
            "themes fit --corpus (nmf_sklearn, K=10)": [
                *themes, "fit", "--corpus", str(table), "--model", "nmf_sklearn", "--k", "10",
                "--out", str(scratch / "fit"),
            ],
        }  # fmt: skip
        for name, argv in commands.items():
            seconds, peak, code = peak_of(argv)
            rows.append((f"{size:.0f}", name, f"{seconds:.0f}", f"{peak:.0f}", f"{peak / size:.1f}", code))
            print(" | ".join(map(str, rows[-1])), flush=True)
    lines = [
        "# Peak memory of the corpus stage (`benchmarks/corpus_memory.py`)",
        "",
        "| input (MiB) | command | wall (s) | peak RSS (MiB) | peak / input | exit |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
        *(f"| {' | '.join(map(str, r))} |" for r in rows),
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
