"""Rebuild the study in a temporary folder and give a scientific verdict, in tiers, on how far
the rebuilt results agree with the committed ones.

Tiers, per file and for the study, from best to worst:

* **identical**: the same bytes.
* **equivalent**: every number within the tolerance (``RTOL``, ``ATOL``), text equal. Notebooks
  are compared on their text outputs, without the run-record cell (it shows the manifest's
  sha256 and the library versions), numbers at the precision they are printed; the manifest
  without its environment section and the output hashes of files that are themselves
  equivalent; a saved model without the library versions it records; a figure (png/svg)
  follows the CSV drawn beside it.
* **holds**: some numbers moved beyond the tolerance, but every headline number stays inside
  its own committed interval (:func:`headline_moves`) and every finding the study declares
  (``study/findings.py``, :mod:`themes.study.claims`) is still true of the rebuilt tables.
* **DRIFT**: a finding no longer holds, a headline number left its interval, a file is missing
  or extra, a table's columns changed, the manifest records other inputs or settings, or a
  committed file is not what the run recorded (:mod:`themes.verify.signed`).

One file's tier comes from :mod:`themes.file_tiers`; this module gives the verdict over the tree.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..environment import NUMPY_AVX512_TARGETS, X86_MACHINES, installed_version, numpy_simd, runs_here
from ..errors import ThemesError
from ..study.claims import FINDINGS_FILE, check_findings, load_claims
from ..study.notebooks import check_execution_tools
from ..study.project import Project
from ..study.run import reproduce
from ..study.settings import study_config
from .file_tiers import ATOL, RTOL, TIERS, compare_file, compare_manifests, within_tolerance, worst
from .signed import tampered_files

PASSING = TIERS[:3]
TOLERANCE_TEXT = f"numbers within rtol {RTOL:g} and atol {ATOL:g}, text equal"
# what a study's tier means, for the report's last line
TIER_MEANING = {
    "identical": "the same bytes",
    "equivalent": TOLERANCE_TEXT,
    "holds": "some numbers moved beyond the tolerance, every headline number stays inside its interval "
    "and every finding holds",
}
FIGURES = (".png", ".svg")
HEADLINE_TABLES = ("alignment.csv", "summary.csv", "model_selection.csv", "model_sweep.csv")
MOVE_COLUMNS = ["file", "model", "theme", "number", "old", "new", "low", "high", "against", "inside"]
PINNED_CORE = "Haswell"  # the OpenBLAS kernels scripts/run.sh pins
# headline numbers of results/alignment.csv and the committed interval each is held against
HEADLINES = {
    "auc_mean": ("auc_ci_low", "auc_ci_high"),
    "average_precision_mean": "average_precision_sd",
    "f1_mean": "f1_sd",
    "alpha_model_mean": "alpha_model_sd",
}


def environment_mismatches(constraints: str | Path) -> tuple[list[str], list[str]]:
    """How the environment differs from the pins of a constraints file: (packages installed in
    another version, which may move numbers; pinned packages not installed, such as the
    notebook and test tools of an install without extras)."""
    path = Path(constraints)
    if not path.exists():
        return [f"{path} not found"], []
    other, missing = [], []
    if platform.python_version_tuple()[:2] != ("3", "11"):
        other.append(f"python {platform.python_version()} (pinned: 3.11)")
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" not in line:
            continue
        name, pinned = (part.strip() for part in line.split("==", 1))
        installed = installed_version(name)
        if installed == "not installed":
            missing.append(name)
        elif installed != pinned:
            other.append(f"{name} {installed} (pinned: {pinned})")
    return other, missing


def _interval(center: float, sd: float) -> tuple[float, float]:
    sd = 0.0 if pd.isna(sd) else float(sd)  # a deterministic baseline has no seed SD
    return center - sd, center + sd


def _inside(value: float, low: float, high: float) -> bool:
    if pd.isna(value):
        return False
    return bool(low - ATOL - RTOL * abs(low) <= value <= high + ATOL + RTOL * abs(high))


def headline_moves(expected_results: Path, actual_results: Path) -> pd.DataFrame:
    """Every headline number that moved beyond tolerance, with the committed interval it is held against.

    Headlines: per model and theme in ``alignment.csv``, ``auc_mean`` (held against
    ``[auc_ci_low, auc_ci_high]``, the bootstrap interval) and ``average_precision_mean``,
    ``f1_mean``, ``alpha_model_mean`` (each against ± its seed SD column); per model in
    ``summary.csv``, the same four means, against the average over themes of those intervals;
    per model in ``model_selection.csv``, the chosen K, against the K whose committed mean NPMI
    is within one standard error of the best (``npmi_bar``), the set the K rule could not tell
    apart. Columns: file, model, theme, number, old, new, low, high, against, inside.
    """
    rows = []
    old_a = pd.read_csv(expected_results / "alignment.csv").set_index(["model", "theme"])
    new_a = pd.read_csv(actual_results / "alignment.csv").set_index(["model", "theme"])

    def add(file, model, theme, number, old, new, low, high, against):
        if not within_tolerance(old, new):
            rows.append((file, model, theme, number, old, new, low, high, against, _inside(new, low, high)))

    for (model, theme), old in old_a.iterrows():
        new = new_a.loc[(model, theme)] if (model, theme) in new_a.index else None
        for number, spread in HEADLINES.items():
            value = np.nan if new is None else new[number]
            if isinstance(spread, tuple):
                low, high, against = old[spread[0]], old[spread[1]], f"[{spread[0]}, {spread[1]}]"
            else:
                (low, high), against = _interval(old[number], old[spread]), f"± {spread}"
            add("results/alignment.csv", model, theme, number, old[number], value, low, high, against)

    old_s = pd.read_csv(expected_results / "summary.csv").set_index("model")
    new_s = pd.read_csv(actual_results / "summary.csv").set_index("model")
    by_model = old_a.groupby(level="model")
    for model, old in old_s.iterrows():
        if model not in by_model.groups:
            continue
        themes = by_model.get_group(model)
        for number, spread in HEADLINES.items():
            value = new_s.at[model, number] if model in new_s.index else np.nan
            if isinstance(spread, tuple):
                low, high = themes[spread[0]].mean(), themes[spread[1]].mean()
                against = f"theme mean of [{spread[0]}, {spread[1]}]"
            else:
                low, high = _interval(old[number], themes[spread].fillna(0).mean())
                against = f"± theme mean of {spread}"
            add("results/summary.csv", model, "", number, old[number], value, low, high, against)

    sweep = pd.read_csv(expected_results / "model_sweep.csv")
    old_k = pd.read_csv(expected_results / "model_selection.csv").set_index("model")
    new_k = pd.read_csv(actual_results / "model_selection.csv").set_index("model")
    for model, old in old_k.iterrows():
        value = new_k.at[model, "K"] if model in new_k.index else np.nan
        if value != old["K"]:
            runs = sweep[sweep["model"] == model]
            ok = sorted(int(k) for k in runs.loc[runs["coherence_npmi_mean"] >= old["npmi_bar"], "K"])
            low, high = min(ok, default=np.nan), max(ok, default=np.nan)
            against = f"K with mean NPMI >= npmi_bar: {ok}"
            rows.append(
                (
                    "results/model_selection.csv",
                    model,
                    "",
                    "K",
                    old["K"],
                    value,
                    low,
                    high,
                    against,
                    value in ok,
                )
            )
    return pd.DataFrame(rows, columns=MOVE_COLUMNS).astype({"inside": bool})


def output_files(root: Path) -> list[str]:
    """Paths (relative to ``root``) of everything the main job writes."""
    project = Project(root)
    files = [p for p in project.results.rglob("*") if p.is_file()]
    files += list(project.processed.glob("*.csv"))
    files += [project.reference / "agreement.csv"]
    files += list(project.notebooks.glob("[0-9][0-9]_*.ipynb"))
    return sorted({p.relative_to(root).as_posix() for p in files if p.exists()})


def copy_inputs(root: Path, target: Path) -> None:
    """Copy what the main job reads into ``target``: data/raw, data/reference, the study's own
    ``study/`` folder with its claims, the notebooks and the benchmark tables they read."""
    project = Project(root)
    shutil.copytree(project.raw, target / "data" / "raw")
    shutil.copytree(
        project.reference, target / "data" / "reference", ignore=shutil.ignore_patterns("agreement.csv")
    )
    own = root / FINDINGS_FILE.parent
    if own.is_dir():
        shutil.copytree(own, target / own.name, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "notebooks").mkdir(parents=True)
    for nb in project.notebooks.glob("[0-9][0-9]_*.ipynb"):
        shutil.copy2(nb, target / "notebooks" / nb.name)
    for table in (root / "benchmarks" / "results").glob("*.csv"):  # committed, run by hand
        (target / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
        shutil.copy2(table, target / "benchmarks" / "results" / table.name)


@dataclasses.dataclass(frozen=True)
class Verification:
    """The verdict of a comparison.

    Attributes
    ----------
    tier : str
        The study's tier: the worst file's, or DRIFT when a finding fails.
    files : DataFrame
        One row per output file of either tree: file, tier, detail.
    moves : DataFrame
        The headline numbers that moved (:func:`headline_moves`).
    findings : DataFrame
        The study's declared claims on the rebuilt results (:func:`themes.study.claims.check_findings`),
        with ``held_before``: whether the claim held on the committed results.
    notes : tuple of str
        Context for the reader (an environment that differs from the pins).
    """

    tier: str
    files: pd.DataFrame
    moves: pd.DataFrame
    findings: pd.DataFrame
    notes: tuple[str, ...] = ()


def compare_trees(expected_root: Path, actual_root: Path, *, skip_notebooks: bool = False) -> Verification:
    """Compare the outputs of two project folders (committed, rebuilt) and give the tiers."""
    expected_root, actual_root = Path(expected_root), Path(actual_root)
    expected, actual = set(output_files(expected_root)), set(output_files(actual_root))
    if skip_notebooks:
        expected = {f for f in expected if not f.endswith(".ipynb")}
        actual = {f for f in actual if not f.endswith(".ipynb")}
    tiers, details = {}, {}
    later = [f for f in expected & actual if f.endswith(FIGURES) or f == "results/MANIFEST.json"]
    for rel in sorted(expected | actual):
        if rel not in actual:
            tiers[rel], details[rel] = "DRIFT", "missing: committed but not rebuilt"
        elif rel not in expected:
            tiers[rel], details[rel] = "DRIFT", "extra: rebuilt but not committed"
        elif rel not in later:
            tiers[rel], details[rel] = compare_file(expected_root / rel, actual_root / rel)

    needed = [f"results/{name}" for name in HEADLINE_TABLES]
    if all(f in expected & actual for f in needed):
        moves = headline_moves(expected_root / "results", actual_root / "results")
    else:  # a headline table is missing, which is DRIFT already
        moves = pd.DataFrame(columns=MOVE_COLUMNS).astype({"inside": bool})
    for file, part in moves.loc[~moves["inside"]].groupby("file"):
        tiers[file] = "DRIFT"
        details[file] = f"{len(part)} headline numbers left their interval; " + details.get(file, "")

    for rel in sorted(later):
        a, b = expected_root / rel, actual_root / rel
        if a.read_bytes() == b.read_bytes():
            tiers[rel], details[rel] = "identical", ""
        elif rel.endswith(FIGURES):
            table = Path(rel).with_suffix(".csv").as_posix()
            if table not in tiers:
                tiers[rel], details[rel] = "holds", "bytes differ and no CSV is drawn beside it"
            else:
                tiers[rel] = "equivalent" if tiers[table] == "identical" else tiers[table]
                details[rel] = f"follows {Path(table).name} ({tiers[table]})"
        else:
            tiers[rel], details[rel] = compare_manifests(a, b, tiers)

    # a committed file (or the manifest) changed after the run that wrote it is DRIFT, whatever the rebuild
    for rel, why in tampered_files(expected_root).items():
        tiers[rel], details[rel] = "DRIFT", f"{why}; {details.get(rel, '')}"

    # the claims the committed study declares (study/findings.py), held on both trees: one that
    # fails on the rebuilt results is DRIFT, one that already failed on the committed results too
    claims = load_claims(expected_root)
    committed = check_findings(expected_root / "results", claims)["holds"].to_numpy()
    found = check_findings(actual_root / "results", claims).assign(held_before=committed)
    files = pd.DataFrame(
        [{"file": f, "tier": tiers[f], "detail": details[f].strip("; ")} for f in sorted(tiers)],
        columns=["file", "tier", "detail"],
    )
    tier = worst([*files["tier"], *(["DRIFT"] if not found["holds"].all() else [])])
    return Verification(tier=tier, files=files, moves=moves, findings=found)


def check_verifiable(project: Project, *, notebooks: bool) -> None:
    """Refuse, before the rebuild, a project that has nothing to rebuild from or to compare with."""
    project.require_corpus()
    if not (project.results / "MANIFEST.json").is_file():
        raise ThemesError(
            f"{project.results} holds no committed results (no MANIFEST.json) to compare with; "
            "run themes reproduce first."
        )
    if notebooks:
        check_execution_tools()


def verify(
    root: str | Path = ".", *, n_jobs: int = 1, progress: bool = False, notebooks: bool = True
) -> Verification:
    """Rebuild from the committed inputs in a temporary folder and compare with the committed outputs."""
    root = Path(root).resolve()
    check_verifiable(Project(root), notebooks=notebooks)
    with tempfile.TemporaryDirectory(prefix="themes-verify-") as tmp:
        rebuilt = Path(tmp) / "project"
        copy_inputs(root, rebuilt)
        # the study's own settings; a fresh cache in the temporary folder, never the study's
        config = study_config(rebuilt, {"n_jobs": n_jobs})
        reproduce(rebuilt, config=config, notebooks=notebooks, progress=progress, force=True)
        result = compare_trees(root, rebuilt, skip_notebooks=not notebooks)
    return dataclasses.replace(result, notes=environment_notes(root))


def pins_for(root: Path) -> Path | None:
    """The constraints file a project's results were made with: the project's own (this
    repository), else that of the themes source tree (a study made by ``themes init``), else None."""
    for path in (root / "constraints.txt", Path(__file__).resolve().parents[2] / "constraints.txt"):
        if path.is_file():
            return path
    return None


def environment_notes(root: Path) -> tuple[str, ...]:
    """Why bytes may differ here: packages other than the pins, OpenBLAS kernels other than Haswell."""
    notes = []
    pins = pins_for(root)
    other, missing = environment_mismatches(pins) if pins else ([], [])
    if other:
        more = f"; and {len(other) - 5} more" if len(other) > 5 else ""
        notes.append("environment differs from constraints.txt: " + "; ".join(other[:5]) + more)
    if missing:
        several = len(missing) > 1
        notes.append(
            f"{len(missing)} package{'s' if several else ''} of constraints.txt {'are' if several else 'is'} "
            f"not installed ({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''})"
        )
    if numpy_simd() not in ("X86_V3", "baseline") and platform.machine().lower() in X86_MACHINES:
        pin = f"NPY_DISABLE_CPU_FEATURES={NUMPY_AVX512_TARGETS!r}"
        notes.append(f"numpy runs its {numpy_simd()} code here, not {pin}: exp and log may round otherwise")
    core = os.environ.get("OPENBLAS_CORETYPE")
    if core != PINNED_CORE:
        why = (
            f"this processor cannot run the {PINNED_CORE} kernels the committed results were made with"
            if runs_here(PINNED_CORE) is False or platform.machine().lower() not in X86_MACHINES
            else f"OPENBLAS_CORETYPE is {core or 'unset'}, not {PINNED_CORE} as in scripts/run.sh"
        )
        notes.append(
            f"{why}: other kernels may round differently, leaving files equivalent rather than identical"
        )
    return tuple(notes)


def _number(x) -> str:
    return f"{x:g}" if isinstance(x, (int, float, np.integer, np.floating)) and not pd.isna(x) else str(x)


def format_report(result: Verification) -> str:
    """The short report ``themes verify`` prints: counts per tier, the files that are neither
    identical nor equivalent, the largest change in each equivalent table, every headline number
    that moved, the findings that failed."""
    counts = result.files["tier"].value_counts()
    lines = [f"{tier:<10} {int(counts.get(tier, 0)):>4} files" for tier in TIERS]
    for row in result.files[~result.files["tier"].isin(("identical", "equivalent"))].itertuples():
        lines.append(f"{row.tier:<10} {row.file}: {row.detail}")
    # the tables a reader quotes: how far "equivalent" is from identical
    tables = result.files[(result.files["tier"] == "equivalent") & result.files["file"].str.endswith(".csv")]
    for row in tables.itertuples():
        if row.detail:
            lines.append(f"equivalent {row.file}: {row.detail}")
    for m in result.moves.itertuples():
        where = f"{m.model}/{m.theme}" if m.theme else m.model
        state = "inside" if m.inside else "OUTSIDE"
        lines.append(
            f"  moved     {m.file} {where} {m.number}: {_number(m.old)} -> {_number(m.new)}, "
            f"{state} [{_number(m.low)}, {_number(m.high)}] ({m.against})"
        )
    findings = result.findings
    failed = findings[~findings["holds"]]
    n = len(findings)
    if n:
        lines.append(
            f"findings   {n - len(failed)} of {n} claims of study/findings.py hold on the rebuilt results"
        )
    else:
        lines.append(
            "findings   the study declares no claims (study/findings.py): its files alone are compared"
        )
    for row in failed.itertuples():
        why = "no longer holds" if row.held_before else "does not hold (nor on the committed results)"
        lines.append(f"DRIFT      finding {why}: {row.claim} ({row.detail})")
    lines += [f"note: {note}" for note in result.notes]
    if result.tier == "DRIFT":
        lines.append(
            "DRIFT: the rebuilt results differ from the committed ones in substance; "
            "the lines marked DRIFT or OUTSIDE above say where."
        )
    else:
        n, tier, meaning = len(result.files), result.tier, TIER_MEANING[result.tier]
        lines.append(f"OK: all {n} files agree with the committed results: study {tier} ({meaning}).")
    return "\n".join(lines)
