"""scikit-learn's estimator checks on every estimator class of the package.

Skipped checks are named with the reason; everything else must pass, so a break of the
conventions (``__init__`` that does work, a parameter that is not stored, an unknown
parameter accepted, a fit that does not return ``self``) fails here.
"""

import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

import themes as th

# Small settings keep the checks fast; seed words are column indices, since the checks feed
# matrices without a vocabulary. One theme, so that the checks' K of 1 and matrices of one
# column are still valid seeded models.
ESTIMATORS = [
    th.GensimLDA(n_components=2, passes=2, iterations=20, random_state=0),
    th.SeededLDA(n_components=2, seed_words={"a": [0]}, passes=2, iterations=20, random_state=0),
    th.SeededNMF(n_components=2, seed_words={"a": [0]}, random_state=0),
]

MU_SOLVER = (
    "fit_transform returns the W of the last multiplicative update, transform solves W afresh for the "
    "final H; they differ by more than the check's 0.01, as they do for scikit-learn's own "
    "NMF(solver='mu')"
)
EXPECTED_FAILURES = {
    "SeededNMF": {
        "check_transformer_general": MU_SOLVER,
        "check_transformer_data_not_an_array": MU_SOLVER,
    }
}


@parametrize_with_checks(
    ESTIMATORS, expected_failed_checks=lambda est: EXPECTED_FAILURES.get(type(est).__name__, {})
)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_parameters_round_trip_and_clone(estimator):
    params = estimator.get_params()
    copy = clone(estimator)
    assert copy.get_params() == params and copy is not estimator
    assert repr(estimator).startswith(type(estimator).__name__) and len(repr(estimator)) < 200
    with pytest.raises(ValueError, match="n_topics"):
        clone(estimator).set_params(n_topics=3)
