"""A scorer learned from the corpus: logistic regression over the rule engine's features.

Features are ``newswatch.alerts.features.rule_features`` (each named part of the topic's query,
the rule's own verdict, the length). The model is fitted with numpy (Newton steps on the
L2-penalised log-likelihood over standardised features) and is judged by rotating over the 5
folds: each fold is predicted by a model fitted on the other four, so no item is scored by a
model that saw its site. The penalty and the threshold are chosen on the dev folds only
(fit on two of folds 1-3, predict the third), never on the held-out figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bench.relevance import DEV_FOLDS, FOLDS, Item
from newswatch.alerts.engine import Matcher
from newswatch.alerts.features import rule_features
from newswatch.alerts.rules import Rule
from newswatch.cli.match import text_document

PENALTIES = (0.01, 0.1, 0.3, 1.0, 3.0, 10.0)
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)


@dataclass
class Model:
    names: list[str]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))


def feature_matrix(rule: Rule, items: Sequence[Item]) -> tuple[list[str], np.ndarray]:
    matcher = Matcher.from_rules([rule])
    rows = [rule_features(matcher, rule, text_document(i.text.encode("utf-8"))) for i in items]
    names = list(rows[0])
    return names, np.array([[row[n] for n in names] for row in rows], dtype=float)


def fit(names: list[str], x: np.ndarray, y: np.ndarray, penalty: float) -> Model:
    """L2-penalised logistic regression by Newton's method (the bias is not penalised)."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    ridge = np.full(z.shape[1], penalty)
    ridge[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + ridge * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(ridge) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return Model(names, mean, scale, w[:-1], float(w[-1]))


def _f1(y: np.ndarray, alerted: np.ndarray) -> float:
    tp = float((alerted & (y == 1)).sum())
    fp, fn = float((alerted & (y == 0)).sum()), float((~alerted & (y == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def choose(
    names: list[str], x: np.ndarray, y: np.ndarray, folds: np.ndarray
) -> tuple[float, float]:
    """(penalty, threshold) with the best F1 of the dev folds, each predicted by the other two."""
    dev = np.isin(folds, DEV_FOLDS)
    best = (-1.0, PENALTIES[0], THRESHOLDS[0])
    for penalty in PENALTIES:
        p = np.zeros(len(y))
        for fold in DEV_FOLDS:
            train = dev & (folds != fold)
            p[folds == fold] = fit(names, x[train], y[train], penalty).probability(x[folds == fold])
        for threshold in THRESHOLDS:
            score = _f1(y[dev], p[dev] >= threshold)
            if score > best[0]:
                best = (score, penalty, threshold)
    return best[1], best[2]


def rotate(
    names: list[str], x: np.ndarray, y: np.ndarray, folds: np.ndarray, penalty: float
) -> np.ndarray:
    """Each fold's probabilities from a model fitted on the other four."""
    p = np.zeros(len(y))
    for fold in range(1, FOLDS + 1):
        test = folds == fold
        p[test] = fit(names, x[~test], y[~test], penalty).probability(x[test])
    return p
