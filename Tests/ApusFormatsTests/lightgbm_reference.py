"""Trains small LightGBM models and writes, for each NAME, into OUT_DIR:
NAME.txt (the text model), NAME.csv (test rows: features only; empty = missing) and
NAME.raw.csv (LightGBM's raw scores of those rows, one column per score).

    python3 lightgbm_reference.py OUT_DIR
"""
import os
import sys

import lightgbm as lgb
import numpy as np
import pandas as pd


def frame(rng, n, categorical=True):
    data = {
        "a": rng.normal(size=n),
        "b": rng.normal(size=n) * 3,
        "c": rng.integers(0, 40, size=n).astype(float),
    }
    if categorical:
        data["colour"] = pd.Categorical(rng.choice(["red", "green", "blue", "violet"], size=n, p=[0.4, 0.3, 0.25, 0.05]))
    df = pd.DataFrame(data)
    df.loc[::9, "a"] = np.nan
    return df


def write(out, name, booster, test, raw_columns):
    booster.save_model(os.path.join(out, name + ".txt"))
    raw = booster.predict(test, raw_score=True)
    raw = np.asarray(raw).reshape(len(test), raw_columns)
    test.to_csv(os.path.join(out, name + ".csv"), index=False, na_rep="")
    pd.DataFrame(raw).to_csv(os.path.join(out, name + ".raw.csv"), index=False, header=False, float_format="%.17g")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    base = {"verbose": -1, "num_leaves": 15, "min_data_in_leaf": 10, "seed": 1, "deterministic": True}

    train, test = frame(rng, 3000), frame(rng, 400)
    signal = train["a"].fillna(0) + 0.3 * train["b"] + (train["colour"] == "green") * 1.2 - (train["colour"] == "violet")
    y = (signal + rng.normal(size=len(train)) * 0.5 > 0.3).astype(int)
    write(out, "binary", lgb.train({**base, "objective": "binary"}, lgb.Dataset(train, y), 30), test, 1)
    write(out, "binary_sigmoid2", lgb.train({**base, "objective": "binary", "sigmoid": 2.0}, lgb.Dataset(train, y), 10), test, 1)

    classes = np.digitize(signal + rng.normal(size=len(train)) * 0.3, [-0.5, 0.8])
    write(out, "multiclass", lgb.train({**base, "objective": "multiclass", "num_class": 3}, lgb.Dataset(train, classes), 15), test, 3)

    # No missing values in training: LightGBM records missing type None, and at prediction
    # a NaN compares as 0. The test rows have NaNs.
    clean = train.copy()
    clean["a"] = clean["a"].fillna(0.25)
    target = 2 * clean["a"] + clean["b"] + rng.normal(size=len(clean))
    write(out, "regression", lgb.train({**base, "objective": "regression"}, lgb.Dataset(clean, target), 25), test, 1)

    counts = rng.poisson(np.exp(0.3 * clean["a"] + 0.1 * clean["b"]))
    write(out, "poisson", lgb.train({**base, "objective": "poisson"}, lgb.Dataset(clean, counts), 20), test, 1)

    # Integer categories without pandas (categorical_feature by index).
    numeric_train = train[["a", "b", "c"]].to_numpy()
    numeric_test = test[["a", "b", "c"]].to_numpy()
    booster = lgb.train({**base, "objective": "binary"},
                        lgb.Dataset(numeric_train, y, feature_name=["a", "b", "c"], categorical_feature=[2]), 20)
    write(out, "integer_categories", booster, pd.DataFrame(numeric_test, columns=["a", "b", "c"]), 1)


if __name__ == "__main__":
    main()
