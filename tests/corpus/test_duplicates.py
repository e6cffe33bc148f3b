"""Near-duplicates: MinHash-LSH candidates + the exact containment rule agree with an all-pairs reference."""

from pathlib import Path

import gensim
import numpy as np
import pytest
from datasketch import MinHash

from themes.corpus import duplicates

SIZE, CONTAINMENT, MIN_SHINGLES = 3, 0.5, 3
LEE = Path(gensim.__file__).parent / "test" / "test_data" / "lee_background.cor"


def reference(texts, groups):
    """The rule stated plainly, all pairs: share of i's shingles in the union of each earlier group."""
    sets = [duplicates.shingles(t, SIZE) for t in texts]
    result = {}
    for i, mine in enumerate(sets):
        if len(mine) < MIN_SHINGLES:
            continue
        earlier = [j for j in range(i) if len(sets[j]) >= MIN_SHINGLES]
        best = None
        for group in dict.fromkeys(groups[j] for j in earlier):
            members = [j for j in earlier if groups[j] == group]
            share = len(mine & set().union(*(sets[j] for j in members))) / len(mine)
            if share >= CONTAINMENT and (best is None or share > best[1]):
                best = (max(members, key=lambda m: (len(mine & sets[m]), -m)), share)
        if best is not None:
            result[i] = best
    return result


def lee_paragraphs(n: int) -> list[str]:
    """Paragraphs of 40 to 80 words of real English news, no two repeating each other."""
    articles, seen = [], set()
    for line in LEE.read_text(encoding="utf-8").splitlines():
        mine = duplicates.shingles(line, SIZE)
        if len(mine & seen) <= len(mine) // 10:  # the Lee corpus holds a few republished stories
            articles.append(line)
        seen |= mine
    words = " ".join(articles).split()
    rng = np.random.default_rng(1)
    out, pos = [], 0
    while len(out) < n:
        size = int(rng.integers(40, 81))
        out.append(" ".join(words[pos : pos + size]))
        pos += size
    return out


def planted_corpus():
    """About 300 paragraphs in documents of five; later documents republish earlier ones, edited."""
    rng = np.random.default_rng(0)
    originals, fresh = lee_paragraphs(220), lee_paragraphs(400)[220:]  # fresh: text seen nowhere else
    texts, groups, planted, below = [], [], {}, []

    def add(text, group):
        texts.append(text)
        groups.append(group)
        return len(texts) - 1

    first = [add(p, f"orig{k // 5:02d}") for k, p in enumerate(originals)]
    for d in range(16):
        group = f"copy{d:02d}"
        for _ in range(5):
            k = int(rng.integers(len(first)))
            words = originals[k].split()
            kind = rng.choice(["edited", "half", "merged", "partial", "weak"])
            if kind == "edited":  # a few words changed
                for w in rng.choice(len(words), size=len(words) // 12, replace=False):
                    words[w] = "reportedly"
                planted[add(" ".join(words), group)] = first[k]
            elif kind == "half":  # the second half, republished alone
                planted[add(" ".join(words[len(words) // 2 :]), group)] = first[k]
            elif kind == "merged":  # two consecutive originals joined into one paragraph
                k = min(k, len(first) - 2) if k % 5 < 4 else k - 1
                i = add(originals[k] + " " + originals[k + 1], group)
                planted[i] = None  # a duplicate of one of the two
            elif kind == "partial":  # two thirds of an original with new text
                cut = 2 * len(words) // 3
                planted[add(" ".join(words[:cut] + fresh.pop().split()[:12]), group)] = first[k]
            else:  # only a fifth repeated: not a duplicate
                below.append(add(" ".join(words[: len(words) // 5] + fresh.pop().split()), group))
    return texts, groups, planted, below


@pytest.fixture(scope="module")
def corpus():
    texts, groups, planted, below = planted_corpus()
    found = duplicates.find_near_duplicates(
        texts, groups, shingle_size=SIZE, containment=CONTAINMENT, min_shingles=MIN_SHINGLES
    )
    return texts, groups, planted, below, found


def test_lsh_with_the_exact_rule_gives_the_all_pairs_answer(corpus):
    texts, groups, _, _, found = corpus
    assert 280 <= len(texts) <= 320
    assert found == reference(texts, groups)


def test_the_planted_republications_are_found_and_the_weak_overlaps_are_not(corpus):
    _, _, planted, below, found = corpus
    assert set(planted) <= set(found)
    for i, original in planted.items():
        first = found[i][0]
        while first in found:  # a second republication may point to the first one
            first = found[first][0]
        assert original is None or first == original, i
    assert not set(below) & set(found)


def test_a_paragraph_is_only_a_duplicate_of_an_earlier_one():
    text = " ".join(lee_paragraphs(1))
    found = duplicates.find_near_duplicates(
        [text, text], ["b", "a"], shingle_size=SIZE, containment=CONTAINMENT, min_shingles=MIN_SHINGLES
    )
    assert found == {1: (0, 1.0)}


@pytest.mark.slow  # over half a second
def test_boilerplate_repeated_hundreds_of_times_points_to_its_first_copy():
    boiler = "Subscribe to our newsletter to receive the weekly digest of the news from the region."
    texts = [p for q in lee_paragraphs(300) for p in (q, boiler)]
    groups = [f"d{k // 2:03d}" for k in range(len(texts))]
    found = duplicates.find_near_duplicates(
        texts, groups, shingle_size=SIZE, containment=CONTAINMENT, min_shingles=MIN_SHINGLES
    )
    assert all(found[i] == (1, 1.0) for i in range(3, len(texts), 2))
    assert found == reference(texts, groups)


def test_signatures_are_datasketch_minhashes_of_the_shingle_ids():
    sets = duplicates.shingle_sets(lee_paragraphs(3), size=SIZE)
    signatures = duplicates.minhash_signatures(sets, np.arange(3), num_perm=16, seed=7)
    for i in range(3):
        expected = MinHash(num_perm=16, seed=7, hashfunc=int)
        expected.update_batch(sets.row(i).tolist())
        assert signatures[i].tolist() == expected.hashvalues.tolist()


def test_shingle_ids_are_exact_word_trigrams():
    texts = ["The cat sat on the mat.", "the CAT sat on a mat", "x"]
    sets = duplicates.shingle_sets(texts, size=SIZE)
    assert sets.sizes.tolist() == [len(duplicates.shingles(t, SIZE)) for t in texts] == [4, 4, 0]
    shared = set(sets.row(0).tolist()) & set(sets.row(1).tolist())
    assert len(shared) == len(duplicates.shingles(texts[0], SIZE) & duplicates.shingles(texts[1], SIZE)) == 2


def test_word_digest_ignores_case_punctuation_and_spacing_but_not_words():
    a = duplicates.word_digest("The fighters' morale held, they said.")
    assert a == duplicates.word_digest("the  FIGHTERS MORALE held -- they said")
    assert a != duplicates.word_digest("The fighters' morale broke, they said.")
    assert a != duplicates.word_digest("they said the fighters morale held")  # order counts
    assert 0 <= a < 2**64
