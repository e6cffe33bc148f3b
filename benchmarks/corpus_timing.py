"""Time the corpus stage (segment, clean, near-duplicates) on 10,000 and 100,000 paragraphs.

    .venv/bin/python benchmarks/corpus_timing.py            # 10k and 100k paragraphs
    .venv/bin/python benchmarks/corpus_timing.py --sizes 20000

The text is real English news (the Lee corpus shipped with gensim's tests), resampled by a
word-bigram chain into new paragraphs; one document in ten republishes an earlier one with
small edits (words changed, a sentence dropped, two paragraphs merged), so that the
near-duplicate search has real work. Targets (issue 10): 100,000 paragraphs under 60 s on
two cores, and no more than 12 times the time of 10,000.
"""

from __future__ import annotations

import argparse
import re
import time
import warnings
from pathlib import Path

import gensim
import numpy as np

from themes import corpus
from themes.errors import CorpusWarning

DATA = Path(gensim.__file__).parent / "test" / "test_data"
PARAGRAPHS_PER_DOC = 10


def bigram_chain(paths: list[Path]) -> tuple[list[str], dict[str, list[str]]]:
    """Sentence openers and word successors of the given English texts."""
    text = " ".join(p.read_text(encoding="utf-8", errors="ignore") for p in paths)
    sentences = [s.split() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) > 5]
    starts = [s[0] for s in sentences if s[0][:1].isupper()]
    following: dict[str, list[str]] = {}
    for words in sentences:
        for a, b in zip(words, words[1:], strict=False):
            following.setdefault(a, []).append(b)
    return starts, following


def sentence(rng, starts, following) -> str:
    words = [starts[rng.integers(len(starts))]]
    while len(words) < 40:
        options = following.get(words[-1])
        if not options:
            break
        words.append(options[rng.integers(len(options))])
        if words[-1][-1:] in ".!?" and len(words) >= 8:
            break
    return " ".join(words).rstrip(".!?,;:") + "."


def paragraph(rng, starts, following) -> str:
    return " ".join(sentence(rng, starts, following) for _ in range(rng.integers(3, 6)))


def edited(rng, text: str) -> str:
    """A republished paragraph: a few words changed, sometimes the last sentence dropped."""
    words = text.split()
    for k in rng.choice(len(words), size=max(1, len(words) // 15), replace=False):
        words[k] = "really" if rng.random() < 0.5 else words[k].upper()
    out = " ".join(words)
    parts = out.split(". ")
    if len(parts) > 2 and rng.random() < 0.3:
        out = ". ".join(parts[:-1]) + "."
    return out


def make_documents(n_paragraphs: int, seed: int = 0) -> list[corpus.Document]:
    rng = np.random.default_rng(seed)
    starts, following = bigram_chain([DATA / "lee_background.cor", DATA / "lee.cor"])
    docs, bodies = [], []
    for d in range(n_paragraphs // PARAGRAPHS_PER_DOC):
        if bodies and rng.random() < 0.1:  # a republication of an earlier document
            source = bodies[rng.integers(len(bodies))]
            paras = [edited(rng, p) for p in source if p]
            if rng.random() < 0.5:
                paras[0:2] = [paras[0] + " " + paras[1], ""]
        else:
            paras = [paragraph(rng, starts, following) for _ in range(PARAGRAPHS_PER_DOC)]
        bodies.append(paras)
        title = f"Report number {d} on the weather"
        docs.append(corpus.Document(f"{d:06d}", "\n\n".join([title, *filter(None, paras)]), f"doc {d}"))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    times = {}
    for n in args.sizes:
        docs = make_documents(n)
        start, cpu = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CorpusWarning)
            table = corpus.build_paragraphs(docs)
        times[n], cpu = time.perf_counter() - start, time.process_time() - cpu
        counts = table["status"].value_counts().to_dict()
        print(f"{n:>7} paragraphs in {len(docs)} documents: {times[n]:6.1f} s ({cpu:.1f} s CPU)  {counts}")
    if len(times) > 1:
        small, large = min(times), max(times)
        print(f"growth {small} -> {large}: {times[large] / times[small]:.1f}x")


if __name__ == "__main__":
    main()
