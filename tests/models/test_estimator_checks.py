"""scikit-learn's estimator checks on every estimator class of the package, in one place.

Expected failures are named with their reason; everything else must pass, so a break of the
conventions (``__init__`` that does work, a parameter that is not stored, an unknown parameter
accepted, a fit that does not return ``self``) fails here.
"""

import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from themes.models.backends import BUILTIN_BACKENDS
from themes.models.gensim_lda import GensimLDA, SeededLDA
from themes.models.keyatm import KeyATM
from themes.models.online_lda import OnlineLDA
from themes.models.seeded_nmf import SeededNMF
from themes.models.tomotopy_lda import TomotopyLDA

# Small settings keep the checks fast. The checks feed random matrices without a vocabulary, so
# seed words are column indices; one theme keeps the checks' K of 1 and one-column matrices valid
# seeded models (KeyATM rounds their values to counts). TomotopyLDA is also checked with two
# themes, which some checks cannot satisfy (see TWO_THEMES).
ESTIMATORS = [
    GensimLDA(n_components=2, passes=2, iterations=20, random_state=0),
    SeededLDA(n_components=2, seed_words={"a": [0]}, passes=2, iterations=20, random_state=0),
    SeededNMF(n_components=2, seed_words={"a": [0]}, random_state=0),
    KeyATM(n_components=2, seed_words={"a": [0]}, n_iter=20, transform_iter=10, random_state=0),
    TomotopyLDA(n_components=3, n_iter=20),
    TomotopyLDA(n_components=3, n_iter=20, seed_words={"a": [0]}),
    TomotopyLDA(n_components=3, n_iter=20, seed_words={"a": [0], "b": [1]}),
    OnlineLDA(n_components=3, batch_size=16, max_iter=2, random_state=0),
]

MU_SOLVER = (
    "fit_transform returns the W of the last multiplicative update, transform solves W afresh for the "
    "final H; they differ by more than the check's 0.01, as they do for scikit-learn's own "
    "NMF(solver='mu')"
)
TOO_FEW = "the check sets n_components=1, fewer topics than the two seeded themes: a ModelError"
TWO_THEMES = {
    "check_dont_overwrite_parameters": TOO_FEW,
    "check_methods_sample_order_invariance": TOO_FEW,
    "check_methods_subset_invariance": TOO_FEW,
    "check_fit2d_predict1d": TOO_FEW,
    "check_fit2d_1sample": TOO_FEW + " raised before the one-sample message",
    "check_fit2d_1feature": "seed word column 1 does not exist in a one-column matrix",
}


def expected_failed_checks(estimator) -> dict[str, str]:
    """The checks an estimator cannot pass, each with the reason (none for most)."""
    if isinstance(estimator, SeededNMF):
        return {"check_transformer_general": MU_SOLVER, "check_transformer_data_not_an_array": MU_SOLVER}
    if isinstance(estimator, TomotopyLDA) and len(estimator.seed_words or {}) > 1:
        return TWO_THEMES
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_every_estimator_class_of_the_package_is_checked():
    own = {b.estimator_class for b in BUILTIN_BACKENDS if b.estimator.startswith("themes.")}
    assert own == {type(e) for e in ESTIMATORS}


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_parameters_round_trip_and_clone(estimator):
    params = estimator.get_params()
    copy = clone(estimator)
    assert copy.get_params() == params and copy is not estimator
    assert repr(estimator).startswith(type(estimator).__name__) and len(repr(estimator)) < 200
    with pytest.raises(ValueError, match="n_topics"):
        clone(estimator).set_params(n_topics=3)
