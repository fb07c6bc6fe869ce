"""Writes fairlearn's group metrics and disparities for the cases FairnessTests checks.

Usage: python3 fairness_reference.py OUTPUT_DIRECTORY   (needs numpy, scikit-learn and fairlearn)
Each fair_NAME.txt holds the inputs (groups: one token per row, "-" = missing, which fairlearn
cannot take, so it is passed as the group "(missing)"; predicted and actual as 0/1) and
fairlearn's values: `groups` lists MetricFrame's by_group index in order, `by_group_M` the
metric M per group in that order, `overall_M` the overall value, then the disparity functions
(method="between_groups", agg="worst_case"). NaN is written as nan.
"""
import os
import sys
import warnings

import numpy as np
from fairlearn.metrics import (
    MetricFrame,
    count,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import precision_score

warnings.simplefilter("ignore")  # sklearn's zero_division warnings: the value (0) is what we check
out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def line(name, values):
    return name + " " + " ".join(repr(float(v)) for v in np.atleast_1d(values)) + "\n"


def case(name, groups, predicted, actual):
    groups = [("(missing)" if g is None else g) for g in groups]
    y_true = np.asarray(actual, dtype=int)
    y_pred = np.asarray(predicted, dtype=int)
    s = np.asarray(groups, dtype=object)
    metrics = {
        "count": count,
        "selection_rate": selection_rate,
        "tpr": true_positive_rate,
        "fpr": false_positive_rate,
        "precision": precision_score,
    }
    frame = MetricFrame(metrics=metrics, y_true=y_true, y_pred=y_pred, sensitive_features=s)
    kw = dict(sensitive_features=s, method="between_groups")
    with open(os.path.join(out, f"fair_{name}.txt"), "w") as f:
        f.write("input_groups " + " ".join("-" if g == "(missing)" else g for g in groups) + "\n")
        f.write(line("predicted", y_pred))
        f.write(line("actual", y_true))
        f.write("groups " + " ".join(str(g) for g in frame.by_group.index) + "\n")
        for m in metrics:
            f.write(line("by_group_" + m, frame.by_group[m].to_numpy()))
            f.write(line("overall_" + m, frame.overall[m]))
        f.write(line("demographic_parity_difference", demographic_parity_difference(y_true, y_pred, **kw)))
        f.write(line("demographic_parity_ratio", demographic_parity_ratio(y_true, y_pred, **kw)))
        f.write(line("equalized_odds_difference", equalized_odds_difference(y_true, y_pred, agg="worst_case", **kw)))
        f.write(line("equalized_odds_ratio", equalized_odds_ratio(y_true, y_pred, agg="worst_case", **kw)))
        f.write(line("equal_opportunity_difference", equal_opportunity_difference(y_true, y_pred, **kw)))
        f.write(line("equal_opportunity_ratio", equal_opportunity_ratio(y_true, y_pred, **kw)))


rng = np.random.default_rng(8)

# Two groups, by hand: a = 4 rows, b = 4 rows.
case("two_groups", ["a", "a", "a", "a", "b", "b", "b", "b"],
     [1, 1, 0, 0, 1, 0, 0, 0], [1, 0, 1, 0, 1, 1, 0, 0])

# Five groups of unequal size, random labels and predictions.
g = rng.choice(["north", "east", "south", "west", "centre"], size=300, p=[0.4, 0.25, 0.15, 0.15, 0.05])
y = rng.random(300) < 0.35
p = rng.random(300) < np.where(y, 0.7, 0.2)
case("five_groups", list(g), p, y)

# Group "c" has no positive labels (its TPR is 0 by sklearn's normalize="true" → nan_to_num).
g = ["a"] * 20 + ["b"] * 20 + ["c"] * 10
y = list(rng.random(40) < 0.5) + [False] * 10
p = list(rng.random(50) < 0.4)
case("no_positive_labels", g, p, y)

# Group "b" has no predicted positives (precision 0: sklearn's zero_division="warn").
g = ["a"] * 25 + ["b"] * 15 + ["c"] * 20
y = rng.random(60) < 0.5
p = list(rng.random(25) < 0.5) + [False] * 15 + list(rng.random(20) < 0.5)
case("no_predicted_positives", g, p, y)

# Missing group values.
g = list(rng.choice(["F", "M", None], size=120, p=[0.45, 0.45, 0.10]))
y = rng.random(120) < 0.4
p = rng.random(120) < np.where(y, 0.6, 0.3)
case("missing_groups", g, p, y)

# Nothing selected anywhere and no positive labels: every max is 0, so the ratios are nan.
case("zero_max", ["a", "a", "b", "b", "b"], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0])

# TPR ratio defined, FPR max 0 (no negatives predicted positive): equalized_odds_ratio takes the TPR ratio.
case("fpr_zero_max", ["a", "a", "a", "b", "b", "b"], [1, 0, 0, 1, 1, 0], [1, 1, 0, 1, 1, 0])

# TPR max 0 (no true positives anywhere), FPR defined: equalized_odds_ratio is nan.
case("tpr_zero_max", ["a", "a", "a", "b", "b", "b"], [0, 1, 0, 0, 1, 1], [1, 0, 0, 1, 0, 0])

# A credit-like case: 5000 applicants, age band as the sensitive column (with missing ages),
# default risk from income, debt ratio and age; approval = predicted default probability < 0.2.
n = 5000
age = np.clip(rng.normal(42, 13, n), 18, 90)
income = rng.lognormal(10.6, 0.5, n)
debt = np.clip(rng.beta(2, 5, n), 0, 1)
logit = -1.2 - 0.9 * (np.log(income) - 10.6) + 2.5 * (debt - 0.29) - 0.02 * (age - 42)
risk = 1 / (1 + np.exp(-logit))
defaulted = rng.random(n) < risk
noisy = 1 / (1 + np.exp(-(logit + rng.normal(0, 0.6, n))))
approved = noisy < 0.2
band = np.where(age < 25, "18-24", np.where(age < 35, "25-34", np.where(age < 50, "35-49", np.where(age < 65, "50-64", "65+"))))
groups = [None if m else b for b, m in zip(band, rng.random(n) < 0.03)]
case("credit", groups, approved, ~defaulted)
