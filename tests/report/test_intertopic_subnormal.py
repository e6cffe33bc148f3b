"""The intertopic map stays finite when a topic's weights hold subnormal numbers, as NMF leaves them."""

import dataclasses

import numpy as np
from sklearn.decomposition import NMF

from themes.models.fitting import fit_matrix
from themes.report.relevance import intertopic_map


def test_subnormal_weights_give_a_finite_map_equal_to_the_one_without_them(planted):
    dtm, _ = planted
    model = fit_matrix(NMF(n_components=3, init="nndsvda", max_iter=500, random_state=0), dtm)
    phi = model.topic_term.copy()
    half = phi.shape[1] // 2
    phi[1, :half] = 0.0  # topic 1 has nothing on the first half of the vocabulary ...
    phi[1] /= phi[1].sum()
    phi[0, half:] /= phi[0, half:].sum()
    phi[0, :half] = 5e-324  # ... where topic 0 has the smallest subnormal, which the mixture halves to 0
    edited = dataclasses.replace(model, topic_term=phi)
    flushed = dataclasses.replace(model, topic_term=np.where(phi < 1e-300, 0.0, phi))
    coords = intertopic_map(edited)
    assert np.isfinite(coords[["x", "y"]].to_numpy()).all()
    np.testing.assert_allclose(coords.to_numpy(), intertopic_map(flushed).to_numpy())
