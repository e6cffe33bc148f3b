"""How far the seeded results rest on the seeds: the same model without them, and with fewer.

Two checks a reviewer asks for before believing that seeding helps:

* **Seeding effect** (:func:`seeding_effect`): each seeded model refitted with no seed word at
  all, at the same K, solver, settings and seeds, its topics then matched to the themes like a
  plain model's. The difference is what the seed words add, with nothing else changed.
* **Seed-word sensitivity** (:func:`seed_sensitivity`): every seed word dropped in turn, and
  random halves of each theme's list, refitted with the first seed. A result that falls when
  one word goes rests on that word.

The variants (which words, which halves, the random seed of the halves) are fixed by the seed
words and the study's seeds alone, before any score is seen.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.base import clone

from ..models.fitting import resolve_seed_words
from ..models.topic_model import TopicModel
from ..selection.sweep import FitTask, fit_models
from ..text.matrix import DocumentTermMatrix
from .intervals import paired_auc_difference
from .matching import auc_matrix
from .rules import RULES, Rules
from .scorers import KeywordScorer, ModelRuns, TopicScorer
from .theme_table import Inference, theme_table

SEEDED_FOR_CHECKS = ("lda_seeded", "nmf_seeded")
"""Seeded models the checks refit. keyATM is left out for time (about 5 s a fit here, and the
sensitivity check needs some 55 fits); its seeding effect is not defined either, as keyATM
without keywords is plain LDA under another sampler."""
N_HALVES = 5
"""Random halves drawn per theme."""


def with_seed_words(model: TopicModel, seed_words: dict | None) -> FitTask:
    """A fit of the same estimator, K, seed and settings as ``model`` with other seed words; None
    (or ``{}``) fits it without any seed word (its topics are then matched like a plain model's)."""
    return FitTask(model.name, clone(model.estimator).set_params(seed_words=seed_words or {}))


SEEDING_EFFECT_COLUMNS = [
    "model",
    "theme",
    "K",
    "n_seeds",
    "auc_seeded",
    "auc_p_holm_seeded",
    "verdict_seeded",
    "auc_unseeded",
    "auc_null_95_unseeded",
    "auc_p_holm_unseeded",
    "verdict_unseeded",
    "auc_difference",
    "auc_difference_ci_low",
    "auc_difference_ci_high",
    "auc_lodo_seeded",
    "auc_lodo_unseeded",
]
SENSITIVITY_COLUMNS = [
    "model",
    "theme",
    "variant",
    "words_removed",
    "n_words",
    "seed",
    "auc",
    "auc_full",
    "delta",
]


def seed_word_variants(seed_words: dict[str, list[str]], *, n_halves: int = N_HALVES, seed: int = 0) -> list:
    """Every variant of the seed words: ``(theme, variant, removed words, seed words)``.

    ``drop`` variants remove one word of one theme; ``half`` variants keep a random half
    (rounded down, at least one word) of one theme's list, drawn with ``numpy``'s generator
    seeded by ``seed``. The other themes keep their whole lists.
    """
    rng = np.random.default_rng(seed)
    out = []
    for theme, words in seed_words.items():
        for word in words:
            out.append((theme, "drop", [word], {**seed_words, theme: [w for w in words if w != word]}))
        for i in range(n_halves):
            keep = sorted(rng.choice(len(words), size=max(1, len(words) // 2), replace=False).tolist())
            removed = [w for j, w in enumerate(words) if j not in keep]
            out.append((theme, f"half_{i + 1}", removed, {**seed_words, theme: [words[j] for j in keep]}))
    return out


def _in_vocabulary(dtm: DocumentTermMatrix, words: list[str]) -> bool:
    """Whether any of ``words`` is in the modelling vocabulary (a seeded model sees no other word)."""
    return any(dtm.vectorizer.terms_of(w) for w in words)


def seed_sensitivity(
    dtm: DocumentTermMatrix,
    labels: pd.DataFrame,
    seed_words: dict[str, list[str]],
    runs: Mapping[str, ModelRuns],
    *,
    seed: int,
    stat_seed: int,
    n_jobs: int = 1,
    progress: bool = False,
    max_variants: int = 0,
) -> pd.DataFrame:
    """The changed theme's ROC AUC under every variant of :func:`seed_word_variants`.

    For the seed-word counts (``keywords``, ``keywords_vocab``) every variant is scored; the
    seeded models of :data:`SEEDED_FOR_CHECKS` are refitted with ``seed`` for the variants
    that remove a word of the modelling vocabulary (removing any other word leaves their input
    unchanged), each distinct input once (a variant whose words come to the full list's terms is
    scored with the main fit); a variant that leaves a theme no seed word in the vocabulary cannot seed it and
    has no AUC (NaN). ``auc_full`` is the same model and seed with every seed word. With
    ``max_variants`` (0: all) at most that many distinct inputs are refitted per model, drawn with
    ``stat_seed`` before any fit; the other refitted variants then have no row for that model.
    """
    variants = seed_word_variants(seed_words, seed=stat_seed)
    y = labels.loc[list(dtm.paragraph_ids)]
    rows = []

    def auc(scores: pd.DataFrame, theme: str) -> float:
        return float(auc_matrix(scores.loc[y.index, [theme]].to_numpy(), y[[theme]].to_numpy())[0, 0])

    for vocabulary_only in (False, True):
        name = "keywords_vocab" if vocabulary_only else "keywords"
        full = runs[name].first.scores
        for theme, variant, removed, words in variants:
            scores = KeywordScorer.from_matrix(dtm, words, vocabulary_only=vocabulary_only).scores
            rows.append(
                _row(name, theme, variant, removed, words, None, auc(scores, theme), auc(full, theme))
            )

    # removing words the model never sees changes nothing; removing a theme's last word in the
    # vocabulary leaves nothing to seed it with (the model refuses): that row has no AUC
    refit = [v for v in variants if _in_vocabulary(dtm, v[2])]
    # each variant's input to the model: its seed terms (None when a theme is left without one).
    # Variants whose words come to the same terms (a dropped word whose stem another seed word
    # keeps) give the model the same input: each input is fitted once, and the full list's is the
    # main fit.
    input_of = [
        _model_input(dtm, words) if _in_vocabulary(dtm, words[theme]) else None for theme, *_, words in refit
    ]
    full_input = _model_input(dtm, seed_words)
    inputs = {}
    for key, (*_, words) in zip(input_of, refit, strict=True):
        if key is not None and key != full_input:
            inputs.setdefault(key, words)
    if max_variants and len(inputs) > max_variants:
        keep = set(
            np.random.default_rng(stat_seed).choice(len(inputs), size=max_variants, replace=False).tolist()
        )
        inputs = {key: words for i, (key, words) in enumerate(inputs.items()) if i in keep}
    for name in (m for m in SEEDED_FOR_CHECKS if m in runs):
        first = next(sc for sc in runs[name] if sc.seed == seed)
        tasks = [with_seed_words(first.model, words) for words in inputs.values()]
        fits = fit_models(tasks, {"study": dtm}, n_jobs=n_jobs, progress=progress, desc=name)
        scores = {
            key: TopicScorer.from_model(fit, y, seeded=True).scores
            for key, fit in zip(inputs, fits, strict=True)
        }
        scores[full_input] = first.scores
        for key, (theme, kind, removed, words) in zip(input_of, refit, strict=True):
            if key is not None and key not in scores:
                continue  # not drawn (max_variants)
            got = auc(scores[key], theme) if key is not None else np.nan
            rows.append(_row(name, theme, kind, removed, words, seed, got, auc(first.scores, theme)))
    out = pd.DataFrame(rows)
    out["delta"] = out["auc"] - out["auc_full"]
    return out[SENSITIVITY_COLUMNS]


def _model_input(dtm: DocumentTermMatrix, words: dict[str, list[str]]) -> tuple:
    """The seed terms a seeded model is given for ``words``, per theme in order (equal inputs fit equally)."""
    terms, _ = resolve_seed_words(dtm.vectorizer, words)
    return tuple((theme, tuple(found)) for theme, found in terms.items())


def _row(model, theme, variant, removed, words, seed, auc, auc_full) -> dict:
    return {
        "model": model,
        "theme": theme,
        "variant": variant,
        "words_removed": " ".join(removed),
        "n_words": len(words[theme]),
        "seed": seed,
        "auc": auc,
        "auc_full": auc_full,
    }


def seeding_effect(
    dtm: DocumentTermMatrix,
    labels: pd.DataFrame,
    runs: Mapping[str, ModelRuns],
    alignment: pd.DataFrame,
    doc_of: pd.Series,
    *,
    inference: Inference,
    n_jobs: int = 1,
    progress: bool = False,
    rules: Rules = RULES,
) -> pd.DataFrame:
    """Each seeded model of :data:`SEEDED_FOR_CHECKS` beside the same estimator without seed words.

    The unseeded fits use the seeded model's K and seeds; their topics are matched to the
    themes on the labels, so their AUC carries the matching's optimism, and their permutation
    null and Holm-adjusted p-value are computed as for any plain model.
    """
    rows = []
    y = labels.loc[list(dtm.paragraph_ids)]
    for name in (m for m in SEEDED_FOR_CHECKS if m in runs):
        seeded = runs[name]
        tasks = [with_seed_words(sc.model, None) for sc in seeded]
        fits = fit_models(tasks, {"study": dtm}, n_jobs=n_jobs, progress=progress, desc=f"{name} unseeded")
        plain = ModelRuns.of_models(fits, y, seeded=False, rules=rules)
        unseeded = theme_table(plain, y, doc_of, inference=inference, rules=rules).table.set_index("theme")
        paired = paired_auc_difference(
            [sc.scores for sc in seeded],
            [sc.scores for sc in plain],
            y,
            n_boot=inference.n_boot or 1000,
            seed=inference.seed,
        ).set_index("theme")
        ours = alignment[alignment["model"] == name].set_index("theme")
        for theme in labels.columns:
            rows.append(
                {
                    "model": name,
                    "theme": theme,
                    "K": seeded.model.k,
                    "n_seeds": len(seeded),
                    "auc_seeded": ours.at[theme, "auc_mean"],
                    "auc_p_holm_seeded": ours.at[theme, "auc_p_holm"],
                    "verdict_seeded": ours.at[theme, "verdict"],
                    "auc_unseeded": unseeded.at[theme, "auc_mean"],
                    "auc_null_95_unseeded": unseeded.at[theme, "auc_null_95"],
                    "auc_p_holm_unseeded": unseeded.at[theme, "auc_p_holm"],
                    "verdict_unseeded": unseeded.at[theme, "verdict"],
                    "auc_difference": ours.at[theme, "auc_mean"] - unseeded.at[theme, "auc_mean"],
                    "auc_difference_ci_low": paired.at[theme, "ci_low"],
                    "auc_difference_ci_high": paired.at[theme, "ci_high"],
                    "auc_lodo_seeded": ours.at[theme, "auc_lodo"],
                    "auc_lodo_unseeded": unseeded.at[theme, "auc_lodo"],
                }
            )
    return pd.DataFrame(rows, columns=SEEDING_EFFECT_COLUMNS)
