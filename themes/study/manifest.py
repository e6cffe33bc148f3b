"""What a run records beside its results: seeds, every setting, versions, and the checksums.

``results/MANIFEST.json`` lets a reader see exactly how every table was made, and
:func:`run_record` gives each notebook's last cell the versions it ran with.
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

import pandas as pd

from .. import __version__, files
from ..comparison.rules import RULES
from ..environment import library_versions, numpy_simd, thread_settings
from ..reference.coders import describe_coders
from ..selection import measures as selection
from .project import Project
from .reference_rounds import reference_coders


def checksums(paths, root: Path) -> dict[str, str]:
    """sha256 of each file, keyed by its path relative to ``root``."""
    return {p.relative_to(root).as_posix(): files.sha256_file(p) for p in sorted(paths) if p.is_file()}


def build_manifest(
    study, out: Path, chosen: pd.DataFrame, fits_by_model: dict, *, command: str = "themes reproduce"
) -> dict:
    """The manifest of a run whose results are in ``out`` (a staging folder of ``results/``)."""
    project = study.project
    outputs = {
        f"results/{rel}": digest
        for rel, digest in checksums([p for p in out.rglob("*") if p.name != "MANIFEST.json"], out).items()
    }
    inputs = checksums(
        [p for p in [*project.raw.glob("*"), *project.reference.rglob("*")] if p.name != "agreement.csv"],
        project.root,
    )
    models = {}
    for name, fits in fits_by_model.items():
        skip = ("n_iter", "converged", "vectorizer")
        models[name] = {
            "estimator": fits[0].params.get("estimator"),
            "K": fits[0].k,
            "seeds": [f.seed for f in fits],
            "params": {k: v for k, v in fits[0].params.items() if k not in skip},
            "n_iter": [f.params.get("n_iter") for f in fits],
            "converged": [f.params.get("converged") for f in fits],
        }
    agreement = project.reference_round / "agreement.csv"
    return {
        "package": {"name": "themes", "version": __version__},
        "command": command,
        "config": study.config.as_dict(),
        "seeds": list(study.config.seeds),
        "themes": study.themes,
        "reference": {
            "labels": project.labels.relative_to(project.root).as_posix(),
            "coded_by": describe_coders(reference_coders(project)),
        },
        "vectorizer": study.dtm.vectorizer.record(),
        "naive_vectorizer": study.naive_dtm.vectorizer.record(),
        "selection": {
            "rule": selection.SELECTION_RULE,
            "chosen_K": dict(zip(chosen["model"], chosen["K"].astype(int).tolist(), strict=True)),
            "coherence": {
                "top_n": selection.TOP_N,
                "npmi_window": selection.NPMI_WINDOW,
                "cv_window": selection.CV_WINDOW,
                "texts": f"kept paragraphs after vectorizing (at most {selection.COHERENCE_SAMPLE}, seed "
                f"{selection.COHERENCE_SEED})",
            },
        },
        "comparison": {
            **RULES.as_dict(),
            "bootstrap": "stratified percentile, 95%",
            "n_boot": study.config.n_boot,
            "n_perm": study.config.n_perm,
        },
        "models": models,
        "environment": {
            "python": platform.python_version(),
            "implementation": sys.implementation.name,
            "system": platform.system(),
            "machine": platform.machine(),
            "libraries": library_versions(),
            "threads": thread_settings(),
            "numpy_simd": numpy_simd(),
            "n_jobs": study.config.n_jobs,
        },
        "inputs": inputs,
        "outputs": {
            **checksums(project.processed.glob("*.csv"), project.root),
            agreement.relative_to(project.root).as_posix(): files.sha256_file(agreement)
            if agreement.exists()
            else None,
            **outputs,
        },
    }


def run_record(project: Project) -> pd.DataFrame:
    """Package and library versions and the sha256 of the results manifest, for a notebook's last cell."""
    manifest = project.results / "MANIFEST.json"
    quick = json.loads(manifest.read_text(encoding="utf-8")).get("quick_look") if manifest.exists() else None
    rows = [
        *([("QUICK LOOK", f"{quick}: these results are not for reporting")] if quick else []),
        ("themes", __version__),
        ("python", platform.python_version()),
        *sorted(library_versions().items()),
        ("results/MANIFEST.json sha256", files.sha256_file(manifest) if manifest.exists() else "missing"),
    ]
    return pd.DataFrame(rows, columns=["item", "value"])
