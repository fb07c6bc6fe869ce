#!/usr/bin/env python3
"""Which interventional SHAP values are right where Apus and shap disagree: Shapley's formula
by enumeration, against one background row.

    python3 bench/interventional_check.py MODEL.txt MODEL.apus ROWS.f32 ROW BACKGROUND_ROW

MODEL.txt is a LightGBM model, MODEL.apus the same model imported (`apus import`), ROWS.f32 a
float32 matrix of its features (`apus-bench encode`). With one background row z the
interventional game of row x is v(S) = f(x_S, z_rest); it adds over trees, so each tree's
Shapley values are enumerated over the subsets of the features it splits on (from LightGBM's
own tree dump, in double precision) and summed. Prints the largest difference of Apus's and of
shap's values from that sum. bench/README.md ("Exact TreeSHAP") used the higgs 100 × 31 model
of explain_bench.py, row 106 and row 19,900 of its 20,000 rows.
"""
import math
import os
import subprocess
import sys
import tempfile
import warnings

import lightgbm as lgb
import numpy as np
import shap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchmachine import ROOT  # noqa: E402


def leaf(node, row):
    while "split_feature" in node:
        value = row[node["split_feature"]]
        left = node["default_left"] if np.isnan(value) else value <= node["threshold"]
        node = node["left_child"] if left else node["right_child"]
    return node["leaf_value"]


def features(node, found):
    if "split_feature" in node:
        found.add(node["split_feature"])
        features(node["left_child"], found)
        features(node["right_child"], found)
    return found


def enumerated(booster, x, z):
    phi = np.zeros(len(x))
    for info in booster.dump_model()["tree_info"]:
        root = info["tree_structure"]
        players = sorted(features(root, set()))
        m = len(players)
        values = []
        for mask in range(1 << m):
            row = z.copy()
            for k in range(m):
                if mask >> k & 1:
                    row[players[k]] = x[players[k]]
            values.append(leaf(root, row))
        for k in range(m):
            total = 0.0
            for mask in range(1 << m):
                if not mask >> k & 1:
                    size = bin(mask).count("1")
                    total += math.factorial(size) * math.factorial(m - size - 1) / math.factorial(m) * (values[mask | 1 << k] - values[mask])
            phi[players[k]] += total
    return phi


def main():
    text, model, rows_path, row, background = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    warnings.filterwarnings("ignore")
    booster = lgb.Booster(model_file=text)
    matrix = np.fromfile(rows_path, dtype=np.float32).reshape(-1, booster.num_feature())
    x, z = matrix[row:row + 1], matrix[background:background + 1]
    exact = enumerated(booster, x[0].astype(np.float64), z[0].astype(np.float64))
    theirs = np.asarray(shap.TreeExplainer(booster, data=z, feature_perturbation="interventional").shap_values(x))[0]
    with tempfile.TemporaryDirectory() as work:
        x.tofile(os.path.join(work, "x.f32"))
        z.tofile(os.path.join(work, "z.f32"))
        out = os.path.join(work, "values.f64")
        subprocess.run([os.path.join(ROOT, ".build", "release", "apus-bench"), "shap", model, os.path.join(work, "x.f32"),
                        "--threads", "1", "--repeat", "1", "--background", os.path.join(work, "z.f32"), "--out", out],
                       check=True, capture_output=True)
        ours = np.fromfile(out)[:len(exact)]
    print(f"largest difference from Shapley's formula: Apus {np.max(np.abs(ours - exact)):.1e}, shap {np.max(np.abs(theirs - exact)):.1e}")


if __name__ == "__main__":
    main()
