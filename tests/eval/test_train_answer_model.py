"""The answer model's trainer: the fit recovers a known logistic relation."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "eval"))

from train_answer_model import fit, predict  # noqa: E402


def test_the_fit_recovers_the_weights_of_a_logistic_relation():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 3))
    true = np.array([2.0, -1.0, 0.0])
    y = (rng.random(4000) < 1 / (1 + np.exp(-(x @ true + 0.5)))).astype(float)
    weights, bias = fit(x, y, penalty=1e-6)
    assert np.allclose(weights, true, atol=0.2) and abs(bias - 0.5) < 0.2
    # The penalty shrinks the weights, never flips them.
    shrunk, _ = fit(x, y, penalty=1000.0)
    assert np.all(np.abs(shrunk) < np.abs(weights) + 1e-9) and shrunk[0] > 0 > shrunk[1]
    assert predict(np.array([[3.0, 0.0, 0.0]]), weights, bias)[0] > 0.95


def test_the_shipped_answer_model_is_the_one_the_dev_questions_give_now():
    """Scoring, search data or dev questions changed without retraining: run
    `.venv/bin/python eval/train_answer_model.py --write` (it prints the cross-validation)."""
    from train_answer_model import Design, collect

    from guides.search import answer_model

    shipped = answer_model()
    fresh = Design(collect()).model(shipped.threshold)
    assert list(shipped.features) == fresh["features"]
    for key in ("means", "scales", "weights"):
        assert np.allclose(getattr(shipped, key), fresh[key], atol=1e-3), key
    assert abs(shipped.bias - fresh["bias"]) < 1e-3
    assert shipped.fallback is not None and list(shipped.fallback.features) == fresh["fallback"]["features"]
    for key in ("means", "scales", "weights"):
        assert np.allclose(getattr(shipped.fallback, key), fresh["fallback"][key], atol=1e-3), key
    assert abs(shipped.fallback.bias - fresh["fallback"]["bias"]) < 1e-3
