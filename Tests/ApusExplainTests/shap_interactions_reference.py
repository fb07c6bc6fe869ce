"""Trains LightGBM and XGBoost models and writes shap's TreeExplainer interaction values,
for the TreeSHAP interaction tests. For each NAME, into OUT_DIR: the model (NAME.txt for
LightGBM, NAME.json for XGBoost), NAME.csv (the rows explained; empty = missing) and
NAME.shap.csv (per row, per score: the (features + 1) x (features + 1) matrix, row-major,
shap's features x features values with the expected value at the last diagonal place and
zeros in the rest of the last row and column).

shap computes LightGBM interaction values with its own C code, which reads a categorical
split's level set as bits `1 << (code - 1)`: level code 0 is lost (the values no longer add
up to the model's output). The categorical feature here therefore has an unused first level,
so no row has code 0. XGBoost's values come from XGBoost itself (pred_interactions).

    python3 shap_interactions_reference.py OUT_DIR
"""
import os
import sys

import lightgbm as lgb
import numpy as np
import pandas as pd
import shap
import xgboost as xgb


def frame(rng, n, categorical=True):
    data = {"a": rng.normal(size=n), "b": rng.normal(size=n) * 3, "c": rng.integers(0, 40, size=n).astype(float)}
    if categorical:
        data["colour"] = pd.Categorical(rng.choice(["red", "green", "blue", "violet"], size=n, p=[0.4, 0.3, 0.25, 0.05]),
                                        categories=["unused", "blue", "green", "red", "violet"])
    df = pd.DataFrame(data)
    df.loc[::9, "a"] = np.nan
    return df


def numeric(rows):
    """The rows as shap's C code reads them: categorical columns as level codes."""
    return rows.assign(**{c: rows[c].cat.codes.astype(float) for c in rows.columns if rows[c].dtype.name == "category"})


def interaction_matrix(explainer, rows, scores):
    values = np.asarray(explainer.shap_interaction_values(numeric(rows)), dtype=np.float64)
    if values.ndim == 3:
        values = values[..., None]
    n, features = values.shape[0], values.shape[1]
    expected = np.atleast_1d(np.asarray(explainer.expected_value, dtype=np.float64))
    if values.shape[3] != scores or expected.shape[0] != scores:
        raise SystemExit(f"shap gave {values.shape[3]} scores, expected {scores}")
    out = np.zeros((n, scores, features + 1, features + 1))
    out[:, :, :features, :features] = values.transpose(0, 3, 1, 2)
    out[:, :, features, features] = expected[None, :]
    return out.reshape(n, -1)


def write(out, name, rows, matrix):
    rows.to_csv(os.path.join(out, name + ".csv"), index=False, na_rep="", float_format="%.17g")
    pd.DataFrame(matrix).to_csv(os.path.join(out, name + ".shap.csv"), index=False, header=False, float_format="%.17g")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    train, test = frame(rng, 2000), frame(rng, 60)
    signal = (train.a.fillna(0) + 0.3 * train.b + (train.colour == "red") * 1.5 - (train.colour == "blue")
              - 0.05 * train.c + 0.5 * train.a.fillna(0) * (train.colour == "green"))
    binary = (signal + rng.normal(size=len(train)) > 0).astype(int)
    base = {"verbose": -1, "num_leaves": 15, "min_data_in_leaf": 10, "seed": 1, "deterministic": True,
            "min_data_per_group": 5, "cat_smooth": 1}
    booster = lgb.train({**base, "objective": "binary"}, lgb.Dataset(train, binary), 40)
    booster.save_model(os.path.join(out, "lgbm_binary.txt"))
    write(out, "lgbm_binary", test, interaction_matrix(shap.TreeExplainer(booster), test, 1))

    # shap reads a multiclass Booster as one output; the scikit-learn wrapper as one per class.
    three = np.digitize(signal + rng.normal(size=len(train)) * 0.5, [-0.5, 0.8])
    classifier = lgb.LGBMClassifier(n_estimators=15, num_leaves=15, min_child_samples=10, random_state=1,
                                    deterministic=True, verbose=-1, min_data_per_group=5, cat_smooth=1).fit(train, three)
    classifier.booster_.save_model(os.path.join(out, "lgbm_multiclass.txt"))
    write(out, "lgbm_multiclass", test, interaction_matrix(shap.TreeExplainer(classifier), test, 3))

    numeric_train, numeric_test = frame(rng, 2000, categorical=False), frame(rng, 60, categorical=False)
    label = (numeric_train.a.fillna(0) * numeric_train.b - 0.05 * numeric_train.c
             + rng.normal(size=len(numeric_train)) > 0).astype(int)
    model = xgb.train({"objective": "binary:logistic", "max_depth": 5, "eta": 0.3, "seed": 1},
                      xgb.DMatrix(numeric_train, label), 30)
    model.save_model(os.path.join(out, "xgb_binary.json"))
    write(out, "xgb_binary", numeric_test, interaction_matrix(shap.TreeExplainer(model), numeric_test, 1))


if __name__ == "__main__":
    main()
