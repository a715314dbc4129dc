"""The rank model's trainer: the fit learns which feature tells the right candidate, and the shipped
model is the one the dev questions give now."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "eval"))

from train_rank_model import fit, hits  # noqa: E402

from guides.search import RANK_FEATURES  # noqa: E402


def synthetic_windows(n: int, seed: int) -> list[dict]:
    """Windows of five candidates in a random hand order; the right one is likeliest, most times."""
    rng = np.random.default_rng(seed)
    column = {name: k for k, name in enumerate(RANK_FEATURES)}
    rows = []
    for i in range(n):
        x = rng.normal(size=(5, len(RANK_FEATURES)))
        x[:, column["position"]] = 1.0 / (1 + rng.permutation(5))
        likelihood = x[:, column["likelihood_gap"]]
        y = np.zeros(5)
        y[np.argmax(likelihood + rng.normal(scale=0.3, size=5))] = 1.0
        rows.append({"catalogue": "toy", "file": f"f{i % 4}", "x": x, "y": y})
    return rows


def test_the_fit_learns_the_feature_that_tells_the_right_candidate():
    train, held = synthetic_windows(600, 0), synthetic_windows(300, 1)
    model = fit(train)
    weights = dict(zip(RANK_FEATURES, model[2]))
    assert weights["likelihood_gap"] == max(weights.values(), key=abs) > 1.0
    hand_first, hand_three = hits(held)
    model_first, model_three = hits(held, model)
    assert hand_first < 100 and model_first > 200 and model_three >= hand_three
    # Deterministic: the same rows give the same weights.
    assert np.array_equal(fit(train)[2], model[2])


def test_the_shipped_rank_model_is_the_one_the_dev_questions_give_now():
    """Scoring, search data or dev questions changed without retraining: run
    `.venv/bin/python eval/train_rank_model.py --write`, then eval/train_answer_model.py --write."""
    from train_rank_model import collect

    from guides.search import rank_model

    shipped = rank_model()
    means, scales, weights = fit(collect())
    assert list(shipped.features) == list(RANK_FEATURES)
    for key, fresh in (("means", means), ("scales", scales), ("weights", weights)):
        assert np.allclose(getattr(shipped, key), fresh, rtol=1e-4, atol=1e-5), key
