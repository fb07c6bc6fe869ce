"""Trains small XGBoost models and writes, for each NAME, into OUT_DIR: NAME.json and NAME.ubj (the JSON and UBJSON
model), NAME.csv (test rows; empty = missing; categorical columns as their integer codes)
and NAME.raw.csv (XGBoost's margins, one column per score).

    python3 xgboost_reference.py OUT_DIR
"""
import os
import sys

import numpy as np
import pandas as pd
import xgboost as xgb


def frame(rng, n):
    df = pd.DataFrame({
        "a": rng.normal(size=n),
        "b": rng.normal(size=n) * 3,
        "c": rng.integers(0, 40, size=n).astype(float),
        "colour": pd.Categorical(rng.choice(["red", "green", "blue", "violet"], size=n, p=[0.4, 0.3, 0.25, 0.05]),
                                 categories=["blue", "green", "red", "violet"]),
    })
    df.loc[::9, "a"] = np.nan
    return df


def write(out, name, booster, test, scores):
    booster.save_model(os.path.join(out, name + ".json"))
    booster.save_model(os.path.join(out, name + ".ubj"))
    margins = booster.predict(xgb.DMatrix(test, enable_categorical=True), output_margin=True)
    margins = np.asarray(margins, dtype=np.float64).reshape(len(test), scores)
    codes = test.copy()
    for column in codes.columns:
        if isinstance(codes[column].dtype, pd.CategoricalDtype):
            codes[column] = codes[column].cat.codes.astype(float).replace(-1, np.nan)
    codes.to_csv(os.path.join(out, name + ".csv"), index=False, na_rep="", float_format="%.17g")
    pd.DataFrame(margins).to_csv(os.path.join(out, name + ".raw.csv"), index=False, header=False, float_format="%.17g")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(11)
    train, test = frame(rng, 3000), frame(rng, 400)
    base = {"max_depth": 4, "eta": 0.3, "tree_method": "hist", "seed": 1, "max_cat_to_onehot": 1}
    dtrain = lambda label: xgb.DMatrix(train, label, enable_categorical=True)
    signal = train["a"].fillna(0) + 0.3 * train["b"] + (train["colour"] == "green") * 1.2 - (train["colour"] == "violet")
    y = (signal + rng.normal(size=len(train)) * 0.5 > 0.3).astype(int)
    write(out, "binary", xgb.train({**base, "objective": "binary:logistic"}, dtrain(y), 25), test, 1)
    classes = np.digitize(signal + rng.normal(size=len(train)) * 0.3, [-0.5, 0.8])
    write(out, "multiclass", xgb.train({**base, "objective": "multi:softprob", "num_class": 3}, dtrain(classes), 12), test, 3)
    target = 2 * train["a"].fillna(0) + train["b"] + rng.normal(size=len(train))
    write(out, "regression", xgb.train({**base, "objective": "reg:squarederror"}, dtrain(target), 20), test, 1)
    counts = rng.poisson(np.exp(0.3 * train["a"].fillna(0) + 0.1 * train["b"]))
    write(out, "poisson", xgb.train({**base, "objective": "count:poisson"}, dtrain(counts), 15), test, 1)


if __name__ == "__main__":
    main()
