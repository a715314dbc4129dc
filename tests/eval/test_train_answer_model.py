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
    design = Design(collect())
    fresh = design.model(shipped.threshold)
    assert list(shipped.features) == fresh["features"]
    for key in ("means", "scales", "weights"):
        assert np.allclose(getattr(shipped, key), fresh[key], atol=1e-3), key
    assert abs(shipped.bias - fresh["bias"]) < 1e-3
    assert shipped.quadratic == (fresh["terms"] == "quadratic")
    if shipped.quadratic:
        for key in ("lows", "highs"):
            assert np.allclose(getattr(shipped, key), fresh[key], atol=1e-3), key
    assert shipped.fallback is not None and list(shipped.fallback.features) == fresh["fallback"]["features"]
    for key in ("means", "scales", "weights"):
        assert np.allclose(getattr(shipped.fallback, key), fresh["fallback"][key], atol=1e-3), key
    assert abs(shipped.fallback.bias - fresh["fallback"]["bias"]) < 1e-3
    # The wording model the answer model was fitted with (its file, as the trainer writes it).
    from train_answer_model import WORDING_PATH, wording_tsv

    assert WORDING_PATH.read_text("utf-8") == wording_tsv(design.wording.weights(), int(design.worded.sum()))


def test_a_wording_score_comes_from_a_model_that_saw_neither_its_file_nor_the_held_out_one():
    from train_answer_model import Wording

    def row(file, grams):
        return {"file": file, "grams": frozenset(grams)}

    rows = [row("a", ["办", "材料"]), row("a", ["办", "材料"]), row("a", ["办", "材料"]),
            row("b", ["办", "多少钱"]), row("b", ["多少钱"]), row("b", ["多少钱"]),
            row("c", ["材料", "多少钱"]), row("c", ["办", "材料"]), row("c", ["多少钱"])]
    labels = np.array([1, 1, 1, 0, 0, 0, 1, 1, 0], dtype=float)
    wording = Wording(rows, np.ones(len(rows), dtype=bool), labels)
    everything = wording.weights()
    assert everything["材料"] > 0 > everything["多少钱"]
    scores = wording.scores()
    # Without file a, 办 and 材料 are in two questions each (fewer than WORDING_MIN_COUNT): no weight
    # for a's rows, which a model fitted on every file would score high.
    assert everything["办"] + everything["材料"] > 0
    assert {"办", "材料"}.isdisjoint(wording.weights(("a",))) and scores[0] == 0.0
    assert scores[6] == sum(wording.weights(("c",))[g] for g in ("材料", "多少钱") if g in wording.weights(("c",)))
    held = wording.scores("b")  # nothing of file b: 多少钱 is then in 2 questions only
    assert "多少钱" not in wording.weights(("b", "c")) and held[8] == 0.0
    # A row left out of the fit (not usable) lends no counts.
    unused = Wording(rows, np.array([True] * 8 + [False]), labels)
    assert unused.total[3] == wording.total[3] - 1


def _synthetic_rows(n: int = 400, seed: int = 0) -> list[dict]:
    from guides.search import ANSWER_SIGNALS

    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        signals = {f: float(rng.random()) for f in ANSWER_SIGNALS} | {"asks_amount": 0.0, "no_known_words": 0.0}
        in_scope = bool(rng.random() < signals["top_score"] * signals["known_words"] + 0.2)
        rows.append({"catalogue": "guangxi", "file": f"f{i % 4}", "signals": signals, "in_scope": in_scope,
                     "top1": in_scope, "top3": in_scope, "grams": frozenset()})
    return rows


def test_the_model_the_trainer_writes_gives_the_search_the_probabilities_it_fitted():
    """The trainer's products (numpy, every row at once) and the search's (one question) are the
    same terms in the same order: the shipped model reads a question as it was fitted."""
    from train_answer_model import Design

    from guides.search import AnswerModel

    rows = _synthetic_rows()
    features = ["top_score", "known_words", "top_coverage", "likelihood_margin"]
    for quadratic in (True, False):
        design = Design(rows, features, quadratic=quadratic)
        written = design.model(0.5)
        model = AnswerModel.from_dict(written)
        fitted = predict(design.terms(design.z), np.array(written["weights"]), written["bias"])
        assert np.allclose([model.probability(r["signals"]) for r in rows], fitted)
        assert len(written["weights"]) == (len(features) + 10 if quadratic else len(features))
    # The products let the model learn what one signal means given another: here a question is
    # in scope with the product of two signals, which the linear model can only approximate.
    quadratic, linear = Design(rows, features), Design(rows, features, quadratic=False)

    def log_loss(design):
        p = np.clip(design.held_out(), 1e-9, 1 - 1e-9)
        return -np.mean(design.y * np.log(p) + (1 - design.y) * np.log(1 - p))

    assert log_loss(quadratic) < log_loss(linear)
