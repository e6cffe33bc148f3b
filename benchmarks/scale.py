"""Time and peak memory of vectorizing and topic models at 10,000 to 1,000,000 paragraphs.

Not run by the tests. Nothing is downloaded: ``prepare`` writes real English paragraphs
from the test data that gensim ships (Wikipedia articles, the Lee news corpus, Usenet
posts) to ``benchmarks/data/paragraphs.txt``; ``run`` resamples them to each size and
times every step in a fresh Python process, reporting the child's peak resident memory.
Sizes up to ``--in-memory-max`` run the in-memory steps; sizes from ``--stream-min`` run
the streaming pipeline (raw text read from a file in chunks -> streaming vectorizer ->
MiniBatchNMF -> OnlineLDA) in one process, whose peak memory is the figure to watch::

    .venv/bin/python benchmarks/scale.py prepare
    .venv/bin/python benchmarks/scale.py run --sizes 10000 100000 1000000 \
        --skip lda_themes_tomotopy:100000 lda_tomotopy_own:100000

The table goes to ``benchmarks/results/scale.{csv,md}`` with the machine described.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "data" / "paragraphs.txt"
RESULTS = HERE / "results"
MIN_WORDS = 8  # shorter blocks are headings, list items and signatures, not paragraphs

# step name -> (what it measures, how it is reported)
STEPS = {
    "vectorize_themes": "themes.text.vectorizer.Vectorizer().fit_transform(texts)",
    "vectorize_sklearn": 'CountVectorizer(stop_words="english", min_df=2).fit_transform(texts)',
    "vectorize_streaming": "themes.text.streaming.fit_transform_chunks(Vectorizer(), chunks of 10,000 texts)",
    "lda_themes_tomotopy": "themes TomotopyLDA(K, n_iter, workers=1).fit(X)",
    "lda_tomotopy_own": "tomotopy LDAModel: add_doc + train(n_iter, workers=1) + topic-word dists",
    "lda_sklearn_online": 'sklearn LatentDirichletAllocation(learning_method="online").fit(X)',
    "nmf_sklearn_tfidf": "sklearn TfidfTransformer + NMF(K, max_iter).fit(tf-idf)",
    "nmf_sklearn_minibatch": "sklearn TfidfTransformer + MiniBatchNMF(K, batch_size=4096).fit(tf-idf)",
}
# the streaming pipeline, one process: stage -> what it does
PIPELINE = {
    "vectorize": "text file read 10,000 lines at a time -> streaming.fit_transform_chunks(Vectorizer())",
    "nmf_minibatch": "Vectorizer.tfidf(X) -> sklearn MiniBatchNMF(K, batch_size=4096, init=random, "
    "max_no_improvement=None).fit",
    "lda_online": "themes.OnlineLDA(K, batch_size=4096).fit(X), one pass",
    "total": "the whole process, from reading the first line",
}
CHUNK = 10_000


# ---------------------------------------------------------------------------- prepare


def _paragraphs_of(text: str) -> list[str]:
    text = re.sub(r"'{2,}", "", text)  # wiki bold and italics
    blocks = (" ".join(block.split()) for block in re.split(r"\n\s*\n", text))
    return [b for b in blocks if len(b.split()) >= MIN_WORDS]


def _wikipedia(folder: Path) -> list[str]:
    import bz2

    from gensim.corpora.wikicorpus import extract_pages, filter_wiki

    with bz2.open(folder / "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2") as f:
        return [p for _, text, _ in extract_pages(f) for p in _paragraphs_of(filter_wiki(text))]


def _lee(folder: Path) -> list[str]:
    lines = []
    for name in ("lee_background.cor", "lee.cor"):
        lines += (folder / name).read_text(encoding="latin-1").splitlines()
    return [" ".join(line.split()) for line in lines if len(line.split()) >= MIN_WORDS]


def _usenet(folder: Path) -> list[str]:
    """The posts in gensim's pickled 20-newsgroups sample, read as text, never unpickled:
    protocol 0 stores each string on its own line after ``V`` (``aV`` when appended)."""
    import zlib

    raw = zlib.decompress((folder / "mini_newsgroup").read_bytes())
    strings = (m.group(1).decode("raw_unicode_escape") for m in re.finditer(rb"^a?V(.*)$", raw, re.M))
    out = []
    for post in strings:
        if not post.startswith(("Newsgroups:", "From:")):
            continue
        body = post.split("\n\n", 1)[-1].split("\n-- \n")[0]  # without headers and signature
        body = "\n".join(
            line for line in body.splitlines() if not line.lstrip().startswith((">", "In article"))
        )
        out += _paragraphs_of(body)
    return out


def prepare(out: Path) -> None:
    import gensim

    folder = Path(gensim.__file__).parent / "test" / "test_data"
    sources = {"wikipedia": _wikipedia(folder), "lee_news": _lee(folder), "usenet": _usenet(folder)}
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for paragraphs in sources.values():
            f.writelines(p + "\n" for p in paragraphs)
    counts = ", ".join(f"{name} {len(p)}" for name, p in sources.items())
    print(f"wrote {sum(map(len, sources.values()))} paragraphs ({counts}) to {out}")


# ---------------------------------------------------------------------------- one step


def _texts(data: Path, size: int, seed: int) -> list[str]:
    import numpy as np

    paragraphs = data.read_text(encoding="utf-8").splitlines()
    # drawn with replacement: the sizes exist for timing only, not as a corpus to model
    picks = np.random.default_rng(seed).integers(0, len(paragraphs), size)
    return [paragraphs[i] for i in picks]


def _counts(work: Path, size: int):
    import numpy as np
    import scipy.sparse as sp

    X = sp.load_npz(work / f"counts_{size}.npz")
    vocab = np.load(work / f"vocab_{size}.npy", allow_pickle=False).tolist()
    return X, vocab


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_step(name: str, args) -> dict:
    """Run one step (in this process) and return its wall and CPU seconds and what it produced.

    CPU seconds are reported beside wall-clock ones because a shared machine's load
    stretches wall time but hardly CPU time."""
    import numpy as np

    info: dict = {}
    if name.startswith("vectorize"):
        texts = _texts(args.data, args.size, args.seed)
        start, cpu = time.perf_counter(), _cpu_seconds()
        if name == "vectorize_themes":
            from themes.text.vectorizer import Vectorizer

            X = Vectorizer().fit_transform(texts)
        elif name == "vectorize_streaming":
            from themes.text.streaming import fit_transform_chunks
            from themes.text.vectorizer import Vectorizer

            X = fit_transform_chunks(
                Vectorizer(), (texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK))
            )
        else:
            from sklearn.feature_extraction.text import CountVectorizer

            vec = CountVectorizer(stop_words="english", min_df=2)
            X = vec.fit_transform(texts)
        seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
        if name == "vectorize_sklearn":  # the shared input of the model steps
            import scipy.sparse as sp

            sp.save_npz(args.work / f"counts_{args.size}.npz", X.tocsr())
            np.save(args.work / f"vocab_{args.size}.npy", vec.get_feature_names_out().astype(str))
        info = {"terms": X.shape[1], "tokens": int(X.sum())}
        return {"seconds": seconds, "cpu_seconds": cpu, **info}

    X, vocab = _counts(args.work, args.size)
    k, n_iter = args.k, args.n_iter
    if name == "lda_themes_tomotopy":
        from themes.models.tomotopy_lda import TomotopyLDA

        start, cpu = time.perf_counter(), _cpu_seconds()
        model = TomotopyLDA(n_components=k, n_iter=n_iter, workers=1, random_state=0).fit(X)
        seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
        info = {"ll_per_word": round(model.log_likelihood_, 4)}
    elif name == "lda_tomotopy_own":
        from themes.models.tomotopy_lda import _import_tomotopy

        tp = _import_tomotopy()
        # tomotopy's natural input, token lists of words, is built before the clock starts
        words = np.asarray(vocab, dtype=object)
        docs = [
            np.repeat(words[X.indices[a:b]], X.data[a:b]).tolist()
            for a, b in zip(X.indptr[:-1], X.indptr[1:], strict=True)
        ]
        start, cpu = time.perf_counter(), _cpu_seconds()
        model = tp.LDAModel(k=k, alpha=0.5, eta=0.1, seed=0)
        model.optim_interval = 0  # fixed priors, as TomotopyLDA's default
        for doc in docs:
            model.add_doc(doc, ignore_empty_words=True)
        model.train(n_iter, workers=1)
        topics = [model.get_topic_word_dist(t) for t in range(k)]
        seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
        info = {"ll_per_word": round(model.ll_per_word, 4), "topics": len(topics)}
    elif name == "lda_sklearn_online":
        from sklearn.decomposition import LatentDirichletAllocation

        start, cpu = time.perf_counter(), _cpu_seconds()
        model = LatentDirichletAllocation(
            n_components=k,
            learning_method="online",
            doc_topic_prior=0.5,
            topic_word_prior=0.1,
            max_iter=args.sklearn_lda_iter,
            random_state=0,
        ).fit(X)  # batch_size: scikit-learn's default, 128
        seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
        info = {"n_iter": model.n_iter_}
    elif name == "nmf_sklearn_tfidf":
        from sklearn.decomposition import NMF
        from sklearn.feature_extraction.text import TfidfTransformer

        start, cpu = time.perf_counter(), _cpu_seconds()
        model = NMF(n_components=k, max_iter=args.nmf_iter, random_state=0).fit(
            TfidfTransformer().fit_transform(X)
        )
        seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
        info = {"n_iter": model.n_iter_}
    elif name == "nmf_sklearn_minibatch":
        from sklearn.decomposition import MiniBatchNMF
        from sklearn.feature_extraction.text import TfidfTransformer

        start, cpu = time.perf_counter(), _cpu_seconds()
        model = MiniBatchNMF(n_components=k, batch_size=4096, max_iter=args.minibatch_epochs, random_state=0)
        model.fit(TfidfTransformer().fit_transform(X))
        seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
        info = {"n_iter": model.n_iter_, "n_steps": model.n_steps_}
    else:
        raise SystemExit(f"unknown step {name!r}; one of {', '.join(STEPS)}")
    return {"seconds": seconds, "cpu_seconds": cpu, **info}


# ---------------------------------------------------------------------------- the streaming pipeline


def write_resampled(data: Path, size: int, seed: int, out: Path) -> None:
    """``size`` paragraphs drawn with replacement from ``data``, one per line (not timed)."""
    import numpy as np

    paragraphs = data.read_text(encoding="utf-8").splitlines()
    rng = np.random.default_rng(seed)
    with out.open("w", encoding="utf-8") as f:
        for start in range(0, size, CHUNK):
            picks = rng.integers(0, len(paragraphs), min(CHUNK, size - start))
            f.writelines(paragraphs[i] + "\n" for i in picks)


def _line_chunks(path: Path):
    """The file's lines, ``CHUNK`` at a time: only one chunk of texts is ever in memory."""
    with path.open(encoding="utf-8") as f:
        chunk = []
        for line in f:
            chunk.append(line.rstrip("\n"))
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_pipeline(args) -> dict:
    """Raw text to a fitted MiniBatchNMF and OnlineLDA in this process, stage by stage."""
    import numpy as np
    import scipy.sparse as sp

    stages = {}
    begin, begin_cpu = time.perf_counter(), _cpu_seconds()

    def clock(name, start, cpu, **info):
        stages[name] = {
            "seconds": time.perf_counter() - start, "cpu_seconds": _cpu_seconds() - cpu,
            "peak_rss_mb": _peak_mb(), **info,
        }  # fmt: skip

    start, cpu = time.perf_counter(), _cpu_seconds()
    from themes.text.streaming import fit_transform_chunks
    from themes.text.vectorizer import Vectorizer

    vectorizer = Vectorizer()
    counts = fit_transform_chunks(vectorizer, _line_chunks(args.work / f"paragraphs_{args.size}.txt"))
    # what both models take, sharing the column indices; the int64 counts are let go
    X = sp.csr_matrix((counts.data.astype(np.float64), counts.indices, counts.indptr), shape=counts.shape)
    shape, nnz, tokens = X.shape, X.nnz, int(counts.sum())
    del counts
    clock("vectorize", start, cpu, paragraphs=shape[0], terms=shape[1], nonzeros=nnz, tokens=tokens)

    start, cpu = time.perf_counter(), _cpu_seconds()
    from sklearn.decomposition import MiniBatchNMF

    tfidf = vectorizer.tfidf(X)
    # init="random": the default (NNDSVD) takes a truncated SVD of the whole matrix, whose work
    # arrays (several 1,000,000 x 30 blocks) cost about 900 MB at a million paragraphs. From a
    # random start the cost stalls early and scikit-learn's early stop (max_no_improvement=10)
    # ended the pass after 12 of 245 mini-batches: it is switched off, so the pass is whole.
    nmf = MiniBatchNMF(
        n_components=args.k,
        batch_size=4096,
        max_iter=args.minibatch_epochs,
        init="random",
        max_no_improvement=None,
        random_state=0,
    )
    nmf.fit(tfidf)
    del tfidf
    clock("nmf_minibatch", start, cpu, n_iter=nmf.n_iter_, n_steps=nmf.n_steps_)

    start, cpu = time.perf_counter(), _cpu_seconds()
    from themes.models.online_lda import OnlineLDA

    lda = OnlineLDA(n_components=args.k, batch_size=4096, max_iter=1, random_state=0).fit(X)
    clock("lda_online", start, cpu, n_iter=lda.n_iter_, updates=lda.n_batch_iter_)
    clock("total", begin, begin_cpu)
    return {"stages": stages, "peak_rss_mb": _peak_mb()}


# ---------------------------------------------------------------------------- run all


def _machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown",
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    libs = {name: version(name) for name in ("numpy", "scipy", "scikit-learn", "tomotopy", "gensim")}
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
        ).stdout.strip()
    except OSError:
        commit = "unknown"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "tomotopy_isa": None,
        "themes_commit": commit,
        **libs,
    }


def _child(name: str, size: int, args, work: Path) -> dict:
    command = [
        sys.executable, __file__, "step", name, "--size", str(size),
        "--data", str(args.data), "--work", str(work),
        "--k", str(args.k), "--n-iter", str(args.n_iter), "--sklearn-lda-iter", str(args.sklearn_lda_iter),
        "--nmf-iter", str(args.nmf_iter), "--minibatch-epochs", str(args.minibatch_epochs),
        "--seed", str(args.seed),
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"status": f"timeout ({args.timeout} s)"}
    if done.returncode != 0:
        return {"status": "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]}
    return {"status": "ok", **json.loads(done.stdout.strip().splitlines()[-1])}


def _earlier_rows(sizes) -> list[dict]:
    """The rows of the last scale.csv at other sizes, each marked with the run that measured it."""
    path = RESULTS / "scale.csv"
    if not path.exists():
        return []
    md = (RESULTS / "scale.md").read_text(encoding="utf-8") if (RESULTS / "scale.md").exists() else ""
    load = re.search(r"Load average .*?: (.*?) \(2 cores\)", md)
    commit = re.search(r"- themes_commit: (\S+)", md)
    run = {"commit": commit.group(1) if commit else "?", "load": load.group(1) if load else "?"}
    rows = []
    with path.open(newline="") as f:
        for r in csv.DictReader(f):
            if int(r["size"]) in sizes or r["step"].startswith("pipeline_"):
                continue
            detail = json.loads(r["detail"])
            rows.append({
                "size": int(r["size"]), "step": r["step"], "status": r["status"],
                **{k: float(r[k]) for k in ("seconds", "cpu_seconds", "peak_rss_mb") if r[k]},
                **detail, "earlier_run": detail.get("earlier_run", run),
            })  # fmt: skip
    return rows


def run_all(args) -> None:
    rows = _earlier_rows(set(args.sizes)) if args.merge else []
    args.load_before = os.getloadavg()
    skip = set(args.skip)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            names = []
            if size <= args.in_memory_max:
                # the sklearn vectorizer runs first: it writes the count matrix the models share
                names += ["vectorize_sklearn", *[s for s in STEPS if s != "vectorize_sklearn"]]
            if size >= args.stream_min:
                write_resampled(args.data, size, args.seed, Path(tmp) / f"paragraphs_{size}.txt")
                names.append("pipeline")
            for name in names:
                if f"{name}:{size}" in skip:
                    rows.append({"size": size, "step": name, "status": "not run (--skip)"})
                    continue
                result = _child(name, size, args, Path(tmp))
                rows.append({"size": size, "step": name, **result})
                print(json.dumps(rows[-1]), flush=True)
                args.load_after = os.getloadavg()
                write_tables(rows, args, quiet=True)  # after each step: a cut-short run leaves its rows
    args.load_after = os.getloadavg()
    write_tables(rows, args)


def _ratio(rows, size, a, b) -> str:
    """``a``'s time over ``b``'s, in wall-clock and in CPU seconds."""
    out = []
    for key in ("seconds", "cpu_seconds"):
        found = {r["step"]: r.get(key) for r in rows if r["size"] == size}
        out.append(f"{found[a] / found[b]:.2f}" if found.get(a) and found.get(b) else "n/a")
    return f"{out[0]} (wall), {out[1]} (CPU)"


def _flat(rows: list[dict]) -> list[dict]:
    """One row per step, the pipeline's stages as steps ``pipeline_<stage>``."""
    out = []
    for r in rows:
        if r["step"] == "pipeline" and r.get("stages"):
            for stage, values in r["stages"].items():
                out.append({"size": r["size"], "step": f"pipeline_{stage}", "status": r["status"], **values})
        else:
            out.append(r)
    return out


def _cell(value, fmt: str) -> str:
    return "" if value is None else format(value, fmt)


def write_tables(rows: list[dict], args, *, quiet: bool = False) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    machine = _machine()
    machine["tomotopy_isa"] = _tomotopy_isa()
    columns = ["size", "step", "seconds", "cpu_seconds", "peak_rss_mb", "status", "detail"]
    table = []
    for r in _flat(rows):
        detail = {k: v for k, v in r.items() if k not in columns}
        table.append({
            "size": r["size"], "step": r["step"],
            "seconds": _cell(r.get("seconds"), ".2f"), "cpu_seconds": _cell(r.get("cpu_seconds"), ".2f"),
            "peak_rss_mb": _cell(r.get("peak_rss_mb"), ".0f"),
            "status": r["status"], "detail": json.dumps(detail, sort_keys=True),
        })  # fmt: skip
    with (RESULTS / "scale.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(table)

    cell = {(r["size"], r["step"]): r for r in table}
    sizes = [s for s in dict.fromkeys(r["size"] for r in rows) if s <= args.in_memory_max]
    big = [s for s in dict.fromkeys(r["size"] for r in rows) if s >= args.stream_min]
    load = " / ".join(
        " ".join(f"{v:.2f}" for v in getattr(args, name, ()) or ()) or "?"
        for name in ("load_before", "load_after")
    )
    lines = [
        "# Scale benchmark: vectorizing and topic models",
        "",
        f"Paragraphs: real English text ({args.data.name}: Wikipedia, Lee news and Usenet paragraphs from "
        "gensim's test data), **resampled with replacement to each size for timing only** (the repeated "
        "paragraphs are not a corpus to read topics from).",
        "",
        f"Settings: K = {args.k} topics; Gibbs LDA {args.n_iter} iterations, one thread (workers=1), "
        f"alpha = 0.5, eta = 0.1, no alpha optimisation; scikit-learn online LDA max_iter = "
        f"{args.sklearn_lda_iter} pass(es) over the paragraphs with the same priors and scikit-learn's "
        f"batch_size of 128 (another algorithm: its passes are not Gibbs sweeps); NMF on tf-idf with "
        f"scikit-learn's defaults but max_iter = {args.nmf_iter} (it may stop before converging: see "
        f"n_iter in scale.csv); MiniBatchNMF on tf-idf, batch_size 4096, max_iter = {args.minibatch_epochs} "
        "pass(es). All models of this table fit the count matrix of the CountVectorizer step. Each cell "
        "runs in a fresh Python process; peak memory is that process's maximum resident set size "
        "(getrusage ru_maxrss), which includes loading its input. CPU seconds are given beside wall "
        "seconds because the machine is shared: load stretches wall time, hardly CPU time.",
        "",
        f"Load average (1, 5, 15 min) at the start / end of the run: {load} (2 cores).",
        "",
        "| step | what | " + " | ".join(f"{s:,} wall s | {s:,} CPU s | {s:,} peak MB" for s in sizes) + " |",
        "| --- | --- | " + " | ".join("---: | ---: | ---:" for _ in sizes) + " |",
    ]
    for step, what in STEPS.items():
        cells = []
        for s in sizes:
            c = cell.get((s, step), {})
            cells += [
                c.get("seconds") or c.get("status", ""),
                c.get("cpu_seconds", ""),
                c.get("peak_rss_mb", ""),
            ]
        lines.append(f"| {step} | {what} | " + " | ".join(cells) + " |")
    lines += ["", "Ratios (targets of the issue):", ""]
    for s in sizes:
        lines.append(
            f"- {s:,} paragraphs: Vectorizer / CountVectorizer = "
            f"{_ratio(rows, s, 'vectorize_themes', 'vectorize_sklearn')} (target <= 2); "
            "streaming / in-memory Vectorizer = "
            f"{_ratio(rows, s, 'vectorize_streaming', 'vectorize_themes')}; "
            "TomotopyLDA / tomotopy's own fit = "
            f"{_ratio(rows, s, 'lda_themes_tomotopy', 'lda_tomotopy_own')} (target <= 1.5)"
        )
    for s in big:
        run = next(r for r in rows if r["size"] == s and r["step"] == "pipeline")
        lines += [
            "",
            f"## {s:,} paragraphs, streamed: raw text to fitted topic models in one process",
            "",
            f"The {s:,} resampled paragraphs are written to a text file first (not timed); one Python "
            f"process then reads it {CHUNK:,} lines at a time, vectorizes with the streaming vectorizer "
            f"(the texts are never all in memory), and fits MiniBatchNMF (K = {args.k}, "
            f"{args.minibatch_epochs} pass(es), batch_size 4096) on the tf-idf and OnlineLDA (K = {args.k}, "
            "one pass, batch_size 4096, alpha = 0.5, eta = 0.1) on the counts. Peak memory is the "
            "process's maximum resident set size so far, after each stage.",
            "",
            f"Status: {run['status']}.",
            "",
            "| stage | what | wall s | CPU s | peak MB so far | detail |",
            "| --- | --- | ---: | ---: | ---: | --- |",
        ]
        for stage, what in PIPELINE.items():
            c = cell.get((s, f"pipeline_{stage}"), {})
            detail = ", ".join(f"{k} {v:,}" for k, v in json.loads(c.get("detail", "{}")).items())
            lines.append(
                f"| {stage} | {what} | {c.get('seconds', '')} | {c.get('cpu_seconds', '')} | "
                f"{c.get('peak_rss_mb', '')} | {detail} |"
            )
        peak = run.get("peak_rss_mb")
        if peak:
            lines += ["", f"Peak resident memory of the process: {peak:,.0f} MB (target: under 2,048 MB)."]
    earlier = {}
    for r in rows:
        if r.get("earlier_run"):
            earlier.setdefault(json.dumps(r["earlier_run"], sort_keys=True), set()).add(r["size"])
    for key, at in earlier.items():
        run = json.loads(key)
        lines += [
            "",
            f"The rows at {', '.join(f'{s:,}' for s in sorted(at))} paragraphs were measured by the "
            f"an earlier invocation of this script (`--merge`; commit {run['commit']}, load average at its "
            f"start / end {run['load']}); the rest by this one.",
        ]
    skipped = [f"{r['step']} at {r['size']:,}" for r in rows if r["status"].startswith("not run")]
    if skipped:
        lines += [
            "",
            "Not run this time, for the time budget of the run: " + "; ".join(skipped) + ". The last "
            "figures for them are in this file's git history.",
        ]
    lines += ["", "Machine:", ""] + [f"- {k}: {v}" for k, v in machine.items()]
    (RESULTS / "scale.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if not quiet:
        print("\n".join(lines))


def _tomotopy_isa() -> str:
    from themes.models.tomotopy_lda import _import_tomotopy

    return _import_tomotopy().isa


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare", help="write the paragraphs from gensim's test data")
    prep.add_argument("--out", type=Path, default=DEFAULT_DATA)
    for name in ("run", "step"):
        p = sub.add_parser(name)
        if name == "step":
            p.add_argument("name", choices=[*STEPS, "pipeline"])
            p.add_argument("--size", type=int, required=True)
            p.add_argument("--work", type=Path, required=True)
        else:
            p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
            p.add_argument("--timeout", type=float, default=1800, help="seconds per step")
            p.add_argument("--skip", nargs="*", default=[], help="STEP:SIZE cells not to run, for time")
            p.add_argument(
                "--merge", action="store_true", help="keep the rows of the last scale.csv at other sizes"
            )
            p.add_argument(
                "--in-memory-max", type=int, default=100_000, help="largest size of the in-memory steps"
            )
            p.add_argument(
                "--stream-min", type=int, default=1_000_000, help="smallest size of the streamed run"
            )
        p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="one paragraph per line")
        p.add_argument("--k", type=int, default=20)
        p.add_argument("--n-iter", type=int, default=200)
        p.add_argument("--sklearn-lda-iter", type=int, default=1, help="online LDA passes")
        p.add_argument("--nmf-iter", type=int, default=30, help="NMF's max_iter")
        p.add_argument("--minibatch-epochs", type=int, default=1, help="MiniBatchNMF's max_iter (passes)")
        p.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "prepare":
        prepare(args.out)
        return
    if not args.data.exists():
        raise SystemExit(f"no paragraphs at {args.data}; run `python {Path(__file__).name} prepare` first.")
    if args.command == "run":
        run_all(args)
        return
    result = run_pipeline(args) if args.name == "pipeline" else run_step(args.name, args)
    result["peak_rss_mb"] = _peak_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
