"""Explains Apus's own trees with shap: reads DIR/NAME.json (written by ShapCustomTreeTests:
the trees in shap's custom tree format, the base score, the rows to explain and a background
sample, null = missing), builds shap.TreeExplainer from the dict, and writes, per row and
score, shap's values and expected value:

    NAME.path.csv          path-dependent TreeSHAP (the trees' row counts as covers)
    NAME.interventional.csv  interventional TreeSHAP against the background
    NAME.interactions.csv  path-dependent interaction values, (features + 1)^2 per score,
                           the expected value at the last diagonal place

    python3 shap_custom_trees.py DIR NAME...
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import shap


def matrix(rows):
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=np.float64)


def ensemble(spec):
    scores = len(spec["base_score"])
    trees = []
    for index, tree in enumerate(spec["trees"]):
        values = np.zeros((len(tree["values"]), scores))
        values[:, index % scores] = tree["values"]
        trees.append({
            "children_left": np.array(tree["children_left"], dtype=np.int32),
            "children_right": np.array(tree["children_right"], dtype=np.int32),
            "children_default": np.array(tree["children_default"], dtype=np.int32),
            "features": np.array(tree["features"], dtype=np.int32),
            "thresholds": np.array(tree["thresholds"], dtype=np.float64),
            "values": values,
            "node_sample_weight": np.array(tree["node_sample_weight"], dtype=np.float64),
        })
    return {"trees": trees, "base_offset": np.array(spec["base_score"], dtype=np.float64),
            "input_dtype": np.float64, "internal_dtype": np.float64}


def grouped(values, expected, rows, scores):
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 2:
        values = values[:, :, None]
    expected = np.atleast_1d(np.asarray(expected, dtype=np.float64))
    out = np.concatenate([values, np.broadcast_to(expected[None, None, :], (rows, 1, scores))], axis=1)
    return out.transpose(0, 2, 1).reshape(rows, -1)


def interactions(values, expected, rows, scores):
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 3:
        values = values[..., None]
    features = values.shape[1]
    out = np.zeros((rows, scores, features + 1, features + 1))
    out[:, :, :features, :features] = values.transpose(0, 3, 1, 2)
    out[:, :, features, features] = np.atleast_1d(np.asarray(expected, dtype=np.float64))[None, :]
    return out.reshape(rows, -1)


def write(path, table):
    pd.DataFrame(table).to_csv(path, index=False, header=False, float_format="%.17g")


def main():
    directory = sys.argv[1]
    for name in sys.argv[2:]:
        with open(os.path.join(directory, name + ".json")) as file:
            spec = json.load(file)
        model, scores = ensemble(spec), len(spec["base_score"])
        rows, background = matrix(spec["rows"]), matrix(spec["background"])
        n = len(rows)
        path = shap.TreeExplainer(model, feature_perturbation="tree_path_dependent")
        write(os.path.join(directory, name + ".path.csv"), grouped(path.shap_values(rows), path.expected_value, n, scores))
        write(os.path.join(directory, name + ".interactions.csv"),
              interactions(path.shap_interaction_values(rows), path.expected_value, n, scores))
        interventional = shap.TreeExplainer(model, data=background, feature_perturbation="interventional")
        write(os.path.join(directory, name + ".interventional.csv"),
              grouped(interventional.shap_values(rows), interventional.expected_value, n, scores))


if __name__ == "__main__":
    main()
