"""Writes scikit-learn's isotonic calibration fits for the cases CBPETests checks.

Usage: python3 cbpe_reference.py OUTPUT_DIRECTORY   (needs numpy and scikit-learn)
Each iso_NAME.txt holds the reference probabilities and 0/1 labels,
IsotonicRegression(out_of_bounds="clip")'s X_thresholds_ and y_thresholds_, a grid of
probabilities (some outside the fitted range) and its predictions on the grid and on the
reference probabilities themselves.
"""
import os
import sys

import numpy as np
from sklearn.isotonic import IsotonicRegression

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def line(name, values):
    return name + " " + " ".join(repr(float(v)) for v in np.atleast_1d(values)) + "\n"


def case(name, probabilities, labels):
    x = np.asarray(probabilities, dtype=float)
    y = np.asarray(labels, dtype=float)
    iso = IsotonicRegression(out_of_bounds="clip").fit(x, y)
    grid = np.concatenate([[0.0, 1.0, x.min() - 1e-3, x.max() + 1e-3], np.linspace(0, 1, 101), x[:50]])
    grid = np.clip(grid, 0, 1)
    with open(os.path.join(out, f"iso_{name}.txt"), "w") as f:
        f.write(line("probabilities", x))
        f.write(line("labels", y))
        f.write(line("thresholds", iso.X_thresholds_))
        f.write(line("values", iso.y_thresholds_))
        f.write(line("grid", grid))
        f.write(line("grid_predicted", iso.predict(grid)))
        f.write(line("predicted", iso.predict(x)))


rng = np.random.default_rng(5)

# A miscalibrated model: true p = score², 600 rows.
s = rng.random(600)
case("squared", s, rng.random(600) < s ** 2)

# Scores rounded to 2 decimals: many ties.
s = np.round(rng.beta(2, 3, 800), 2)
case("ties", s, rng.random(800) < s)

# Overconfident scores (true p pulled to 0.5), 3000 rows.
s = rng.random(3000)
case("overconfident", s, rng.random(3000) < 0.5 + 0.5 * (s - 0.5))

# Labels all negative: one block with value 0.
s = rng.random(40)
case("all_negative", s, np.zeros(40))

# One distinct score: constant prediction.
case("single_value", np.full(10, 0.3), [1, 0, 0, 1, 0, 0, 0, 1, 0, 0])

# Scores closer than 1e-15 merge into one point (sklearn's _make_unique).
case("near_ties", [0.2, 0.2 + 5e-16, 0.4, 0.4, 0.6, 0.8], [1, 0, 0, 1, 1, 1])

# Small hand case: 0.1→0, 0.2→1, 0.3→0, 0.4→1 pools to 0, ½, ½, 1.
case("hand", [0.1, 0.2, 0.3, 0.4], [0, 1, 0, 1])
