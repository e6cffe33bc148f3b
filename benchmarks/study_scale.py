"""Time a student's whole study at three sizes, on real labelled text, beside the design it replaced.

A benchmark, not a test. Each size is a new study made as a student makes one: ``themes init`` on a
folder of texts, labels and seed words written into it, then ``themes reproduce`` with the notebooks;
then ``reproduce`` again with nothing changed, and once more after one theme's seed words are edited.
The text is the Linux man-pages as Debian ships them (``benchmarks/manpages.py``: each paragraph
labelled by the section of its page it sits under, five themes, seed words written from the section
names). Every command runs in its own process under GNU ``time`` (wall and CPU seconds of the process
and its workers, peak resident memory of the largest); the stages inside ``reproduce`` come from its
own progress lines (``themes: K sweep: 150/150 done in 2 min 10 s``)::

    .venv/bin/python benchmarks/study_scale.py prepare          # render the pages once (2-15 min)
    .venv/bin/python benchmarks/study_scale.py run --sizes 500 2000 20000 \\
        --baseline 500 --baseline-code /tmp/themes-before        # a checkout of the design it replaced

The table goes to ``benchmarks/results/study_scale.{csv,md}`` with the machine and its load.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import manpages

HERE = Path(__file__).resolve().parent
RENDERED = HERE / "data" / "manpages_rendered"
RESULTS = HERE / "results"
KEPT_SHARE = 0.72
"""Kept paragraphs per block of 15 words or more in these pages (0.78 at 2,000, 0.72 at 20,000): the
corpus is cut to ``size / KEPT_SHARE`` such blocks so that about ``size`` paragraphs are kept."""
ENV = {
    **os.environ,
    "PYTHONHASHSEED": "0",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
}
STAGE_LINE = re.compile(r"^themes: (?P<stage>.+?): (?P<n>\d+)/\d+ done in (?P<time>.+)$")
ESTIMATE = re.compile(r"estimated time: about (?P<time>.+?) on")


def seconds(text: str) -> float:
    """``2 min 05 s`` -> 125."""
    units = {"h": 3600, "min": 60, "s": 1}
    return float(sum(int(n) * units[u] for n, u in re.findall(r"(\d+) (h|min|s)\b", text)))


def timed(cmd: list[str], *, env: dict, cwd: Path | None = None, log: Path | None = None) -> dict:
    """Run ``cmd`` under GNU time: wall and CPU seconds, peak memory (MB), exit code, its stderr."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stamp:
        full = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", stamp.name, *cmd]
        done = subprocess.run(full, env=env, cwd=cwd, capture_output=True, text=True)
        wall, user, system, peak_kb = Path(stamp.name).read_text().split()[-4:]
    if log is not None:
        log.write_text(done.stdout + "\n--- stderr ---\n" + done.stderr, encoding="utf-8")
    return {
        "wall_s": float(wall),
        "cpu_s": float(user) + float(system),
        "peak_mb": int(peak_kb) / 1024,
        "exit": done.returncode,
        "stderr": done.stderr,
    }


def make_study(size: int, work: Path, *, python: str, env: dict) -> tuple[Path, list[dict]]:
    """``themes init`` on about ``size`` kept paragraphs of man pages, then labels and seed words."""
    rendered = manpages.in_order(list(RENDERED.glob("*.txt")))
    texts, study = work / f"texts_{size}", work / f"study_{size}"
    for folder in (texts, study):
        shutil.rmtree(folder, ignore_errors=True)
    pages = manpages.make_corpus(rendered, texts, n_paragraphs=round(size / KEPT_SHARE))
    rows = []
    init = timed(
        [
            python,
            "-m",
            "themes",
            "init",
            str(study),
            "--themes",
            ",".join(manpages.THEMES),
            "--corpus",
            str(texts),
        ],
        env=env,
    )
    rows.append({"stage": "init", **init, "detail": f"{pages} pages"})
    start = time.perf_counter()
    import pandas as pd

    paragraphs = pd.read_csv(
        study / "data" / "processed" / "paragraphs.csv", dtype=str, keep_default_na=False
    )
    labels = manpages.labels_for(paragraphs, study / "data" / "raw")
    labels.to_csv(study / "data" / "reference" / "labels.csv", index=False)
    (study / "data" / "reference" / "seed_words.yml").write_text(
        seed_words_yaml(manpages.SEED_WORDS), encoding="utf-8"
    )
    prevalence = ", ".join(f"{t} {int(labels[t].sum())}" for t in manpages.THEMES)
    rows.append(
        {
            "stage": "labels and seed words",
            "wall_s": time.perf_counter() - start,
            "cpu_s": None,
            "peak_mb": None,
            "exit": 0,
            "detail": f"{len(labels)} kept paragraphs; {prevalence}",
        }
    )
    return study, rows


def reproduce_rows(result: dict, label: str) -> list[dict]:
    """The run itself, then each stage it reported, then its estimate."""
    err = result["stderr"]
    estimate = ESTIMATE.search(err)
    failed = [line for line in err.splitlines() if "error" in line][-1:] if result["exit"] else []
    detail = (f"estimated {estimate.group('time')}" if estimate else "") + (
        f"; {failed[0]}" if failed else ""
    )
    rows = [
        {"stage": label, **{k: result[k] for k in ("wall_s", "cpu_s", "peak_mb", "exit")}, "detail": detail}
    ]
    for line in err.splitlines():
        m = STAGE_LINE.match(line.strip())
        if m:
            rows.append(
                {
                    "stage": f"  {m.group('stage')}",
                    "wall_s": seconds(m.group("time")),
                    "cpu_s": None,
                    "peak_mb": None,
                    "exit": None,
                    "detail": f"{m.group('n')} done",
                }
            )
    if "nothing changed since the last run" in err:
        rows[0]["detail"] = (rows[0]["detail"] + "; nothing changed: nothing redone").lstrip("; ")
    return rows


def run_size(size: int, work: Path, args) -> list[dict]:
    python = sys.executable
    env = {**ENV, "PYTHONPATH": str(HERE.parent)}
    study, rows = make_study(size, work, python=python, env=env)
    first = timed(
        [python, "-m", "themes", "--root", str(study), "reproduce"], env=env, log=work / f"log_{size}_1.txt"
    )
    rows += reproduce_rows(first, "reproduce, with notebooks")
    again = timed(
        [python, "-m", "themes", "--root", str(study), "reproduce"], env=env, log=work / f"log_{size}_2.txt"
    )
    rows += reproduce_rows(again, "reproduce again, nothing changed")
    if size > args.edit_up_to:
        return [{"size": size, "design": "new", **r} for r in rows]
    seeds = dict(manpages.SEED_WORDS, bugs=[*manpages.SEED_WORDS["bugs"], "regression"])
    (study / "data" / "reference" / "seed_words.yml").write_text(seed_words_yaml(seeds), encoding="utf-8")
    edited = timed(
        [python, "-m", "themes", "--root", str(study), "reproduce"], env=env, log=work / f"log_{size}_3.txt"
    )
    rows += reproduce_rows(edited, "reproduce after one theme's seed words changed")
    manifest = json.loads((study / "results" / "MANIFEST.json").read_text(encoding="utf-8"))
    rows[0]["detail"] += (
        f"; scale {manifest['config']['scale']}, chosen K {manifest['selection']['chosen_K']}"
    )
    return [{"size": size, "design": "new", **r} for r in rows]


def run_baseline(size: int, work: Path, code: Path) -> list[dict]:
    """The same study (a fresh copy of the inputs) with the code of the design it replaced."""
    source = work / f"study_{size}"
    study = work / f"baseline_{size}"
    shutil.rmtree(study, ignore_errors=True)
    shutil.copytree(source, study, ignore=shutil.ignore_patterns("results", ".themes-cache", ".themes.lock"))
    shutil.rmtree(study / "notebooks")
    shutil.copytree(code / "notebooks", study / "notebooks")  # the notebooks its init copied
    env = {**ENV, "PYTHONPATH": str(code)}
    result = timed(
        [sys.executable, "-m", "themes", "--root", str(study), "reproduce"],
        env=env,
        log=work / f"log_baseline_{size}.txt",
    )
    return [
        {"size": size, "design": "before", **r} for r in reproduce_rows(result, "reproduce, with notebooks")
    ]


def seed_words_yaml(seed_words: dict[str, list[str]]) -> str:
    """The seed words as YAML, each word quoted: unquoted, ``null`` (a return_value word) reads as
    YAML's null, which the study refuses."""
    return "".join(f"{t}: {json.dumps(list(w))}\n" for t, w in seed_words.items())


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem, "python": platform.python_version()}


def write_tables(rows: list[dict], meta: dict, name: str = "study_scale") -> None:
    RESULTS.mkdir(exist_ok=True)
    fields = ["size", "design", "stage", "wall_s", "cpu_s", "peak_mb", "exit", "detail"]
    with (RESULTS / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)

    def cell(v, fmt):
        return "" if v is None else format(v, fmt)

    load = meta.get("load") or f"{meta['load_start']} at the start, {meta['load_end']} at the end"
    lines = [
        "# A student's study at three sizes",
        "",
        f"Machine: {meta['cpu']}, {meta['cores']} cores, {meta['memory_mb']:,} MB, Python {meta['python']}. "
        f"Load average (1, 5, 15 min): {load}. The machine was shared with other work, "
        "so wall times are stretched by the load; CPU seconds are the steadier figure.",
        "",
        "Text: the Linux man-pages (Debian's manpages and manpages-dev; git's manual, git-man, too for the "
        "largest study), each page a document, each "
        "paragraph labelled by the section it sits under (errors, return_value, notes, bugs, history; "
        "every other section none): a fact of the pages, no model involved. Seed words were written from "
        "the section names. `reproduce` runs with its notebooks; stage rows are the run's own progress "
        "lines (wall seconds).",
        "",
        "| size | design | stage | wall s | CPU s | peak MB | exit | detail |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        stage = r["stage"].strip()
        stage = "&nbsp;&nbsp;" + stage if r["stage"].startswith("  ") else stage
        lines.append(
            f"| {r['size']} | {r['design']} | {stage} | {cell(r['wall_s'], '.1f')} "
            f"| {cell(r['cpu_s'], '.1f')} | {cell(r['peak_mb'], '.0f')} "
            f"| {'' if r['exit'] is None else r['exit']} | {r['detail']} |"
        )
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare", help="render the man pages to text (once)")
    run = sub.add_parser("run", help="time the study at each size")
    run.add_argument("--sizes", type=int, nargs="*", default=[500, 2000, 20000])
    run.add_argument(
        "--baseline", type=int, nargs="*", default=[500], help="sizes to run with --baseline-code"
    )
    run.add_argument("--baseline-code", type=Path, help="a checkout of the package before this design")
    run.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "themes-study-scale")
    run.add_argument(
        "--edit-up-to", type=int, default=10**9, help="edit one theme's seed words and rerun up to this size"
    )
    run.add_argument(
        "--name",
        default="study_scale",
        help="file name of the tables in benchmarks/results (default study_scale)",
    )
    args = parser.parse_args(argv)
    if args.command == "prepare":
        print(f"rendered {len(manpages.render_all(RENDERED))} pages into {RENDERED}")
        return
    args.work.mkdir(parents=True, exist_ok=True)
    meta = {**machine(), "load_start": " ".join(f"{v:.2f}" for v in os.getloadavg())}
    rows = []
    for size in args.sizes:
        rows += run_size(size, args.work, args)
        meta["load_end"] = " ".join(f"{v:.2f}" for v in os.getloadavg())
        write_tables(rows, meta, args.name)  # after each size, so that a long run leaves what it measured
        print(f"size {size} done", flush=True)
    for size in args.baseline if args.baseline_code else ():
        rows += run_baseline(size, args.work, args.baseline_code)
        meta["load_end"] = " ".join(f"{v:.2f}" for v in os.getloadavg())
        write_tables(rows, meta, args.name)
        print(f"baseline {size} done", flush=True)


if __name__ == "__main__":
    main()
