"""Trains LightGBM and XGBoost models and writes shap's TreeExplainer values, for the
TreeSHAP tests. For each NAME, into OUT_DIR: the model (NAME.txt for LightGBM, NAME.json
for XGBoost), NAME.csv (the rows explained; empty = missing) and NAME.shap.csv (per row,
per score: one value per feature, then the expected value).

    python3 shap_reference.py OUT_DIR
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
                                        categories=["blue", "green", "red", "violet"])
    df = pd.DataFrame(data)
    df.loc[::9, "a"] = np.nan
    return df


def shap_matrix(explainer, rows, scores):
    values = explainer.shap_values(rows)
    if isinstance(values, list):
        values = np.stack(values, axis=-1)
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 2:
        values = values[:, :, None]
    expected = np.atleast_1d(np.asarray(explainer.expected_value, dtype=np.float64))
    if values.shape[2] != scores:
        raise SystemExit(f"shap gave {values.shape[2]} scores, expected {scores}")
    out = np.concatenate([values, np.broadcast_to(expected[None, None, :], (len(rows), 1, scores))], axis=1)
    return out.transpose(0, 2, 1).reshape(len(rows), -1)


def write(out, name, rows, matrix):
    rows.to_csv(os.path.join(out, name + ".csv"), index=False, na_rep="", float_format="%.17g")
    pd.DataFrame(matrix).to_csv(os.path.join(out, name + ".shap.csv"), index=False, header=False, float_format="%.17g")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(3)
    base = {"verbose": -1, "num_leaves": 15, "min_data_in_leaf": 10, "seed": 1, "deterministic": True,
            "min_data_per_group": 5, "cat_smooth": 1}
    train, test = frame(rng, 3000), frame(rng, 200)
    signal = train.a.fillna(0) + 0.3 * train.b + (train.colour == "red") * 1.5 - 0.05 * train.c
    binary = (signal + rng.normal(size=len(train)) > 0).astype(int)
    booster = lgb.train({**base, "objective": "binary"}, lgb.Dataset(train, binary), 40)
    booster.save_model(os.path.join(out, "lgbm_binary.txt"))
    write(out, "lgbm_binary", test, shap_matrix(shap.TreeExplainer(booster), test, 1))

    three = np.digitize(signal + rng.normal(size=len(train)) * 0.5, [-0.5, 0.8])
    booster = lgb.train({**base, "objective": "multiclass", "num_class": 3}, lgb.Dataset(train, three), 20)
    booster.save_model(os.path.join(out, "lgbm_multiclass.txt"))
    write(out, "lgbm_multiclass", test, shap_matrix(shap.TreeExplainer(booster), test, 3))

    value = 2 * signal + rng.normal(size=len(train)) * 0.2
    booster = lgb.train({**base, "objective": "regression", "num_leaves": 31}, lgb.Dataset(train, value), 30)
    booster.save_model(os.path.join(out, "lgbm_regression.txt"))
    write(out, "lgbm_regression", test, shap_matrix(shap.TreeExplainer(booster), test, 1))

    numeric, numeric_test = frame(rng, 3000, categorical=False), frame(rng, 200, categorical=False)
    label = (numeric.a.fillna(0) + 0.3 * numeric.b - 0.05 * numeric.c + rng.normal(size=len(numeric)) > 0).astype(int)
    model = xgb.train({"objective": "binary:logistic", "max_depth": 5, "eta": 0.3, "seed": 1},
                      xgb.DMatrix(numeric, label), 30)
    model.save_model(os.path.join(out, "xgb_binary.json"))
    write(out, "xgb_binary", numeric_test, shap_matrix(shap.TreeExplainer(model), numeric_test, 1))


if __name__ == "__main__":
    main()
