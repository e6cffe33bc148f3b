"""Rebuild the study in a temporary folder and compare it, file by file, with what is committed.

Tables are compared as numbers within a stated tolerance; every other file (figures,
notebooks, the manifest) byte for byte when the installed packages are the pinned ones of
``constraints.txt``, since only the same versions promise the same bytes. Elsewhere figures
are skipped, and notebooks and the manifest are compared on their text content.
"""

from __future__ import annotations

import json
import platform
import shutil
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from .project import Project

RTOL, ATOL = 1e-4, 1e-6
TOLERANCE_TEXT = (
    f"tables: numbers within rtol {RTOL:g} and atol {ATOL:g}, text equal; other files: "
    "identical bytes where the environment is the pinned one"
)
PASSING = ("identical", "within tolerance", "skipped")
_TEXT_MIMES = ("text/plain", "text/markdown", "text/html")


def environment_mismatches(constraints: str | Path) -> list[str]:
    """Installed packages whose version differs from the pins of a constraints file."""
    path = Path(constraints)
    if not path.exists():
        return [f"{path} not found"]
    out = []
    if platform.python_version_tuple()[:2] != ("3", "11"):
        out.append(f"python {platform.python_version()} (pinned: 3.11)")
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" not in line:
            continue
        name, pinned = (part.strip() for part in line.split("==", 1))
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "not installed"
        if installed != pinned:
            out.append(f"{name} {installed} (pinned: {pinned})")
    return out


def compare_tables(expected: Path, actual: Path) -> tuple[str, str]:
    """Compare two CSV tables: same columns and rows, numbers within tolerance, text equal."""
    a = pd.read_csv(expected, keep_default_na=True)
    b = pd.read_csv(actual, keep_default_na=True)
    if list(a.columns) != list(b.columns):
        return "DRIFT", f"columns differ: {list(a.columns)} vs {list(b.columns)}"
    if a.shape != b.shape:
        return "DRIFT", f"shape differs: {a.shape} vs {b.shape}"
    for col in a.columns:
        x, y = a[col], b[col]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            xv, yv = x.to_numpy(dtype=float), y.to_numpy(dtype=float)
            close = np.isclose(xv, yv, rtol=RTOL, atol=ATOL, equal_nan=True)
            if not close.all():
                i = int(np.flatnonzero(~close)[0])
                return (
                    "DRIFT",
                    f"column {col!r} row {i + 2}: {xv[i]!r} vs {yv[i]!r} ({int((~close).sum())} cells)",
                )
        else:
            differ = ~((x.astype(str) == y.astype(str)) | (x.isna() & y.isna()))
            if differ.any():
                i = int(np.flatnonzero(differ.to_numpy())[0])
                return "DRIFT", f"column {col!r} row {i + 2}: {x.iloc[i]!r} vs {y.iloc[i]!r}"
    return "within tolerance", ""


def _notebook_text(path: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        outputs = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                outputs.append(out.get("text", ""))
            for mime in _TEXT_MIMES:
                if mime in out.get("data", {}):
                    outputs.append(out["data"][mime])
        cells.append((cell.cell_type, cell.source, outputs))
    return cells


def _json_without_environment(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("environment", None)
    return data


def compare_file(expected: Path, actual: Path, *, pinned: bool) -> tuple[str, str]:
    """Verdict and detail for one file present in both trees."""
    if expected.read_bytes() == actual.read_bytes():
        return "identical", ""
    suffix = expected.suffix.lower()
    if suffix == ".csv":
        return compare_tables(expected, actual)
    if pinned:
        return "DRIFT", "bytes differ"
    if suffix in (".png", ".svg"):
        return "skipped", "figure bytes depend on the pinned environment, which differs here"
    if suffix == ".ipynb":
        same = _notebook_text(expected) == _notebook_text(actual)
        return (
            ("within tolerance", "text outputs equal; images not compared")
            if same
            else ("DRIFT", "text outputs differ")
        )
    if suffix == ".json":
        same = _json_without_environment(expected) == _json_without_environment(actual)
        return (
            ("within tolerance", "equal apart from the environment section")
            if same
            else ("DRIFT", "content differs")
        )
    return "DRIFT", "bytes differ"


def output_files(root: Path) -> list[str]:
    """Paths (relative to ``root``) of everything the main job writes."""
    project = Project(root)
    files = [p for p in project.results.rglob("*") if p.is_file()]
    files += list(project.processed.glob("*.csv"))
    files += [project.reference / "agreement.csv"]
    files += list(project.notebooks.glob("[0-9][0-9]_*.ipynb"))
    return sorted({p.relative_to(root).as_posix() for p in files if p.exists()})


def copy_inputs(root: Path, target: Path) -> None:
    """Copy what the main job reads (data/raw, data/reference, the notebooks) into ``target``."""
    project = Project(root)
    shutil.copytree(project.raw, target / "data" / "raw")
    shutil.copytree(
        project.reference, target / "data" / "reference", ignore=shutil.ignore_patterns("agreement.csv")
    )
    (target / "notebooks").mkdir(parents=True)
    for nb in project.notebooks.glob("[0-9][0-9]_*.ipynb"):
        shutil.copy2(nb, target / "notebooks" / nb.name)


def compare_trees(expected_root: Path, actual_root: Path, *, pinned: bool) -> pd.DataFrame:
    """One row per output file of either tree: file, verdict, detail."""
    expected, actual = set(output_files(expected_root)), set(output_files(actual_root))
    rows = []
    for rel in sorted(expected | actual):
        if rel not in actual:
            rows.append({"file": rel, "verdict": "MISSING", "detail": "committed but not rebuilt"})
        elif rel not in expected:
            rows.append({"file": rel, "verdict": "EXTRA", "detail": "rebuilt but not committed"})
        else:
            verdict, detail = compare_file(expected_root / rel, actual_root / rel, pinned=pinned)
            rows.append({"file": rel, "verdict": verdict, "detail": detail})
    return pd.DataFrame(rows, columns=["file", "verdict", "detail"])


def verify(
    root: str | Path = ".", *, n_jobs: int = 1, progress: bool = False, notebooks: bool = True
) -> pd.DataFrame:
    """Rebuild from the committed inputs in a temporary folder and compare with the committed outputs."""
    from .main_job import reproduce
    from .study import StudyConfig

    root = Path(root).resolve()
    mismatches = environment_mismatches(root / "constraints.txt")
    with tempfile.TemporaryDirectory(prefix="themes-verify-") as tmp:
        rebuilt = Path(tmp) / "project"
        copy_inputs(root, rebuilt)
        reproduce(rebuilt, config=StudyConfig(n_jobs=n_jobs), notebooks=notebooks, progress=progress)
        report = compare_trees(root, rebuilt, pinned=not mismatches)
    if not notebooks:
        report = report[~report["file"].str.endswith(".ipynb")]
    if mismatches:
        note = "environment differs from constraints.txt: " + "; ".join(mismatches[:5])
        report = pd.concat(
            [report, pd.DataFrame([{"file": "(environment)", "verdict": "skipped", "detail": note}])],
            ignore_index=True,
        )
    return report
