"""Saving and loading fitted models without pickle: arrays as ``.npy``, the rest as JSON.

A pickle runs arbitrary code when loaded, so a model shared between researchers is stored
as data only: the estimator's class (from an allow-list), its parameters and its fitted
attributes; the vectorizer's settings and vocabulary; the topic matrices. Loading refuses a
model saved by other versions of the package or of the libraries it was fitted with, because
the same arrays may then score text differently.
"""

from __future__ import annotations

import importlib
import io as _io
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__, files
from ..environment import library_versions
from ..errors import ModelError
from ..text.vectorizer import Vectorizer
from .backends import available_backends

FORMAT_VERSION = 1
CHECKED_LIBRARIES = ("numpy", "scipy", "scikit-learn", "gensim", "PyStemmer", "numba", "tomotopy")
"""Libraries whose version must match for a loaded model to score text as it did when saved."""


# ----------------------------------------------------------------- values


def _encode(value, name: str):
    """A fitted attribute as JSON, or None when it is an array stored beside the JSON."""
    if isinstance(value, np.ndarray) and value.dtype != object:
        return None
    if isinstance(value, np.ndarray):
        return {"__array_of_str__": [str(v) for v in value.tolist()]}
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, name) for v in value]}
    if isinstance(value, list):
        return [_encode(v, name) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[_encode(k, name), _encode(v, name)] for k, v in value.items()]}
    if isinstance(value, pd.DataFrame):
        return {"__dataframe__": json.loads(value.to_json(orient="split", double_precision=15))}
    raise ModelError(f"cannot save the fitted attribute {name!r} of type {type(value).__name__} safely.")


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(_decode(v) for v in value["__tuple__"])
    if "__dict__" in value:
        return {_decode(k): _decode(v) for k, v in value["__dict__"]}
    if "__array_of_str__" in value:
        return np.asarray(value["__array_of_str__"], dtype=object)
    if "__dataframe__" in value:
        return pd.read_json(_io.StringIO(json.dumps(value["__dataframe__"])), orient="split")
    return {k: _decode(v) for k, v in value.items()}


def _npy(array: np.ndarray) -> bytes:
    buffer = _io.BytesIO()
    np.save(buffer, array, allow_pickle=False)  # keeps Fortran order: BLAS rounds by layout
    return buffer.getvalue()


def load_npy(folder: Path, name: str) -> np.ndarray:
    path = folder / f"{name}.npy"
    if not path.is_file():
        raise ModelError(f"the saved model in {folder} lacks {path.name}; save it again.")
    return np.load(path, allow_pickle=False)


# -------------------------------------------------------------- estimators


def allowed_classes(*extra: str) -> frozenset[str]:
    """The classes a saved file may name: every backend's (``module.Class``) and ``extra``."""
    return frozenset({b.class_path for b in available_backends().values()} | set(extra))


def estimator_record(
    estimator, prefix: str, *, allowed: frozenset[str]
) -> tuple[dict, dict[str, np.ndarray]]:
    """An estimator as (JSON record, arrays): class, parameters, fitted attributes.

    ``allowed`` are the classes that may be saved (:func:`allowed_classes`): what cannot be
    loaded again is refused here, before anything is written.
    """
    cls = f"{type(estimator).__module__}.{type(estimator).__qualname__}"
    if cls not in allowed:
        raise ModelError(
            f"cannot save an estimator of class {cls}: it is not a backend of themes "
            "(describe it with a themes.models.Backend)."
        )
    params = estimator.get_params(deep=False)
    attributes, arrays = {}, {}
    for name, value in sorted(vars(estimator).items()):
        if name in params or isinstance(value, np.random.RandomState):
            continue  # parameters are stored above; a random generator is not needed to score
        if hasattr(value, "get_params") and hasattr(value, "fit"):  # a fitted estimator it wraps
            inner, inner_arrays = estimator_record(value, f"{prefix}.{name}", allowed=allowed)
            attributes[name] = {"__estimator__": inner}
            arrays.update(inner_arrays)
            continue
        encoded = _encode(value, name)
        if encoded is None:
            arrays[f"{prefix}.{name}"] = value
            attributes[name] = {"__npy__": f"{prefix}.{name}"}
        else:
            attributes[name] = encoded
    return {"class": cls, "params": _encode(params, "params"), "attributes": attributes}, arrays


def load_estimator(record: dict, folder: Path, *, allowed: frozenset[str]):
    """Rebuild an estimator from :func:`estimator_record` (classes of ``allowed`` only)."""
    cls_name = record.get("class", "")
    if cls_name not in allowed:
        raise ModelError(
            f"{folder} names the estimator class {cls_name!r}, which is not allowed to be loaded."
        )
    module, _, qualname = cls_name.rpartition(".")
    cls = getattr(importlib.import_module(module), qualname)
    estimator = cls(**_decode(record["params"]))
    for name, value in record["attributes"].items():
        if isinstance(value, dict) and "__npy__" in value:
            setattr(estimator, name, load_npy(folder, value["__npy__"]))
        elif isinstance(value, dict) and "__estimator__" in value:
            setattr(estimator, name, load_estimator(value["__estimator__"], folder, allowed=allowed))
        else:
            setattr(estimator, name, _decode(value))
    return estimator


# -------------------------------------------------------------- vectorizer


def vectorizer_record(vectorizer) -> tuple[dict, dict[str, np.ndarray]]:
    phrases = vectorizer.phrases_
    record = {
        "params": _encode(vectorizer.get_params(), "params"),
        "terms": vectorizer.get_feature_names_out().tolist(),
        "display_words": list(vectorizer.display_words_),
        "corpus_stop_words": list(vectorizer.corpus_stop_words_),
        "n_documents": vectorizer.n_documents_,
        "phrasegrams": None
        if phrases is None
        else {k: float(v) for k, v in sorted(phrases.phrasegrams.items())},
    }
    return record, {"vectorizer.idf": vectorizer.idf_}


def load_vectorizer(record: dict, folder: Path):

    vectorizer = Vectorizer(**_decode(record["params"]))
    phrases = None
    if record["phrasegrams"] is not None:
        from gensim.models.phrases import FrozenPhrases, Phrases

        settings = vectorizer.get_params()
        frozen = FrozenPhrases(
            Phrases(min_count=settings["phrase_min_count"], threshold=settings["phrase_threshold"])
        )
        frozen.phrasegrams = dict(record["phrasegrams"])
        phrases = frozen
    return vectorizer.set_vocabulary(
        record["terms"],
        display_words=record["display_words"],
        corpus_stop_words=record["corpus_stop_words"],
        n_documents=record["n_documents"],
        idf=load_npy(folder, "vectorizer.idf"),
        phrases=phrases,
    )


# ------------------------------------------------------------ whole models


def write_folder(path: Path, records: dict[str, dict], arrays: dict[str, np.ndarray]) -> Path:
    """Write JSON records (``{"model.json": {...}}``) and arrays into ``path`` as a whole
    (staged beside it, then renamed)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ModelError(f"{path} is a file; give a folder to save the model in.")
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
    try:
        for name, array in sorted(arrays.items()):
            files.write_bytes(staged / f"{name}.npy", _npy(array))
        for name, record in records.items():
            files.write_json(staged / name, record)
        if path.exists():
            shutil.rmtree(path)
        staged.rename(path)
    finally:
        if staged.exists():
            shutil.rmtree(staged)
    return path


def read_record(path: Path, *, kind: str, filename: str = "model.json") -> dict:
    """A JSON record of a saved folder, after the format and version checks."""

    path = Path(path)
    meta = path / filename
    if not meta.is_file():
        raise ModelError(f"there is no saved model in {path} (no {filename}); fit and save one first.")
    try:
        record = json.loads(meta.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ModelError(f"{meta} is not a readable saved model; save the model again.") from None
    if record.get("format") != kind or record.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{path} holds a {record.get('format')!r} of format version {record.get('format_version')!r}; "
            f"this version of themes reads {kind!r} version {FORMAT_VERSION}."
        )
    saved = {
        "themes": record.get("themes_version"),
        **{k: record.get("versions", {}).get(k) for k in CHECKED_LIBRARIES},
    }
    installed = {"themes": __version__, **{k: library_versions().get(k) for k in CHECKED_LIBRARIES}}
    differ = [f"{k} {saved[k]} (installed: {installed[k]})" for k in saved if saved[k] != installed[k]]
    if differ:
        raise ModelError(
            f"{path} was saved with other versions ({'; '.join(differ)}); "
            "refit the model with the installed versions to score text."
        )
    return record


def record_header(kind: str, versions: dict) -> dict:
    """The first fields of every saved record: its format and the versions it was made with."""
    return {
        "format": kind,
        "format_version": FORMAT_VERSION,
        "themes_version": __version__,
        "versions": versions,
    }
