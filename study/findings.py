"""The seed study's findings as code: each claim of the README ("What the study finds") and of
notebook 05, checked against the tables of a results folder.

This file belongs to the study, not to the package: ``themes verify`` and notebook 05 find it as
``study/findings.py`` of the study folder (:func:`themes.study.claims.load_claims`) and check its
:data:`CLAIMS`. A study of one's own declares its claims the same way, or none. Every check takes
the tables (:func:`themes.study.claims.read_tables`) and returns a
:class:`~themes.study.claims.Finding`: whether the claim holds and one line of the numbers it
rests on. ``tests/study/test_findings.py`` asserts them on the committed results.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from themes.study.claims import Finding, Tables
from themes.study.design import DEFAULT_MODELS, model_roles

ROLES = model_roles(DEFAULT_MODELS)
NAIVE = tuple(name for name, role in ROLES.items() if role == "naive")
SEEDED = tuple(name for name, role in ROLES.items() if role == "seeded")
PLAIN = tuple(name for name, role in ROLES.items() if role == "plain")
TOPIC_MODELS = tuple(ROLES)
HARD_THEMES = ("morale", "theology", "territory")


def _summary(t: Tables) -> pd.DataFrame:
    return t["summary"].set_index("model")


def _verdicts(t: Tables) -> pd.DataFrame:
    return t["alignment"].pivot(index="theme", columns="model", values="verdict")


def naive_lda_is_at_chance(t: Tables) -> Finding:
    s = _summary(t)
    auc, n = s.loc[list(NAIVE), "auc_mean"], s.loc[list(NAIVE), "themes_recovered"]
    return Finding(
        bool((auc < 0.6).all() and (n == 0).all()),
        "; ".join(f"{m}: mean AUC {auc[m]:.3f} (< 0.60), {int(n[m])} themes recovered (0)" for m in NAIVE),
    )


def plain_models_beat_naive_lda_nmf_recovers_two_themes(t: Tables) -> Finding:
    s, a = _summary(t), t["alignment"]
    naive = s.loc[list(NAIVE), "auc_mean"].max()
    plain = s.loc[list(PLAIN)]
    lda = [m for m in PLAIN if m.startswith("lda")]
    nmf = [m for m in PLAIN if m.startswith("nmf")]
    got = a[a["model"].isin(PLAIN) & (a["verdict"] == "recovered")]
    nmf_themes = {m: sorted(got.loc[got["model"] == m, "theme"]) for m in nmf}
    lda_hits = got[got["model"].isin(lda)]
    # every plain-LDA recovery is a theme some seeds left without a topic (K below the themes)
    partial = bool((lda_hits["seeds_matched"] < lda_hits["n_seeds"]).all())
    holds = bool(
        (plain["auc_mean"] > naive).all()
        and all(g == ["sleeper_cells", "theology"] for g in nmf_themes.values())
        and partial
    )
    lda_text = "; ".join(
        f"{r.model} {r.theme} ({r.seeds_matched} of {r.n_seeds} seeds matched)" for r in lda_hits.itertuples()
    )
    return Finding(
        holds,
        f"lowest plain mean AUC {plain['auc_mean'].min():.3f} vs naive {naive:.3f}; plain LDA recovers: "
        f"{lda_text or 'none'}; NMF: "
        + "; ".join(f"{m} {', '.join(g) or 'none'}" for m, g in nmf_themes.items()),
    )


def plain_lda_is_less_stable_than_nmf(t: Tables) -> Finding:
    chosen = t["model_selection"][["model", "K"]]
    at_k = t["model_sweep"].merge(chosen, on=["model", "K"]).set_index("model")["stability_mean"]
    lda = at_k[[m for m in PLAIN if m.startswith("lda") and m in at_k.index]].max()
    nmf = at_k[[m for m in PLAIN if m.startswith("nmf") and m in at_k.index]].min()
    return Finding(
        bool(lda < 0.5 < 0.75 < nmf),
        f"stability at the chosen K: plain LDA at most {lda:.3f} (< 0.50), NMF at least {nmf:.3f} (> 0.75)",
    )


def seeding_helps_lda_not_nmf_at_equal_k_and_solver(t: Tables) -> Finding:
    e = t["seeding_effect"].set_index(["model", "theme"])["auc_difference"]
    lda, nmf = e.loc["lda_seeded"], e.loc["nmf_seeded"]
    return Finding(
        bool(lda.mean() > 0.05 and (lda > 0).sum() >= 4 and abs(nmf.mean()) < 0.05 and (nmf < 0).sum() >= 2),
        f"seed words minus none, same estimator, K and seeds: LDA mean {lda.mean():+.3f} "
        f"(higher on {(lda > 0).sum()} of {len(lda)} themes, {lda.min():+.3f} to {lda.max():+.3f}); "
        f"NMF mean {nmf.mean():+.3f} (lower on {(nmf < 0).sum()} of {len(nmf)}, "
        f"{nmf.min():+.3f} to {nmf.max():+.3f})",
    )


def only_seeded_models_recover_morale(t: Tables) -> Finding:
    v = _verdicts(t)
    got = sorted(m for m in TOPIC_MODELS if v.at["morale", m] == "recovered")
    e = t["seeding_effect"]
    control = sorted(e.loc[(e["theme"] == "morale") & (e["verdict_unseeded"] == "recovered"), "model"])
    return Finding(
        bool(got) and set(got) <= set(SEEDED) and not control,
        f"morale recovered by: {', '.join(got) or 'none'}; by a seeded model's estimator without seeds: "
        f"{', '.join(control) or 'none'}",
    )


def seed_words_alone_are_the_strongest_and_recover_every_theme(t: Tables) -> Finding:
    s = _summary(t)
    best, n_themes = s["auc_mean"].idxmax(), t["alignment"]["theme"].nunique()
    n = int(s.at["keywords", "themes_recovered"])
    return Finding(
        best == "keywords" and n == n_themes,
        f"highest mean AUC: {best} ({s.at[best, 'auc_mean']:.3f}); keywords recover {n} of {n_themes} themes",
    )


def supervised_held_out_by_document_is_below_the_seed_words(t: Tables) -> Finding:
    s = _summary(t)
    sup, kw = s.at["supervised", "auc_lodo_mean"], s.at["keywords", "auc_lodo_mean"]
    pooled = s.at["supervised", "auc_mean"]
    return Finding(
        bool(0.5 < sup < kw and pooled < 0.5),
        f"supervised, leave-one-document-out: within-document AUC {sup:.3f}, pooled over folds {pooled:.3f}; "
        f"keywords within documents {kw:.3f}",
    )


def morale_is_the_hardest_theme_theology_and_sleeper_cells_the_most_recovered(t: Tables) -> Finding:
    a = t["alignment"][t["alignment"]["model"].isin(TOPIC_MODELS)]
    mean_auc = a.groupby("theme")["auc_mean"].mean()
    n_recovered = a.assign(r=a["verdict"] == "recovered").groupby("theme")["r"].sum()
    hardest = mean_auc.idxmin()
    most = sorted(n_recovered[n_recovered == n_recovered.max()].index.tolist())
    return Finding(
        hardest == "morale" and most == ["sleeper_cells", "theology"],
        f"lowest mean AUC over the topic models: {hardest} ({mean_auc[hardest]:.3f}); "
        f"recovered by the most topic models: {', '.join(most)} ({int(n_recovered.max())})",
    )


def models_agree_with_the_reference_less_than_the_coders_agree(t: Tables) -> Finding:
    a = t["alignment"]
    gap = a["alpha_coders"] - a["alpha_model_mean"]
    i = gap.idxmin()
    return Finding(
        bool((gap > 0).all()),
        f"smallest gap between the coders' alpha and a model's: {gap[i]:.3f} "
        f"({a.at[i, 'model']}, {a.at[i, 'theme']})",
    )


def keyatm_does_not_beat_the_seed_words_and_recovers_theology_only(t: Tables) -> Finding:
    a = t["alignment"].set_index(["model", "theme"])
    keyatm, keywords = a.loc["keyatm"], a.loc["keywords"]
    above = keyatm.index[keyatm["auc_mean"] >= keywords.loc[keyatm.index, "auc_mean"]].tolist()
    recovered = keyatm.index[keyatm["verdict"] == "recovered"].tolist()
    s = _summary(t)
    return Finding(
        not above and recovered == ["theology"],
        f"mean AUC keyatm {s.at['keyatm', 'auc_mean']:.3f} vs keywords {s.at['keywords', 'auc_mean']:.3f}; "
        f"themes where keyatm is not lower: {', '.join(above) or 'none'}; "
        f"keyatm recovers: {', '.join(recovered) or 'none'}",
    )


def intrusion_is_above_chance_but_does_not_rank_the_models(t: Tables) -> Finding:
    if "intrusion" not in t:
        return Finding(False, "results/intrusion.csv is missing")
    words = t["intrusion"].query("task == 'word'")
    complete = set(words["model"]) == set(TOPIC_MODELS) and not words["stale"].astype(bool).any()
    above = bool((words["share_correct"] > words["chance"]).all())
    sizes = (int(words["n_items"].min()), int(words["n_items"].max()))
    overlap = words["ci_high"].min() > words["ci_low"].max()  # one range common to every interval
    common = f"[{words['ci_low'].max():.3f}, {words['ci_high'].min():.3f}]" if overlap else "none"
    return Finding(
        bool(complete and above and sizes == (3, 11) and overlap),
        f"{words['model'].nunique()} models scored, stale: {bool(words['stale'].astype(bool).any())}; "
        f"lowest share correct minus chance {(words['share_correct'] - words['chance']).min():+.3f}; "
        f"topics per model {sizes[0]}-{sizes[1]}; range common to every interval: {common}",
    )


CONFOUNDS = ("document", "length")


def keywords_on_the_models_vocabulary_still_beat_every_topic_model(t: Tables) -> Finding:
    s = _summary(t)
    every, vocab = s.at["keywords", "auc_mean"], s.at["keywords_vocab", "auc_mean"]
    best = s.loc[list(TOPIC_MODELS), "auc_mean"].idxmax()
    a = t["alignment"].set_index(["model", "theme"])["auc_mean"]
    return Finding(
        bool(s.at[best, "auc_mean"] < vocab < every),
        f"keywords {every:.3f}, keywords_vocab {vocab:.3f} (finance {a[('keywords_vocab', 'finance')]:.3f}), "
        f"best topic model {best} {s.at[best, 'auc_mean']:.3f}",
    )


def confounds_recover_theology_and_sleeper_cells(t: Tables) -> Finding:
    v = _verdicts(t)
    got = {c: sorted(v.index[v[c] == "recovered"]) for c in CONFOUNDS}
    return Finding(
        got == {"document": ["sleeper_cells", "theology"], "length": ["theology"]},
        "; ".join(f"{c} recovers {', '.join(g) or 'none'}" for c, g in got.items()),
    )


def topic_recoveries_below_a_confound(t: Tables) -> tuple[int, int]:
    """How many theme recoveries by topic models there are, and how many score below a confound
    that recovers the same theme."""
    a = t["alignment"]
    hits = a[a["model"].isin(TOPIC_MODELS) & (a["verdict"] == "recovered")]
    confound = a[a["model"].isin(CONFOUNDS) & (a["verdict"] == "recovered")]
    best = confound.groupby("theme")["auc_mean"].max()
    below = sum(bool(h.theme in best.index and best[h.theme] > h.auc_mean) for h in hits.itertuples())
    return len(hits), below


def the_corrected_verdict_recovers_more_than_the_earlier_rule(t: Tables) -> Finding:
    s = _summary(t).loc[list(TOPIC_MODELS)]
    new, old = int(s["themes_recovered"].sum()), int(s["themes_recovered_interval_rule"].sum())
    n, below = topic_recoveries_below_a_confound(t)
    return Finding(
        new > old and n == new and 0 < below < n,
        f"topic-model theme recoveries: {new} (earlier rule {old}); {below} of them below a confound",
    )


def held_out_by_document_the_confound_vanishes_and_plain_models_fall(t: Tables) -> Finding:
    s, a = _summary(t), t["alignment"]
    document = a.loc[a["model"] == "document", "auc_lodo"]
    plain = s.loc[list(PLAIN)]
    seeded = s.loc[list(SEEDED)]
    fall = plain["auc_mean"] - plain["auc_lodo_mean"]
    holds = bool(
        (document == 0.5).all()
        and (fall > 0.1).all()
        and seeded["auc_lodo_mean"].max() > plain["auc_lodo_mean"].max()
    )
    return Finding(
        holds,
        f"document indicator within documents: {', '.join(f'{x:.2f}' for x in document)}; "
        f"plain models fall by {fall.min():.3f} to {fall.max():.3f} "
        f"(to {plain['auc_lodo_mean'].min():.3f}-{plain['auc_lodo_mean'].max():.3f}); "
        f"best seeded held out {seeded['auc_lodo_mean'].idxmax()} {seeded['auc_lodo_mean'].max():.3f}",
    )


def no_single_seed_word_carries_a_seeded_theme_but_halves_move_sleeper_cells(t: Tables) -> Finding:
    ss = t["seed_sensitivity"]
    seeded = ss[ss["model"].isin(SEEDED)]
    drops = seeded[(seeded["variant"] == "drop") & seeded["auc"].notna()]
    worst = drops.loc[drops["delta"].idxmin()]
    halves = seeded[seeded["variant"].str.startswith("half") & (seeded["theme"] == "sleeper_cells")]
    spread = halves.groupby("model")["auc"].agg(["min", "max"])
    cannot = sorted(set(seeded.loc[seeded["auc"].isna(), "theme"]))
    holds = bool(drops["delta"].abs().max() < 0.15 and (spread["max"] - spread["min"]).max() > 0.3)
    return Finding(
        holds,
        f"largest change from dropping one word: {worst['delta']:+.3f} ({worst['model']}, {worst['theme']}, "
        f"without {worst['words_removed']!r}); sleeper_cells over random halves: "
        + "; ".join(f"{m} {r['min']:.3f}-{r['max']:.3f}" for m, r in spread.iterrows())
        + "; themes left without a seed word in the vocabulary by some variant: "
        + (", ".join(cannot) or "none"),
    )


CLAIMS: dict[str, Callable[[Tables], Finding]] = {
    "naive LDA is at chance": naive_lda_is_at_chance,
    "plain models beat naive LDA; plain NMF recovers theology and sleeper_cells; plain LDA only themes some "
    "seeds leave unmatched": plain_models_beat_naive_lda_nmf_recovers_two_themes,
    "plain LDA is unstable across seeds, NMF stable": plain_lda_is_less_stable_than_nmf,
    "at equal K, solver and seeds, seed words help LDA, not NMF": (
        seeding_helps_lda_not_nmf_at_equal_k_and_solver
    ),
    "only seeded models recover morale, and not without their seed words": only_seeded_models_recover_morale,
    "counting the seed words beats every model and recovers all five themes": (
        seed_words_alone_are_the_strongest_and_recover_every_theme
    ),
    "held out by document, the supervised classifier ranks paragraphs below the seed words": (
        supervised_held_out_by_document_is_below_the_seed_words
    ),
    "morale is the hardest theme for the topic models; theology and sleeper_cells the most often recovered": (
        morale_is_the_hardest_theme_theology_and_sleeper_cells_the_most_recovered
    ),
    "every model agrees with the reference less than the coders agree with each other": (
        models_agree_with_the_reference_less_than_the_coders_agree
    ),
    "keyATM is below the seed words on every theme and recovers theology only": (
        keyatm_does_not_beat_the_seed_words_and_recovers_theology_only
    ),
    "intrusion: above chance for every model, but the intervals do not rank the models": (
        intrusion_is_above_chance_but_does_not_rank_the_models
    ),
    "counting only the seed words the models can use still beats every topic model": (
        keywords_on_the_models_vocabulary_still_beat_every_topic_model
    ),
    "the source document recovers theology and sleeper_cells, paragraph length theology": (
        confounds_recover_theology_and_sleeper_cells
    ),
    "the corrected verdict recovers more than the earlier rule, several below a confound": (
        the_corrected_verdict_recovers_more_than_the_earlier_rule
    ),
    "held out by document, the document confound is at chance and the matched plain models fall": (
        held_out_by_document_the_confound_vanishes_and_plain_models_fall
    ),
    "no single seed word carries a seeded theme, but which half of the list is kept moves sleeper_cells": (
        no_single_seed_word_carries_a_seeded_theme_but_halves_move_sleeper_cells
    ),
}
