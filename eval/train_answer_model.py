"""Train the answer model (guides/data/answer_model.yaml) on the dev questions of both catalogues.

The search ranks items, then decides whether its best items answer the question or whether it
should say "no confident match". That decision reads a few signals of the search (ANSWER_SIGNALS
in guides/search.py: the top scores, how much of the question the top item explains, how much
the question resembles the items' example questions and the messages that ask for no service…)
through a logistic model over the signals and the products of each pair of them (guides.search.
AnswerModel; ``--linear`` fits the signals alone, for comparison). This script fits the model on
the dev split only:

- positives: labelled questions whose right item is among the top three;
- negatives: out-of-scope questions;
- labelled questions whose right item is not in the top three are left out (answering them is
  wrong whatever the model says), and so are the questions a gate rules out (ANSWER_GATES in
  guides/search.py: asking how much a benefit pays), which the model does not decide.

A question whose likelihood margin could not be measured (PARTIAL_SIGNALS) is decided by a
fallback model fitted on the same questions without that signal; both are written.

One signal, the question's wording (guides.search.WordingModel), is itself learnt here: naive
Bayes log-odds of characters and character pairs, answerable questions against out-of-scope ones
(gated questions included: how a chat message is worded is evidence too),
written to guides/data/service_wording.tsv. The answer model is fitted on cross-fitted wording
scores (each question's from the dev questions of the other files), and the cross-validation
scores a held-out file by wording models that saw neither it nor the question's own file.

It first prints a leave-one-file-out cross-validation (each question file predicted by a model
fitted on the others) next to the score-threshold rule the model replaces, then fits on all dev
questions and writes the model. The test splits are never read.

Usage: python eval/train_answer_model.py [--threshold P] [--linear] [--write]   (P: the shipped model's, by default)
Retrain after changing the scoring, the search data files or the dev questions.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MODEL_PATH = ROOT / "guides" / "data" / "answer_model.yaml"
WORDING_PATH = ROOT / "guides" / "data" / "service_wording.tsv"
# L2 on the weights (not the bias). A quadratic model has nine times the weights of a linear one
# but needs no more: 1 did better than 3 in the cross-validation (session 28: as many questions in
# the top three answered at 0.30 and 0.32, and 6-8 more out-of-scope ones rejected).
PENALTY = 1.0
WORDING_SMOOTHING = 1.0  # added to each class's count of a character or pair
WORDING_MIN_COUNT = 3  # a character or pair in fewer fitted questions than this has no weight
SCORE_RULE = 0.53  # the rule the model replaced: answer when the best item scores this, unless chit-chat


def collect() -> list[dict]:
    """One row per dev question that any item matches: its signals and what answering it would give."""
    from search_bench import load_records, questions_for

    import guides.search
    from guides.search import SearchIndex
    from guides.text import char_grams, normalise

    # Never answer while collecting: ``closest`` then holds the whole ranking, so the labels do
    # not depend on the model being replaced.
    floor, guides.search.ANSWER_FLOOR = guides.search.ANSWER_FLOOR, math.inf
    rows = []
    try:
        for size, folder in (("sample", "guangxi"), ("gdzwfw", "gdzwfw")):
            index = SearchIndex.build(**load_records(size))
            for q in questions_for(size):
                if q["split"] != "dev":
                    continue
                response = index.search(q["question"], limit=5)
                ranked = [h.code for h in response.closest]
                if not response.signals:
                    continue  # no item shares a word with it: never answered
                codes = set(q["codes"])
                rows.append({"catalogue": folder, "file": q["file"], "signals": response.signals,
                             "in_scope": bool(codes), "top1": bool(ranked) and ranked[0] in codes,
                             "top3": bool(codes & set(ranked[:3])),
                             "grams": frozenset(char_grams(normalise(q["question"])))})
    finally:
        guides.search.ANSWER_FLOOR = floor
    return rows


def fit(x: np.ndarray, y: np.ndarray, penalty: float = PENALTY) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression by Newton's method; returns (weights, bias)."""
    design = np.hstack([x, np.ones((len(x), 1))])
    beta = np.zeros(design.shape[1])
    ridge = np.full(design.shape[1], penalty)
    ridge[-1] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -60, 60)))
        gradient = design.T @ (p - y) + ridge * beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(ridge)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-9:
            break
    return beta[:-1], float(beta[-1])


def predict(x: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x @ weights + bias, -60, 60)))


def figures(rows: list[dict], answered: np.ndarray) -> str:
    out = []
    for catalogue in ("guangxi", "gdzwfw"):
        mine = [(r, a) for r, a in zip(rows, answered) if r["catalogue"] == catalogue]
        in_scope = [(r, a) for r, a in mine if r["in_scope"]]
        oos = [(r, a) for r, a in mine if not r["in_scope"]]
        top1 = sum(a and r["top1"] for r, a in in_scope)
        top3 = sum(a and r["top3"] for r, a in in_scope)
        rejected = sum(not a for _, a in oos)
        out.append(f"{catalogue}: answered with the right item first {top1}, in the top 3 {top3} of {len(in_scope)}; "
                   f"out-of-scope rejected {rejected} of {len(oos)}")
    return "\n    ".join(out)


def _log_odds(pos: float, neg: float, yes: float, no: float) -> float:
    """A character or pair's log-odds: in ``pos`` of ``yes`` answerable questions and ``neg`` of ``no`` others."""
    a = WORDING_SMOOTHING
    return math.log((pos + a) / (yes + 2 * a)) - math.log((neg + a) / (no + 2 * a))


class Wording:
    """The wording model (guides.search.WordingModel) learnt from the fitted rows, per file, so
    that a row's score can come from a model that saw neither its own file nor a held-out one:
    in-sample naive Bayes scores are overconfident, and the answer model must weigh them as they
    will be for new questions."""

    def __init__(self, rows: list[dict], fitted: np.ndarray, labels: np.ndarray):
        self.rows = rows
        self.per_file: dict[str, list] = defaultdict(lambda: [Counter(), Counter(), 0, 0])
        for row, used, label in zip(rows, fitted, labels):
            if used:
                counts = self.per_file[row["file"]]
                counts[0 if label else 1].update(row["grams"])
                counts[2 if label else 3] += 1
        self._scores: dict[str | None, np.ndarray] = {}  # by held-out file: the fallback reads them too
        self.total = [Counter(), Counter(), 0, 0]
        for counts in self.per_file.values():
            self.total[0].update(counts[0])
            self.total[1].update(counts[1])
            self.total[2] += counts[2]
            self.total[3] += counts[3]

    def weights(self, leave_out: tuple[str, ...] = ()) -> dict[str, float]:
        """Log-odds per character or pair, from every fitted file but those ``leave_out``."""
        out = [file for file in dict.fromkeys(leave_out) if file in self.per_file]
        yes, no = self.total[2] - sum(self.per_file[f][2] for f in out), self.total[3] - sum(self.per_file[f][3] for f in out)
        weights = {}
        for gram in self.total[0].keys() | self.total[1].keys():
            pos = self.total[0][gram] - sum(self.per_file[f][0][gram] for f in out)
            neg = self.total[1][gram] - sum(self.per_file[f][1][gram] for f in out)
            if pos + neg >= WORDING_MIN_COUNT:
                weights[gram] = _log_odds(pos, neg, yes, no)
        return weights

    def scores(self, held_out: str | None = None) -> np.ndarray:
        """Each row's log-odds by a model fitted without its own file (and without ``held_out``)."""
        if held_out in self._scores:
            return self._scores[held_out]
        pos_total, neg_total, yes_total, no_total = self.total
        out = np.zeros(len(self.rows))
        for i, row in enumerate(self.rows):
            left = [self.per_file[f] for f in {row["file"], held_out} if f in self.per_file]
            yes = yes_total - sum(c[2] for c in left)
            no = no_total - sum(c[3] for c in left)
            score = 0.0
            for gram in row["grams"]:
                pos = pos_total[gram] - sum(c[0][gram] for c in left)
                neg = neg_total[gram] - sum(c[1][gram] for c in left)
                if pos + neg >= WORDING_MIN_COUNT:
                    score += _log_odds(pos, neg, yes, no)
            out[i] = score
        out.flags.writeable = False  # shared by the fallback's design
        self._scores[held_out] = out
        return out


class Design:
    """The dev rows as arrays: signals, standardised signals, labels and which rows are fitted."""

    def __init__(self, rows: list[dict], features: list[str] | None = None, wording: Wording | None = None,
                 quadratic: bool = True):
        from guides.search import ANSWER_GATES, ANSWER_SIGNALS

        self.rows = rows
        self.quadratic = quadratic
        self.features = list(features or (f for f in ANSWER_SIGNALS if f not in ANSWER_GATES))
        self.x = np.array([[r["signals"][f] for f in self.features] for r in rows], dtype=float)
        self.y = np.array([1.0 if r["in_scope"] else 0.0 for r in rows])
        # A gated question (ANSWER_GATES) is never answered: the model does not decide it.
        self.gated = np.array([any(r["signals"][g] for g in ANSWER_GATES) for r in rows], dtype=bool)
        # The wording is learnt from every question with a meaningful label, gated or not: how a chat
        # message or a question about a benefit's amount is worded is evidence too.
        self.worded = np.array([(not r["in_scope"]) or r["top3"] for r in rows])
        self.usable = self.worded & ~self.gated
        # A partial signal the search could not measure (NaN) is left out of the mean and scale;
        # such a question is decided by the fallback model, which does not read it.
        self.unmeasured = np.isnan(self.x).any(axis=1)
        # The shipped wording model saw every dev question: each row reads a cross-fitted score instead.
        self.wording = None
        if "wording" in self.features:
            self.wording = wording or Wording(rows, self.worded, self.y)
        if self.wording is not None:
            self.x[:, self.features.index("wording")] = self.wording.scores()
        self.means, self.scales = np.nanmean(self.x, axis=0), np.nanstd(self.x, axis=0)
        self.scales[self.scales == 0] = 1.0
        self.z = np.nan_to_num((self.x - self.means) / self.scales, nan=0.0)
        # Where the dev questions' signals lie (the wording also as the shipped model, which saw
        # them all, scores it): a quadratic model's products read each signal's place within it.
        shipped = self.z.copy()
        if self.wording is not None:
            column = self.features.index("wording")
            shipped[:, column] = (self._shipped_wording() - self.means[column]) / self.scales[column]
        both = np.vstack([self.z, shipped])
        self.lows, self.highs = np.percentile(both, 5, axis=0), np.percentile(both, 95, axis=0)
        self.highs = np.where(self.highs > self.lows, self.highs, self.lows + 1.0)  # a signal that hardly varies

    def _shipped_wording(self) -> np.ndarray:
        """Each row's wording score by the model fitted on every dev question (the one shipped)."""
        weights = self.wording.weights()
        return np.array([math.fsum(weights.get(g, 0.0) for g in sorted(r["grams"])) for r in self.rows])

    def terms(self, z: np.ndarray) -> np.ndarray:
        """What the model weighs: the standardised signals, and for a quadratic model also the
        pairwise products of their places in the dev range (guides.search.AnswerModel)."""
        if not self.quadratic:
            return z
        from guides.search import quadratic_pairs

        u = np.clip((z - self.lows) / (self.highs - self.lows), 0.0, 1.0)
        pairs = np.array(quadratic_pairs(z.shape[1]))
        return np.hstack([z, u[:, pairs[:, 0]] * u[:, pairs[:, 1]]])

    def _z_without(self, held_out: str) -> np.ndarray:
        """The standardised signals with the wording scored by models that never saw ``held_out``."""
        if self.wording is None:
            return self.z
        z = self.z.copy()
        column = self.features.index("wording")
        z[:, column] = (self.wording.scores(held_out) - self.means[column]) / self.scales[column]
        return z

    def signal(self, name: str) -> np.ndarray:
        return self.x[:, self.features.index(name)]

    def fallback(self) -> "Design | None":
        """The same rows without the partial signals (guides.search.PARTIAL_SIGNALS), if any is read."""
        from guides.search import PARTIAL_SIGNALS

        complete = [f for f in self.features if f not in PARTIAL_SIGNALS]
        return Design(self.rows, complete, self.wording, self.quadratic) if complete != self.features else None

    def _fitted(self) -> dict:
        weights, bias = fit(self.terms(self.z)[self.usable], self.y[self.usable])
        model = {"features": self.features, "means": [float(v) for v in self.means],
                 "scales": [float(v) for v in self.scales], "weights": [float(v) for v in weights],
                 "bias": bias, "terms": "quadratic" if self.quadratic else "linear"}
        if self.quadratic:
            model |= {"lows": [float(v) for v in self.lows], "highs": [float(v) for v in self.highs]}
        return model

    def model(self, threshold: float) -> dict:
        """The model fitted on every usable row (and its fallback), as answer_model.yaml holds it."""
        fallback = self.fallback()
        return {**self._fitted(), "threshold": threshold,
                "fallback": fallback._fitted() if fallback is not None else None}

    def held_out(self) -> np.ndarray:
        """Leave one file out: every question predicted by a model that saw none of its file
        (by the fallback model when a partial signal of it is unmeasured)."""
        out = np.zeros(len(self.rows))
        for name in sorted({r["file"] for r in self.rows}):
            test = np.array([r["file"] == name for r in self.rows])
            z = self.terms(self._z_without(name))
            weights, bias = fit(z[~test & self.usable], self.y[~test & self.usable])
            out[test] = predict(z[test], weights, bias)
        fallback = self.fallback()
        if fallback is not None and self.unmeasured.any():
            out[self.unmeasured] = fallback.held_out()[self.unmeasured]
        return out


def model_yaml(model: dict, fitted: int) -> str:
    def floats(values):
        return ", ".join(f"{v:.6g}" for v in values)

    def body(part: dict, indent: str = "") -> list[str]:
        lines = [f"{indent}terms: {part['terms']}",
                 f"{indent}features: [{', '.join(part['features'])}]",
                 f"{indent}means: [{floats(part['means'])}]",
                 f"{indent}scales: [{floats(part['scales'])}]"]
        if part["terms"] == "quadratic":
            lines += [f"{indent}lows: [{floats(part['lows'])}]", f"{indent}highs: [{floats(part['highs'])}]"]
        return lines + [f"{indent}weights: [{floats(part['weights'])}]", f"{indent}bias: {part['bias']:.6g}"]

    lines = [
        "# Answer model: written by eval/train_answer_model.py from the dev questions; do not edit by hand.",
        f"# {fitted} dev questions of both catalogues (in scope with the right item in the top 3: answer;",
        "# out of scope: no answer). Signals are standardised with means and scales; a quadratic model",
        "# weighs them, then the products of each pair (i <= j) of their places in [lows, highs].",
        *body(model),
        f"threshold: {model['threshold']}",
    ]
    if model.get("fallback"):
        lines += ["# For a question with an unmeasured partial signal: fitted on the same questions without them.",
                  "fallback:", *body(model["fallback"], "  ")]
    return "\n".join(lines) + "\n"


def wording_tsv(weights: dict[str, float], fitted: int) -> str:
    lines = ["# Wording model: written by eval/train_answer_model.py from the dev questions; do not edit by hand.",
             f"# {fitted} dev questions (answerable against out of scope); per character or pair, its naive Bayes",
             f"# log-odds (smoothing {WORDING_SMOOTHING}, in {WORDING_MIN_COUNT} questions at least). Tab-separated."]
    lines += [f"{gram}\t{weight:.4f}" for gram, weight in sorted(weights.items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, help="answer when the probability reaches this (default: the shipped model's)")
    parser.add_argument("--write", action="store_true", help=f"write {MODEL_PATH.relative_to(ROOT)}")
    parser.add_argument("--linear", action="store_true", help="fit signals only, without their pairwise products")
    args = parser.parse_args(argv)

    from guides.search import ANSWER_FLOOR, answer_model

    if args.threshold is None:
        args.threshold = answer_model().threshold

    design = Design(collect(), quadratic=not args.linear)
    rows, top_score = design.rows, design.signal("top_score")
    print(f"{len(rows)} dev questions with candidates ({int(design.usable.sum())} used for fitting); "
          f"{len({r['file'] for r in rows})} files; {int(design.unmeasured.sum())} with a partial signal unmeasured, "
          f"{int(design.gated.sum())} never answered (ANSWER_GATES)")
    held_out = design.held_out()
    rule = (top_score >= SCORE_RULE) & (design.signal("no_service") == 0)
    print(f"  score threshold {SCORE_RULE} (the rule before the model):\n    {figures(rows, rule)}")
    for threshold in sorted({0.3, 0.32, 0.34, 0.35, 0.36, 0.38, 0.4, 0.45, 0.5, args.threshold}):
        answered = (held_out >= threshold) & (top_score >= ANSWER_FLOOR) & ~design.gated
        mark = "  <- chosen" if threshold == args.threshold else ""
        print(f"  {'linear' if args.linear else 'quadratic'} model, probability >= {threshold}, cross-validated:{mark}\n    {figures(rows, answered)}")

    model = design.model(args.threshold)
    print("  weights on standardised signals: "
          + ", ".join(f"{f} {w:+.2f}" for f, w in zip(model["features"], model["weights"])))
    if model["terms"] == "quadratic":
        from guides.search import quadratic_pairs

        names = model["features"]
        products = sorted(zip(quadratic_pairs(len(names)), model["weights"][len(names):]), key=lambda p: -abs(p[1]))
        print("  largest product weights: " + ", ".join(
            f"{names[i]}*{names[j]} {w:+.2f}" for (i, j), w in products[:8]))
    if model["fallback"]:
        print("  fallback (a partial signal unmeasured): "
              + ", ".join(f"{f} {w:+.2f}" for f, w in zip(model["fallback"]["features"], model["fallback"]["weights"])))
    if args.write:
        MODEL_PATH.write_text(model_yaml(model, int(design.usable.sum())), "utf-8")
        print(f"wrote {MODEL_PATH.relative_to(ROOT)}")
        if design.wording is not None:
            WORDING_PATH.write_text(wording_tsv(design.wording.weights(), int(design.worded.sum())), "utf-8")
            print(f"wrote {WORDING_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
