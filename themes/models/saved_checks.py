"""Checks on a saved model's files before anything in them is used: a shared model is untrusted input.

A saved model folder (:mod:`themes.models.persist`) may come from anyone. Before its content is
used, every JSON record is bounded in size and depth, every array is named by a fixed name inside
the folder and its header (dtype, shape, bytes) checked against the file before it is read, every
setting of the vectorizer is one of the package's own (no regular expression from a file is ever
compiled), every parameter of an estimator is one it takes and within a sane range, and the
arrays' shapes are checked against each other. Each refusal is one sentence (:class:`ModelError`).
"""

from __future__ import annotations

import inspect
import json
import math
import re
from numbers import Integral, Real
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..text.analyzer import SKLEARN_PATTERN, WORD_PATTERN
from ..text.vectorizer import Vectorizer

MAX_RECORD_BYTES = 256 * 2**20
"""Largest JSON record read (a model of a million paragraphs needs some tens of MB)."""
MAX_DEPTH = 32
"""Deepest nesting of a JSON record (the package writes at most six levels)."""
MAX_ITERATIONS = 100_000
"""Largest iteration count an estimator parameter may ask for (scoring runs them)."""
MAX_INTEGER = 2**32
"""Largest whole number an estimator parameter may hold (a random state goes to 2**32 - 1)."""
TOKEN_PATTERNS = (WORD_PATTERN, SKLEARN_PATTERN)
"""The only word patterns a saved vectorizer may name: the package's own."""
ARRAY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
"""A saved array's name: dotted identifiers, so its file ``<name>.npy`` lies in the model's folder."""
FINITE = ("topic_term", "doc_topic", "idf", "components_", "exp_dirichlet_component_", "alpha_")
FINITE += ("coef_", "intercept_", "word_weights_", "_components_numerator", "_components_denominator")
"""Arrays used to score text: a NaN or infinite value in one is refused."""
NUMERIC_KINDS = "biuf"


def refuse(folder: Path, what: str) -> ModelError:
    """The one sentence for a saved model that cannot be used."""
    return ModelError(f"the saved model in {folder} {what}; save or fit it again.")


# ------------------------------------------------------------------ JSON


def _depth(value) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, level + 1) for child in children)
    return deepest


def _no_constant(name: str):
    raise ValueError(f"the constant {name} is not JSON")


def read_json_record(path: Path) -> dict:
    """A saved record (``model.json``, ``scorer.json``): at most :data:`MAX_RECORD_BYTES`, nested at
    most :data:`MAX_DEPTH` deep, strict JSON (no NaN), a JSON object."""
    folder = path.parent
    if path.is_symlink():
        raise refuse(folder, f"holds {path.name} as a symbolic link")
    size = path.stat().st_size
    if size > MAX_RECORD_BYTES:
        raise refuse(folder, f"holds a {path.name} of {size:,} bytes (at most {MAX_RECORD_BYTES:,} are read)")
    try:
        record = json.loads(path.read_bytes().decode("utf-8"), parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        reason = "nested too deep" if isinstance(exc, RecursionError) else str(exc).splitlines()[0][:80]
        raise refuse(folder, f"holds a {path.name} that is not readable JSON ({reason})") from None
    if not isinstance(record, dict):
        raise refuse(folder, f"holds a {path.name} that is not a JSON object")
    if _depth(record) > MAX_DEPTH:
        raise refuse(folder, f"holds a {path.name} nested more than {MAX_DEPTH} levels deep")
    return record


def field(record: dict, key: str, kind, folder: Path, *, what: str = "model.json"):
    """``record[key]``, refused unless it is of ``kind`` (a type or a tuple of types)."""
    value = record.get(key) if isinstance(record, dict) else None
    ok = isinstance(value, kind) and not (isinstance(value, bool) and bool not in _types(kind))
    if not ok:
        names = "/".join(t.__name__ if t is not type(None) else "null" for t in _types(kind))
        raise refuse(folder, f"has {key!r} in {what} as {type(value).__name__}, not {names}")
    return value


def _types(kind) -> tuple:
    return kind if isinstance(kind, tuple) else (kind,)


def text_list(value, name: str, folder: Path, *, length: int | None = None) -> list[str]:
    """A list of strings (of ``length`` items when given)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise refuse(folder, f"has {name} that is not a list of strings")
    if length is not None and len(value) != length:
        raise refuse(folder, f"has {len(value)} {name} where its arrays have {length}")
    return value


# ---------------------------------------------------------------- arrays


def read_array(folder: Path, name: str) -> np.ndarray:
    """The array ``<folder>/<name>.npy``, its header checked before anything is allocated.

    The name is a fixed dotted identifier (never a path), the file a regular file of the folder,
    its dtype a plain number type, its size exactly what its header announces, and an array
    that scores text (:data:`FINITE`) holds no NaN or infinite value.
    """
    if not isinstance(name, str) or not ARRAY_NAME.match(name):
        raise refuse(
            folder, f"names an array {str(name)[:60]!r}, which is not an array name of a saved model"
        )
    path = folder / f"{name}.npy"
    if path.is_symlink():
        raise refuse(folder, f"holds {path.name} as a symbolic link")
    if not path.is_file():
        raise ModelError(f"the saved model in {folder} lacks {path.name}; save it again.")
    size = path.stat().st_size
    with path.open("rb") as handle:
        try:
            version = np.lib.format.read_magic(handle)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0}.get(
                version, np.lib.format.read_array_header_2_0
            )
            shape, _, dtype = read_header(handle)
        except (ValueError, SyntaxError, TypeError, EOFError) as exc:
            raise refuse(folder, f"holds {path.name} without a valid .npy header ({exc})") from None
        offset = handle.tell()
    if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise refuse(folder, f"holds {path.name} of type {dtype}, not numbers")
    needed = math.prod(shape) * dtype.itemsize
    if offset + needed != size:
        raise refuse(
            folder,
            f"holds {path.name}, whose header announces {needed:,} bytes of data (shape {shape}) "
            f"where the file holds {size - offset:,}",
        )
    array = np.load(path, allow_pickle=False)
    if name.rsplit(".", 1)[-1] in FINITE and dtype.kind == "f" and not np.isfinite(array).all():
        raise refuse(folder, f"holds NaN or infinite values in {path.name}, so it cannot score text")
    return array


def check_shape(folder: Path, name: str, array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    if array.shape != shape:
        raise refuse(
            folder, f"holds {name} of shape {array.shape} where its vocabulary and topics need {shape}"
        )
    return array


def check_distributions(folder: Path, name: str, array: np.ndarray) -> np.ndarray:
    """Rows of non-negative shares summing to one (a topic's terms, a paragraph's topics)."""
    if array.size and ((array < 0).any() or not np.allclose(array.sum(axis=1), 1.0, atol=1e-6)):
        raise refuse(folder, f"holds {name} whose rows are not shares summing to one")
    return array


# ------------------------------------------------------------- settings


def check_vectorizer_params(params, folder: Path) -> dict:
    """A saved vectorizer's settings: exactly the :class:`~themes.text.vectorizer.Vectorizer`
    parameters, the word pattern one of the package's own (:data:`TOKEN_PATTERNS`), every
    other value of its type and range."""
    expected = set(Vectorizer().get_params())
    if not isinstance(params, dict) or set(params) != expected:
        raise refuse(folder, "has vectorizer settings other than those of themes.text.Vectorizer")
    if params["token_pattern"] not in TOKEN_PATTERNS:
        shown = str(params["token_pattern"])[:40]
        raise refuse(folder, f"names the word pattern {shown!r}, which is not one of the package's own")
    problems = []
    for key in ("stop_words", "stem", "phrases"):
        if not isinstance(params[key], bool):
            problems.append(key)
    if not _number(params["min_token_length"], 1, 1000, whole=True):
        problems.append("min_token_length")
    for key in ("min_df", "max_df"):
        value = params[key]
        if not (_number(value, 0, MAX_INTEGER, whole=True) or _number(value, 0.0, 1.0)):
            problems.append(key)
    for key, low, high in (("phrase_min_count", 0, MAX_INTEGER), ("phrase_threshold", -1e6, 1e6)):
        if not _number(params[key], low, high):
            problems.append(key)
    if not _number(params["corpus_stop_doc_share"], 0.0, 1.0):
        problems.append("corpus_stop_doc_share")
    if params["corpus_stop_min_df"] is not None and not _number(params["corpus_stop_min_df"], 0.0, 1.0):
        problems.append("corpus_stop_min_df")
    extra = params["extra_stop_words"]
    if not isinstance(extra, list | tuple) or not all(isinstance(w, str) and len(w) <= 200 for w in extra):
        problems.append("extra_stop_words")
    if problems:
        raise refuse(
            folder, f"has vectorizer settings out of range or of the wrong type: {', '.join(problems)}"
        )
    return {**params, "extra_stop_words": tuple(extra)}


def _number(value, low, high, *, whole: bool = False) -> bool:
    if isinstance(value, bool) or not isinstance(value, Integral if whole else Real):
        return False
    return math.isfinite(value) and low <= value <= high


def _bounded(value, key: str) -> bool:
    """An estimator parameter's value: plain data, numbers finite and bounded."""
    if value is None or isinstance(value, bool | str):
        return not isinstance(value, str) or len(value) <= 10_000
    if isinstance(value, Real):
        limit = MAX_ITERATIONS if "iter" in key else MAX_INTEGER
        return math.isfinite(value) and abs(value) <= limit
    if isinstance(value, list | tuple):
        return all(_bounded(v, key) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _bounded(v, key) for k, v in value.items())
    return False


def check_estimator_params(cls, params, folder: Path) -> dict:
    """Parameters an estimator's class takes, each plain data within bounds (iteration counts at
    most :data:`MAX_ITERATIONS`, other numbers finite and at most :data:`MAX_INTEGER`)."""
    if not isinstance(params, dict):
        raise refuse(folder, f"has parameters of {cls.__name__} that are not a mapping")
    accepted = set(inspect.signature(cls.__init__).parameters) - {"self"}
    unknown = sorted(str(k) for k in params if k not in accepted)
    if unknown:
        raise refuse(
            folder, f"gives {cls.__name__} parameter(s) it does not take: {', '.join(unknown)[:120]}"
        )
    bad = sorted(k for k, v in params.items() if not _bounded(v, k))
    if bad:
        raise refuse(folder, f"gives {cls.__name__} out-of-range or non-data value(s) for {', '.join(bad)}")
    return params


def check_attribute_name(cls, name, folder: Path) -> str:
    """A fitted attribute may only be a plain instance attribute, never one of the class's own
    (a method or property a file could otherwise replace)."""
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("__") or hasattr(cls, name):
        raise refuse(
            folder, f"sets the attribute {str(name)[:60]!r} of {cls.__name__}, which a saved model may not"
        )
    return name


SHAPES = {
    "components_": ("k", "V"),
    "exp_dirichlet_component_": ("k", "V"),
    "_components_numerator": ("k", "V"),
    "_components_denominator": ("k", "V"),
    "alpha_": ("k",),
    "word_weights_": ("V",),
    "coef_": (1, "V"),
    "intercept_": (1,),
}
"""The shape of an estimator's arrays that scoring uses, by attribute: ``k`` topics, ``V`` terms."""
COUNTS = {"n_features_in_": "V", "n_components_": "k", "_n_components": "k"}


def check_estimator(estimator, folder: Path, *, k: int | None, n_terms: int) -> None:
    """The fitted estimator's arrays and counts against the model's ``k`` topics and ``n_terms``."""
    sizes = {"k": k, "V": n_terms}
    for name, dims in SHAPES.items():
        value = getattr(estimator, name, None)
        if isinstance(value, np.ndarray) and all(sizes.get(d, d) is not None for d in dims):
            check_shape(folder, f"the estimator's {name}", value, tuple(sizes.get(d, d) for d in dims))
    for name, dim in COUNTS.items():
        value = vars(estimator).get(name)
        if value is not None and sizes[dim] is not None and value != sizes[dim]:
            raise refuse(folder, f"records {name} = {value!r} where its arrays have {sizes[dim]}")
    wanted = getattr(estimator, "n_components", None)
    if k is not None and isinstance(wanted, int) and wanted != k:
        raise refuse(folder, f"asks for {estimator.n_components!r} topics where its arrays have {k}")
    columns = vars(estimator).get("seed_columns_")
    if columns is not None:
        flat = [c for cs in columns.values() for c in cs] if isinstance(columns, dict) else [None]
        if not all(type(c) is int and 0 <= c < n_terms for c in flat):
            raise refuse(folder, "holds seed columns outside its vocabulary")
