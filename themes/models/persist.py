"""Saving and loading fitted models without pickle: arrays as ``.npy``, the rest as JSON.

A pickle runs arbitrary code when loaded, so a model shared between researchers is stored
as data only: the estimator's class (from an allow-list), its parameters and its fitted
attributes; the vectorizer's settings and vocabulary; the topic matrices. Loading refuses a
model saved by other versions of the package or of the libraries it was fitted with, because
the same arrays may then score text differently, and checks everything a file says before it is
used (:mod:`themes.models.saved_checks`): arrays by fixed names inside the folder, their headers,
shapes and values, the vectorizer's settings against the package's own, the estimator's parameters.
"""

from __future__ import annotations

import importlib
import io as _io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__, files
from ..environment import library_versions
from ..errors import ModelError
from ..text.vectorizer import Vectorizer
from . import saved_checks as checks
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


def _decode(value, folder: Path = Path(".")):
    """A JSON value back as Python (tuples, dicts with any keys, arrays of text, tables)."""
    try:
        return _decoded(value)
    except (TypeError, ValueError, KeyError, AttributeError):
        raise checks.refuse(folder, "holds a value that is not one a saved model writes") from None


def _decoded(value):
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(_decoded(v) for v in value["__tuple__"])
    if "__dict__" in value:
        return {_hashable(_decoded(k)): _decoded(v) for k, v in value["__dict__"]}
    if "__array_of_str__" in value:
        if not all(isinstance(v, str) for v in value["__array_of_str__"]):
            raise TypeError("an array of text holds other values")
        return np.asarray(value["__array_of_str__"], dtype=object)
    if "__dataframe__" in value:
        return pd.read_json(_io.StringIO(json.dumps(value["__dataframe__"])), orient="split")
    return {k: _decoded(v) for k, v in value.items()}


def _hashable(key):
    hash(key)  # a TypeError for a list or a dict: not a key a saved model writes
    return key


def _npy(array: np.ndarray) -> bytes:
    buffer = _io.BytesIO()
    np.save(buffer, array, allow_pickle=False)  # keeps Fortran order: BLAS rounds by layout
    return buffer.getvalue()


def load_npy(folder: Path, name: str) -> np.ndarray:
    """The array saved as ``<folder>/<name>.npy``, checked before it is read
    (:func:`themes.models.saved_checks.read_array`)."""
    return checks.read_array(Path(folder), name)


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


def load_estimator(record: dict, folder: Path, *, allowed: frozenset[str], prefix: str = "estimator"):
    """Rebuild an estimator from :func:`estimator_record` (classes of ``allowed`` only).

    Its arrays are read by the names :func:`estimator_record` gives them (``<prefix>.<attribute>``)
    and no other; its parameters and attribute names are checked first
    (:mod:`themes.models.saved_checks`).
    """
    folder = Path(folder)
    cls_name = record.get("class", "") if isinstance(record, dict) else ""
    if cls_name not in allowed:
        raise ModelError(
            f"{folder} names the estimator class {str(cls_name)[:80]!r}, which is not allowed to be loaded."
        )
    module, _, qualname = cls_name.rpartition(".")
    cls = getattr(importlib.import_module(module), qualname)
    params = checks.check_estimator_params(cls, _decode(record.get("params"), folder), folder)
    attributes = checks.field(record, "attributes", dict, folder)
    try:
        estimator = cls(**params)
    except (TypeError, ValueError) as exc:
        raise checks.refuse(folder, f"gives {qualname} parameters it refuses ({str(exc)[:80]})") from None
    for name, value in attributes.items():
        checks.check_attribute_name(cls, name, folder)
        if isinstance(value, dict) and "__npy__" in value:
            if value["__npy__"] != f"{prefix}.{name}":
                raise checks.refuse(
                    folder, f"names the array {str(value['__npy__'])[:60]!r} for {name}, not {prefix}.{name}"
                )
            setattr(estimator, name, load_npy(folder, value["__npy__"]))
        elif isinstance(value, dict) and "__estimator__" in value:
            inner = load_estimator(value["__estimator__"], folder, allowed=allowed, prefix=f"{prefix}.{name}")
            setattr(estimator, name, inner)
        else:
            setattr(estimator, name, _decode(value, folder))
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
    """Rebuild a fitted vectorizer from :func:`vectorizer_record`, every setting and size checked."""
    folder = Path(folder)
    if not isinstance(record, dict):
        raise checks.refuse(folder, "has no vectorizer record")
    params = checks.check_vectorizer_params(_decode(record.get("params"), folder), folder)
    terms = checks.text_list(record.get("terms"), "vocabulary terms", folder)
    checks.text_list(record.get("display_words"), "display words", folder, length=len(terms))
    checks.text_list(record.get("corpus_stop_words"), "corpus stop words", folder)
    checks.field(record, "n_documents", int, folder)
    grams = record.get("phrasegrams")
    if grams is not None and not (
        isinstance(grams, dict)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in grams.values())
    ):
        raise checks.refuse(folder, "holds phrases that are not a mapping of word pairs to scores")
    idf = checks.check_shape(folder, "vectorizer.idf.npy", load_npy(folder, "vectorizer.idf"), (len(terms),))
    vectorizer = Vectorizer(**params)
    phrases = None
    if grams is not None:
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
        idf=idf,
        phrases=phrases,
    )


# ------------------------------------------------------------ whole models


def write_folder(path: Path, records: dict[str, dict], arrays: dict[str, np.ndarray]) -> Path:
    """Write JSON records (``{"model.json": {...}}``) and arrays into ``path`` as a whole
    (staged beside it, then renamed)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ModelError(f"{path} is a file; give a folder to save the model in.")
    with files.staged_folder(path) as staged:
        for name, array in sorted(arrays.items()):
            files.write_bytes(staged / f"{name}.npy", _npy(array))
        for name, record in records.items():
            files.write_json(staged / name, record)
    return path


def read_record(path: Path, *, kind: str, filename: str = "model.json") -> dict:
    """A JSON record of a saved folder, after the format and version checks."""

    path = Path(path)
    meta = path / filename
    if not meta.is_file():
        raise ModelError(f"there is no saved model in {path} (no {filename}); fit and save one first.")
    record = checks.read_json_record(meta)
    if record.get("format") != kind or record.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{path} holds a {str(record.get('format'))[:40]!r} of format version "
            f"{str(record.get('format_version'))[:20]!r}; this version of themes reads {kind!r} version "
            f"{FORMAT_VERSION}."
        )
    versions = checks.field(record, "versions", dict, path, what=filename)
    saved = {"themes": record.get("themes_version"), **{k: versions.get(k) for k in CHECKED_LIBRARIES}}
    installed = {"themes": __version__, **{k: library_versions().get(k) for k in CHECKED_LIBRARIES}}
    differ = [
        f"{k} {str(saved[k])[:20]} (installed: {installed[k]})" for k in saved if saved[k] != installed[k]
    ]
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
