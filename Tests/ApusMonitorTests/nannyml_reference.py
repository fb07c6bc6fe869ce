"""Writes NannyML's CBPE estimators on the cases CBPETests cross-checks (not run in CI).

Usage: PYTHON_WITH_NANNYML nannyml_reference.py OUTPUT_DIRECTORY   (needs nannyml, e.g. 0.13.1)
Each nanny_NAME.txt holds reference probabilities and labels, analysis probabilities, the
threshold, the probabilities calibrated by nannyml's IsotonicCalibrator fitted on the reference,
and nannyml's estimate_* functions on the analysis rows (y_pred = probability >= threshold).
"""
import os
import sys
import warnings

import numpy as np
from nannyml.calibration import IsotonicCalibrator
from nannyml.performance_estimation.confidence_based.metrics import (
    estimate_accuracy,
    estimate_f1,
    estimate_precision,
    estimate_recall,
    estimate_roc_auc,
    estimate_specificity,
)

warnings.simplefilter("ignore")
out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def line(name, values):
    return name + " " + " ".join(repr(float(v)) for v in np.atleast_1d(values)) + "\n"


def case(name, reference, labels, analysis, threshold):
    calibrator = IsotonicCalibrator()
    calibrator.fit(np.asarray(reference), np.asarray(labels, dtype=int))
    calibrated = np.asarray(calibrator.calibrate(np.asarray(analysis)))
    y_pred = (np.asarray(analysis) >= threshold).astype(int)
    with open(os.path.join(out, f"nanny_{name}.txt"), "w") as f:
        f.write(line("reference", reference))
        f.write(line("labels", np.asarray(labels, dtype=float)))
        f.write(line("analysis", analysis))
        f.write(line("threshold", threshold))
        f.write(line("calibrated", calibrated))
        f.write(line("accuracy", estimate_accuracy(y_pred, calibrated)))
        f.write(line("precision", estimate_precision(y_pred, calibrated)))
        f.write(line("recall", estimate_recall(y_pred, calibrated)))
        f.write(line("f1", estimate_f1(y_pred, calibrated)))
        f.write(line("specificity", estimate_specificity(y_pred, calibrated)))
        f.write(line("roc_auc", estimate_roc_auc(calibrated, analysis)))


rng = np.random.default_rng(11)
# Miscalibrated model (true p = score^1.5), continuous scores: no ties in the analysis ranking.
s = rng.random(4000)
a = rng.beta(2, 2, 3000)
case("continuous", s, rng.random(4000) < s ** 1.5, a, 0.5)
# A shifted analysis window and another threshold.
s = rng.beta(2, 5, 5000)
a = rng.beta(3, 4, 2000)
case("shifted", s, rng.random(5000) < np.clip(1.3 * s, 0, 1), a, 0.35)
