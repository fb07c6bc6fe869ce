"""Trains LightGBM and XGBoost models on numeric features with missing values and writes
shap's interventional TreeExplainer values, for the interventional TreeSHAP tests. For each
NAME, into OUT_DIR: the model (NAME.txt for LightGBM, NAME.json for XGBoost), NAME.csv (the
rows explained; empty = missing), NAME.background.csv (the background sample) and
NAME.shap.csv (per row, per score: one value per feature, then the expected value).

shap cannot explain LightGBM models with categorical splits interventionally (it refuses
them), so these models are numeric; the tests check categorical features by enumeration.

    python3 shap_interventional_reference.py OUT_DIR
"""
import os
import sys

import lightgbm as lgb
import numpy as np
import pandas as pd
import shap
import xgboost as xgb


def frame(rng, n):
    df = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n) * 3,
                       "c": rng.integers(0, 40, size=n).astype(float), "d": rng.uniform(size=n)})
    df.loc[::9, "a"] = np.nan
    df.loc[5::13, "d"] = np.nan
    return df


def shap_matrix(explainer, rows, scores):
    values = np.asarray(explainer.shap_values(rows), dtype=np.float64)
    if values.ndim == 2:
        values = values[:, :, None]
    expected = np.atleast_1d(np.asarray(explainer.expected_value, dtype=np.float64))
    if values.shape[2] != scores or expected.shape[0] != scores:
        raise SystemExit(f"shap gave {values.shape[2]} scores, expected {scores}")
    out = np.concatenate([values, np.broadcast_to(expected[None, None, :], (len(rows), 1, scores))], axis=1)
    return out.transpose(0, 2, 1).reshape(len(rows), -1)


def write(out, name, rows, background, matrix):
    rows.to_csv(os.path.join(out, name + ".csv"), index=False, na_rep="", float_format="%.17g")
    background.to_csv(os.path.join(out, name + ".background.csv"), index=False, na_rep="", float_format="%.17g")
    pd.DataFrame(matrix).to_csv(os.path.join(out, name + ".shap.csv"), index=False, header=False, float_format="%.17g")


def explain(out, name, model, rows, background, scores):
    explainer = shap.TreeExplainer(model, data=background, feature_perturbation="interventional")
    write(out, name, rows, background, shap_matrix(explainer, rows, scores))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(5)
    base = {"verbose": -1, "num_leaves": 15, "min_data_in_leaf": 10, "seed": 1, "deterministic": True}
    train, rows, background = frame(rng, 2000), frame(rng, 120), frame(rng, 60)
    signal = train.a.fillna(1) + 0.3 * train.b - 0.05 * train.c + np.where(train.d.isna(), 1, train.d)
    binary = (signal + rng.normal(size=len(train)) > 0).astype(int)
    booster = lgb.train({**base, "objective": "binary"}, lgb.Dataset(train, binary), 40)
    booster.save_model(os.path.join(out, "lgbm_binary.txt"))
    explain(out, "lgbm_binary", booster, rows, background, 1)

    three = np.digitize(signal + rng.normal(size=len(train)) * 0.5, [-0.5, 0.8])
    # shap reads a multiclass Booster as one output; the scikit-learn wrapper as one per class.
    classifier = lgb.LGBMClassifier(n_estimators=15, num_leaves=15, min_child_samples=10, random_state=1,
                                    deterministic=True, verbose=-1).fit(train, three)
    classifier.booster_.save_model(os.path.join(out, "lgbm_multiclass.txt"))
    explain(out, "lgbm_multiclass", classifier, rows, background, 3)

    value = 2 * signal + rng.normal(size=len(train)) * 0.2
    booster = lgb.train({**base, "objective": "regression", "num_leaves": 31}, lgb.Dataset(train, value), 30)
    booster.save_model(os.path.join(out, "lgbm_regression.txt"))
    explain(out, "lgbm_regression", booster, rows, background, 1)

    model = xgb.train({"objective": "binary:logistic", "max_depth": 5, "eta": 0.3, "seed": 1},
                      xgb.DMatrix(train, binary), 30)
    model.save_model(os.path.join(out, "xgb_binary.json"))
    explain(out, "xgb_binary", model, rows, background, 1)


if __name__ == "__main__":
    main()
