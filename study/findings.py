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
from themes.validate.intrusion_scores import wilson_interval

ROLES = model_roles(DEFAULT_MODELS)
NAIVE = tuple(name for name, role in ROLES.items() if role == "naive")
SEEDED = tuple(name for name, role in ROLES.items() if role == "seeded")
PLAIN = tuple(name for name, role in ROLES.items() if role == "plain")
TOPIC_MODELS = tuple(ROLES)


def _summary(t: Tables) -> pd.DataFrame:
    return t["summary"].set_index("model")


def _verdicts(t: Tables) -> pd.DataFrame:
    return t["alignment"].pivot(index="theme", columns="model", values="verdict")


def _recovered(t: Tables, models) -> dict[str, list[str]]:
    v = _verdicts(t)
    return {m: sorted(v.index[v[m] == "recovered"]) for m in models}


def naive_lda_finds_nothing(t: Tables) -> Finding:
    a = t["alignment"].set_index(["model", "theme"])
    rows = a.loc[list(NAIVE)]
    chance_inside = bool(
        ((rows["auc_ci_low"] <= 0.5) & (rows["auc_ci_high"] >= 0.5) & (rows["verdict"] != "recovered")).all()
    )
    v = t["versus_keywords"]
    mean = v[(v["model"].isin(NAIVE)) & (v["theme"] == "mean")].iloc[0]
    return Finding(
        chance_inside and mean["ci_high"] < 0,
        f"{NAIVE[0]}: no theme recovered, mean AUC {_summary(t).at[NAIVE[0], 'auc_mean']:.3f}; every theme's "
        f"95% interval holds 0.5 (lower ends at most {rows['auc_ci_low'].max():.3f}); below the seed-word "
        f"counts by {mean['difference']:+.3f} [{mean['ci_low']:+.3f}, {mean['ci_high']:+.3f}]",
    )


def no_lda_model_recovers_a_theme_under_the_within_document_null(t: Tables) -> Finding:
    lda = [m for m in TOPIC_MODELS if m.startswith("lda")]
    got = _recovered(t, lda)
    a = t["alignment"]
    p = a[a["model"].isin(lda)]["auc_p_holm"]
    return Finding(
        not any(got.values()) and bool((a[a["model"].isin(lda)]["null"] == "within documents").all()),
        f"recovered by {', '.join(lda)}: none; smallest Holm-adjusted p {p.min():.3f}",
    )


def theology_is_the_one_theme_several_topic_models_recover_and_length_recovers_it_too(t: Tables) -> Finding:
    v = _verdicts(t)
    counts = {theme: int((v.loc[theme, list(TOPIC_MODELS)] == "recovered").sum()) for theme in v.index}
    others = {theme: n for theme, n in counts.items() if theme != "theology"}
    length = v.at["theology", "length"] == "recovered"
    return Finding(
        counts["theology"] >= 3 and max(others.values()) <= 1 and length,
        "topic models recovering each theme: "
        + ", ".join(f"{k} {n}" for k, n in counts.items())
        + f"; paragraph length recovers theology: {length}",
    )


def morale_finance_and_sleeper_cells_are_recovered_by_no_topic_model(t: Tables) -> Finding:
    v = _verdicts(t)
    hard = ["morale", "finance", "sleeper_cells"]
    got = {theme: sorted(m for m in TOPIC_MODELS if v.at[theme, m] == "recovered") for theme in hard}
    best = t["alignment"][t["alignment"]["model"].isin(TOPIC_MODELS) & t["alignment"]["theme"].isin(hard)]
    top = best.loc[best["auc_mean"].idxmax()]
    return Finding(
        not any(got.values()),
        f"none recovers {', '.join(hard)}; the highest of them: {top['model']} {top['theme']} AUC "
        f"{top['auc_mean']:.3f} [{top['auc_ci_low']:.3f}, {top['auc_ci_high']:.3f}], "
        f"Holm p {top['auc_p_holm']:.3f}",
    )


def the_source_document_is_never_recovered(t: Tables) -> Finding:
    a = t["alignment"]
    doc = a[a["model"] == "document"]
    return Finding(
        bool((doc["verdict"] != "recovered").all() and (doc["auc_p"].dropna() >= 0.99).all()),
        "document baseline: AUC "
        + ", ".join(f"{r.theme} {r.auc_mean:.2f}" for r in doc.itertuples())
        + "; every within-document p-value 1 (a constant per document is its own null)",
    )


def plain_lda_is_less_stable_than_nmf(t: Tables) -> Finding:
    chosen = t["model_selection"][["model", "K"]]
    at_k = t["model_sweep"].merge(chosen, on=["model", "K"]).set_index("model")
    lda = [m for m in PLAIN if m.startswith("lda") and m in at_k.index]
    nmf = [m for m in PLAIN if m.startswith("nmf") and m in at_k.index]
    hi = (at_k.loc[lda, "stability_mean"] + 2 * at_k.loc[lda, "stability_se"]).max()
    lo = (at_k.loc[nmf, "stability_mean"] - 2 * at_k.loc[nmf, "stability_se"]).min()
    return Finding(
        bool(hi < lo),
        f"stability at the chosen K, mean +- 2 SE over seeds: plain LDA at most {hi:.3f}, "
        f"NMF at least {lo:.3f}",
    )


def seed_words_raise_lda_on_morale_and_theology_nmf_on_theology_only(t: Tables) -> Finding:
    e = t["seeding_effect"]
    up = {
        m: sorted(e.loc[(e["model"] == m) & (e["auc_difference_ci_low"] > 0), "theme"])
        for m in SEEDED
        if m in set(e["model"])
    }
    down = {m: sorted(e.loc[(e["model"] == m) & (e["auc_difference_ci_high"] < 0), "theme"]) for m in up}
    holds = {"morale", "theology"} <= set(up.get("lda_seeded", [])) and up.get("nmf_seeded") == ["theology"]
    return Finding(
        bool(holds and not any(down.values())),
        "themes whose paired 95% interval of (seeded - unseeded) AUC lies above 0: "
        + "; ".join(f"{m} {', '.join(g) or 'none'}" for m, g in up.items())
        + "; below 0: "
        + "; ".join(f"{m} {', '.join(g) or 'none'}" for m, g in down.items()),
    )


def counting_the_usable_seed_words_is_not_beaten_by_any_topic_model(t: Tables) -> Finding:
    v = t["versus_keywords"]
    mean = v[v["theme"] == "mean"].set_index("model")
    above = mean.index[mean["ci_low"] > 0].tolist()
    below = sorted(mean.index[mean["ci_high"] < 0])
    lda = sorted(m for m in TOPIC_MODELS if m.startswith("lda") and not m.endswith("seeded"))
    s = _summary(t)
    return Finding(
        not above and set(lda) <= set(below),
        f"mean AUC of keywords {s.at['keywords', 'auc_mean']:.3f} (every seed word), keywords_vocab "
        f"{s.at['keywords_vocab', 'auc_mean']:.3f} (those in the vocabulary); "
        "mean AUC over themes minus keywords_vocab's, paired 95% interval: "
        + "; ".join(
            f"{m} {r.difference:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}]" for m, r in mean.iterrows()
        )
        + f"; clearly below: {', '.join(below)}; clearly above: {', '.join(above) or 'none'}",
    )


def keyatm_chains_disagree_and_two_keyword_topics_ignore_their_keywords(t: Tables) -> Finding:
    k = t["keyword_topics"].set_index(["model", "theme"]).loc["keyatm"]
    rhat = float(k["rhat"].iloc[0])
    ignored = sorted(k.index[k["switch"] < 0.05])
    v = t["versus_keywords"]
    mean = v[(v["model"] == "keyatm") & (v["theme"] == "mean")].iloc[0]
    return Finding(
        rhat > 1.1 and len(ignored) >= 2 and mean["ci_high"] < 0,
        f"R-hat of keyATM's log-likelihood over its five seeds {rhat:.2f} (> 1.1: the chains disagree); "
        f"keyword topics with switch probability below 0.05: {', '.join(ignored)}; mean AUC minus "
        f"keywords_vocab {mean['difference']:+.3f} [{mean['ci_low']:+.3f}, {mean['ci_high']:+.3f}]",
    )


def finance_rests_on_one_seed_word(t: Tables) -> Finding:
    k = t["keyword_topics"]
    vocab = int(k.loc[k["theme"] == "finance", "keywords_in_vocabulary"].iloc[0])
    ss = t["seed_sensitivity"]
    seeded = ss[ss["model"].isin(SEEDED)]
    gone = seeded[(seeded["theme"] == "finance") & (seeded["variant"] == "drop")]["auc"].isna().any()
    other = seeded[(seeded["variant"] == "drop") & seeded["auc"].notna()]
    worst = other.loc[other["delta"].abs().idxmax()]
    return Finding(
        vocab == 1 and bool(gone),
        f"finance has {vocab} seed word in the vocabulary; dropping it leaves the seeded models nothing to "
        f"seed finance with; elsewhere one word moves a seeded theme's AUC by at most {worst['delta']:+.3f} "
        f"({worst['model']}, {worst['theme']}, without {worst['words_removed']!r})",
    )


def every_model_agrees_with_the_reference_less_than_the_coders_agree(t: Tables) -> Finding:
    a = t["alignment"]
    gap = a["alpha_coders"] - a["alpha_model_mean"]
    i = gap.idxmin()
    return Finding(
        bool((gap > 0).all()),
        f"smallest gap between the two coders' alpha and a model's: {gap[i]:.3f} "
        f"({a.at[i, 'model']}, {a.at[i, 'theme']})",
    )


def word_intrusion_is_above_chance_for_every_model_but_lda_sklearn_and_ranks_only_keyatm(
    t: Tables,
) -> Finding:
    """Written after keyATM's test was drawn again and answered (round intrusion2, 2026-12-07): the
    earlier claim, that the intervals rank no model, failed on it, and this states what the tables show."""
    if "intrusion" not in t:
        return Finding(False, "results/intrusion.csv is missing")
    everything = t["intrusion"]
    stale = sorted(set(everything.loc[everything["stale"].astype(bool), "model"]))
    current = everything[~everything["stale"].astype(bool)]  # tests drawn from the models reported
    words = current.query("task == 'word'").set_index("model")
    above = sorted(words.index[words["ci_low"] > words["chance"]])
    not_above = sorted(set(words.index) - set(above))
    pairs = [
        (a, b) for a in words.index for b in words.index if words.at[a, "ci_low"] > words.at[b, "ci_high"]
    ]
    # the Wilson intervals count both coders' answers as independent; with one answer per item
    # (the coders of the same item are not independent) the lower bound is:
    per_item = {
        a: wilson_interval(
            round(words.at[a, "share_correct"] * words.at[a, "n_items"]), int(words.at[a, "n_items"])
        )[0]
        for a in sorted({a for a, _ in pairs})
    }
    topic = current.query("task == 'topic'")
    unmeasured = sorted(topic.loc[topic["n_items"] == 0, "model"])
    return Finding(
        bool(not_above == ["lda_sklearn"] and {a for a, _ in pairs} == {"keyatm"}),
        f"word intrusion, Wilson 95% interval above chance for: {', '.join(above)}; not for "
        f"{', '.join(not_above)}; intervals above another's: "
        + (", ".join(f"{a} {_interval(words, a)} > {b} {_interval(words, b)}" for a, b in pairs) or "none")
        + "; lower bound with one answer per item: "
        + (", ".join(f"{a} {low:.2f}" for a, low in per_item.items()) or "none")
        + f"; topic intrusion measured by no item for {', '.join(unmeasured) or 'none'}; left out, drawn "
        f"from an earlier fit (stale): {', '.join(stale) or 'none'}",
    )


def _interval(table: pd.DataFrame, model: str) -> str:
    return f"{table.at[model, 'ci_low']:.2f} to {table.at[model, 'ci_high']:.2f}"


def held_out_by_document_the_confound_is_at_chance_and_plain_lda_falls(t: Tables) -> Finding:
    s, a = _summary(t), t["alignment"]
    document = a.loc[a["model"] == "document", "auc_lodo"]
    lda = [m for m in PLAIN if m.startswith("lda")]
    return Finding(
        bool((document == 0.5).all() and (s.loc[lda, "auc_lodo_mean"] < 0.55).all()),
        f"document indicator within documents: {', '.join(f'{x:.2f}' for x in document)}; plain LDA held out "
        + ", ".join(f"{m} {s.at[m, 'auc_lodo_mean']:.3f}" for m in lda),
    )


CLAIMS: dict[str, Callable[[Tables], Finding]] = {
    "naive LDA finds nothing: no theme recovered, below counting the seed words": naive_lda_finds_nothing,
    "no LDA model recovers a theme once the null keeps each document's share of the themes": (
        no_lda_model_recovers_a_theme_under_the_within_document_null
    ),
    "theology is the one theme several topic models recover, and paragraph length recovers it too": (
        theology_is_the_one_theme_several_topic_models_recover_and_length_recovers_it_too
    ),
    "morale, finance and sleeper_cells are recovered by no topic model": (
        morale_finance_and_sleeper_cells_are_recovered_by_no_topic_model
    ),
    "the source document, a constant per document, is never recovered": (
        the_source_document_is_never_recovered
    ),
    "plain LDA is unstable across seeds, NMF stable": plain_lda_is_less_stable_than_nmf,
    "at equal K, solver and seeds, seed words raise LDA on morale and theology, NMF on theology only": (
        seed_words_raise_lda_on_morale_and_theology_nmf_on_theology_only
    ),
    "no topic model is above counting the seed words it can use; the plain LDA models are below it": (
        counting_the_usable_seed_words_is_not_beaten_by_any_topic_model
    ),
    "keyATM's chains disagree, two keyword topics ignore their keywords, and it is below the seed words": (
        keyatm_chains_disagree_and_two_keyword_topics_ignore_their_keywords
    ),
    "finance rests on one seed word": finance_rests_on_one_seed_word,
    "every model agrees with the reference less than the two coders agree with each other": (
        every_model_agrees_with_the_reference_less_than_the_coders_agree
    ),
    "word intrusion, on the tests drawn from the reported models, is above chance for every model but "
    "lda_sklearn; only keyATM's interval lies above other models' intervals": (
        word_intrusion_is_above_chance_for_every_model_but_lda_sklearn_and_ranks_only_keyatm
    ),
    "held out by document, the document indicator is at chance and plain LDA falls to about chance": (
        held_out_by_document_the_confound_is_at_chance_and_plain_lda_falls
    ),
}
