"""The tier of one rebuilt file against its committed version: identical, equivalent, holds or DRIFT.

Each kind of file is compared on what it means: a CSV table by its columns and numbers, a notebook
by its cells' sources and text outputs (the run-record cell left out, numbers at their printed
precision), a saved model's JSON without the library versions it records, an array by its values,
the manifest apart from its environment. :mod:`themes.verify` gives the verdict over a whole tree,
with the figures following their CSV and the headline numbers held against their intervals.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

RTOL, ATOL = 1e-4, 1e-6
SAVED_ENVIRONMENT = ("versions",)
"""Keys of a saved model's record (``model.json``, ``scorer.json``) that describe the environment it
was saved in, not the model: compared like the manifest's environment, that is not at all."""
TIERS = ("identical", "equivalent", "holds", "DRIFT")
MAY_MOVE = re.compile(r"^/models/[^/]+/(n_iter|converged|K)(/|$)|^/selection/chosen_K/")
"""Numbers of the manifest that a rebuild may move (fits' iterations, the K chosen, held against
its committed range); any other number is a setting, and a changed setting is DRIFT."""
_TEXT_MIMES = ("text/plain", "text/markdown", "text/html")
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def worst(tiers) -> str:
    """The worst of some tiers (``identical`` for none)."""
    return max(tiers, key=TIERS.index, default="identical")


def within_tolerance(x, y) -> np.ndarray:
    """Elementwise: ``x`` and ``y`` equal within ``RTOL`` and ``ATOL`` (two NaN are equal)."""
    return np.isclose(
        np.asarray(x, dtype=float), np.asarray(y, dtype=float), rtol=RTOL, atol=ATOL, equal_nan=True
    )


def compare_tables(expected: Path, actual: Path) -> tuple[str, str]:
    """Tier and detail for two CSV tables: columns must match; numbers within tolerance and equal
    text make them equivalent, anything else moved makes them (provisionally) ``holds``."""
    a, b = pd.read_csv(expected), pd.read_csv(actual)
    if list(a.columns) != list(b.columns):
        added, removed = [c for c in b.columns if c not in a], [c for c in a.columns if c not in b]
        return (
            "DRIFT",
            f"columns differ: added {added}, removed {removed}" if added or removed else "columns reordered",
        )
    if a.shape != b.shape:
        return "holds", f"{len(a)} rows committed, {len(b)} rebuilt"
    moved, largest = [], (0.0, "")
    for col in a.columns:
        x, y = a[col], b[col]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            close = within_tolerance(x, y)
            diff = np.abs(x.to_numpy(dtype=float) - y.to_numpy(dtype=float))
            if not close.all():
                i = int(np.flatnonzero(~close)[0])
                moved.append(
                    f"{col} {int((~close).sum())} cells (max change {np.nanmax(diff[~close]):.3g}; "
                    f"row {i + 2}{_row_key(a, i)}: {float(x.iloc[i]):.6g} -> {float(y.iloc[i]):.6g})"
                )
            elif (change := float(np.nan_to_num(diff).max(initial=0.0))) > largest[0]:
                largest = (change, col)
        else:
            differ = ~((x.astype(str) == y.astype(str)) | (x.isna() & y.isna()))
            if differ.any():
                i = int(np.flatnonzero(differ.to_numpy())[0])
                moved.append(
                    f"{col} {int(differ.sum())} text cells (row {i + 2}: {x.iloc[i]!r} -> {y.iloc[i]!r})"
                )
    if not moved:
        return "equivalent", f"largest change {largest[0]:.2g} ({largest[1]})" if largest[1] else ""
    return "holds", "beyond tolerance: " + "; ".join(moved[:4]) + ("; ..." if len(moved) > 4 else "")


def _row_key(table: pd.DataFrame, i: int) -> str:
    """What names row ``i`` of a table: its first two text cells, e.g. `` (lda_sklearn, morale)``."""
    text = [str(table.at[i, c]) for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    return f" ({', '.join(v[:40] for v in text[:2])})" if text else ""


def _last_digit(s: str) -> float:
    """One unit of the last printed digit of a number in plain notation (0 for other notations)."""
    if "." not in s or "e" in s.lower():
        return 0.0
    return 10.0 ** -len(s.split(".")[1])


def _numbers_equivalent(x: str, y: str) -> bool:
    """Two printed numbers equal within the tolerance, or within the rounding of their printed digits."""
    slack = max(_last_digit(x), _last_digit(y))
    return x == y or math.isclose(float(x), float(y), rel_tol=RTOL, abs_tol=ATOL + slack * (1 + 1e-9))


def texts_equivalent(x: str, y: str) -> bool:
    """Text equal apart from numbers, and those equal within tolerance at their printed precision."""
    if x == y:
        return True
    if _NUMBER.split(x) != _NUMBER.split(y):
        return False
    return all(_numbers_equivalent(p, q) for p, q in zip(_NUMBER.findall(x), _NUMBER.findall(y), strict=True))


def _notebook_text(path: Path) -> list[tuple[str, str, list[str]]]:
    import nbformat

    cells = []
    for cell in nbformat.read(path, as_version=4).cells:
        outputs = []
        if "run_record(" not in cell.source:  # versions and the manifest's sha256: the environment
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream":
                    outputs.append(out.get("text", ""))
                outputs += [out["data"][m] for m in _TEXT_MIMES if m in out.get("data", {})]
        cells.append((cell.cell_type, cell.source, outputs))
    return cells


def compare_notebooks(expected: Path, actual: Path) -> tuple[str, str]:
    a, b = _notebook_text(expected), _notebook_text(actual)
    if [c[:2] for c in a] != [c[:2] for c in b]:
        return "DRIFT", "the cells' sources differ"
    differ = [
        i + 1
        for i, (x, y) in enumerate(zip(a, b, strict=True))
        if len(x[2]) != len(y[2]) or not all(texts_equivalent(p, q) for p, q in zip(x[2], y[2], strict=True))
    ]
    if not differ:
        return "equivalent", "text outputs equal apart from the run record; images follow the tables"
    return "holds", f"text outputs of cells {', '.join(map(str, differ[:6]))} moved beyond tolerance"


def _json_moves(a, b, path: str = "") -> tuple[list[str], list[str]]:
    """Where two JSON values differ: (numbers beyond tolerance, other differences)."""
    numbers = (int, float)
    if isinstance(a, dict) and isinstance(b, dict):
        moved, other = [], []
        for key in sorted(a.keys() | b.keys()):
            if key not in a or key not in b:
                other.append(f"{path}/{key}")
            else:
                m, o = _json_moves(a[key], b[key], f"{path}/{key}")
                moved += m
                other += o
        return moved, other
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        moved, other = [], []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            m, o = _json_moves(x, y, f"{path}/{i}")
            moved += m
            other += o
        return moved, other
    if (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return ([] if within_tolerance(a, b) else [path or "/"]), []
    if a is None and b is None or a == b:
        return [], []
    return [], [path or "/"]


def compare_json(expected: Path, actual: Path) -> tuple[str, str]:
    """A saved model's record: equal apart from the library versions it was saved with (the
    environment, as in the manifest) and numbers within tolerance."""
    a, b = json.loads(expected.read_bytes()), json.loads(actual.read_bytes())
    environment_differs = False
    if isinstance(a, dict) and isinstance(b, dict):
        environment_differs = any(a.get(k) != b.get(k) for k in SAVED_ENVIRONMENT)
        a, b = ({k: v for k, v in x.items() if k not in SAVED_ENVIRONMENT} for x in (a, b))
    moved, other = _json_moves(a, b)
    if not moved and not other:
        return "equivalent", "other library versions recorded" if environment_differs else ""
    where = (moved + other)[:3]
    return "holds", f"{len(moved) + len(other)} values moved, e.g. {', '.join(where)}"


def compare_manifests(expected: Path, actual: Path, tiers: dict[str, str]) -> tuple[str, str]:
    """The manifest: equal apart from the environment and the hashes of equivalent outputs.

    ``tiers`` gives every other file's tier. A hash that changed with a file at *holds*, or a
    number of :data:`MAY_MOVE` beyond tolerance, makes the manifest *holds*; any other text or
    number that differs (inputs, settings, seeds, thresholds) is DRIFT.
    """
    try:
        a, b = json.loads(expected.read_bytes()), json.loads(actual.read_bytes())
    except ValueError:
        return "DRIFT", "not a readable manifest"
    if not isinstance(a, dict) or not isinstance(b, dict):
        return "DRIFT", "not a manifest (a JSON object)"
    ignored = ("environment", "outputs")
    moved, other = _json_moves(
        {k: v for k, v in a.items() if k not in ignored}, {k: v for k, v in b.items() if k not in ignored}
    )
    settings = [m for m in moved if not MAY_MOVE.match(m)]
    if other or settings:
        return "DRIFT", f"records other inputs or settings: {', '.join((other + settings)[:4])}"
    moved = [m for m in moved if MAY_MOVE.match(m)]
    hashes_a, hashes_b = a.get("outputs", {}), b.get("outputs", {})
    changed = sorted(f for f in hashes_a.keys() | hashes_b.keys() if hashes_a.get(f) != hashes_b.get(f))
    not_equivalent = [f for f in changed if tiers.get(f, "DRIFT") not in ("identical", "equivalent")]
    if moved or not_equivalent:
        parts = [f"numbers moved at {', '.join(moved[:3])}"] if moved else []
        if not_equivalent:
            parts.append(f"hashes of {len(not_equivalent)} files that are not equivalent")
        return "holds", "; ".join(parts)
    return "equivalent", "equal apart from the environment and the hashes of equivalent files"


def compare_arrays(expected: Path, actual: Path) -> tuple[str, str]:
    a, b = np.load(expected, allow_pickle=False), np.load(actual, allow_pickle=False)
    if a.shape != b.shape:
        return "holds", f"shape {a.shape} committed, {b.shape} rebuilt"
    close = within_tolerance(a, b)
    if close.all():
        diff = np.abs(a.astype(float) - b.astype(float))
        return "equivalent", f"largest change {np.nan_to_num(diff).max(initial=0.0):.2g}"
    return "holds", f"{int((~close).sum())} of {close.size} values beyond tolerance"


def compare_text(expected: Path, actual: Path) -> tuple[str, str]:
    same = texts_equivalent(expected.read_text(encoding="utf-8"), actual.read_text(encoding="utf-8"))
    return ("equivalent", "") if same else ("holds", "text or numbers beyond tolerance differ")


def compare_file(expected: Path, actual: Path) -> tuple[str, str]:
    """Tier and detail for one file present in both trees (figures and the manifest excepted:
    their tier depends on other files', see :func:`compare_trees`)."""
    if expected.read_bytes() == actual.read_bytes():
        return "identical", ""
    compare = {
        ".csv": compare_tables,
        ".ipynb": compare_notebooks,
        ".json": compare_json,
        ".npy": compare_arrays,
    }.get(expected.suffix.lower(), compare_text)
    try:
        return compare(expected, actual)
    except (ValueError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return "holds", f"bytes differ and cannot be compared as numbers ({type(exc).__name__})"
