"""Trains small LightGBM models and writes what shap's KernelExplainer, lime's
LimeTabularExplainer and scikit-learn's partial_dependence make of them, for the
KernelSHAP, LIME and partial-dependence tests. Into OUT_DIR:

- kernel.txt (model), kernel_background.csv, kernel.csv (rows explained; level names, empty =
  missing), kernel.shap.csv (per row: one value per feature, then the expected value), from
  KernelExplainer on the raw score with every coalition enumerated and no l1 selection;
- lime.txt, lime_training.csv, lime.csv, lime.weights.csv (per row: one weight per feature,
  then intercept, score, local prediction, model prediction), lime.names.csv (per row, each
  feature's condition text) from LimeTabularExplainer (quartiles, 5000 samples);
- pdp.txt (LGBMClassifier's booster), pdp.csv (the rows) and pdp.F.csv for F = 0..3 (line 1:
  scikit-learn's grid; line 2: the averaged probabilities; then one ICE curve per row), from
  partial_dependence(method="brute", kind="both", grid_resolution=20).

    python3 agnostic_reference.py OUT_DIR
"""
import os
import sys
import warnings

import lightgbm as lgb
import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")
LEVELS = ["blue", "green", "red", "violet"]
BASE = {"verbose": -1, "num_leaves": 7, "min_data_in_leaf": 20, "seed": 1, "deterministic": True,
        "min_data_per_group": 5, "cat_smooth": 1}


def frame(rng, n, missing=True):
    df = pd.DataFrame({
        "a": rng.normal(size=n), "b": rng.normal(size=n) * 3, "c": rng.integers(0, 40, size=n).astype(float),
        "d": rng.uniform(-1, 1, size=n),
        "colour": pd.Categorical(rng.choice(LEVELS, size=n, p=[0.4, 0.3, 0.25, 0.05]), categories=LEVELS),
    })
    if missing:
        df.loc[::9, "a"] = np.nan
    return df


def label(rng, df):
    signal = df.a.fillna(0) + 0.3 * df.b + (df.colour == "red") * 1.5 - 0.05 * df.c + df.d
    return (signal + rng.normal(size=len(df)) > 0).astype(int)


def codes(df):
    """The feature matrix LightGBM sees for a frame: categorical columns as their codes."""
    matrix = df.copy()
    matrix["colour"] = df.colour.cat.codes.astype(float).replace(-1, np.nan)
    return matrix.to_numpy(dtype=np.float64)


def save_rows(path, df):
    df.to_csv(path, index=False, na_rep="", float_format="%.17g")


def kernel(out, rng):
    import shap
    train = frame(rng, 2000)
    booster = lgb.train({**BASE, "objective": "binary"}, lgb.Dataset(train, label(rng, train)), 20)
    booster.save_model(os.path.join(out, "kernel.txt"))
    background, rows = frame(rng, 15), frame(rng, 12)
    explainer = shap.KernelExplainer(lambda x: booster.predict(x, raw_score=True), codes(background))
    values = explainer.shap_values(codes(rows), nsamples=2 ** 12, l1_reg=False, silent=True)
    values = np.asarray(values).reshape(len(rows), -1)
    expected = np.full((len(rows), 1), float(np.squeeze(explainer.expected_value)))
    save_rows(os.path.join(out, "kernel_background.csv"), background)
    save_rows(os.path.join(out, "kernel.csv"), rows)
    np.savetxt(os.path.join(out, "kernel.shap.csv"), np.hstack([values, expected]), delimiter=",", fmt="%.17g")


def lime_reference(out, rng):
    from lime.lime_tabular import LimeTabularExplainer
    train = frame(rng, 2000, missing=False)
    booster = lgb.train({**BASE, "objective": "binary"}, lgb.Dataset(train, label(rng, train)), 30)
    booster.save_model(os.path.join(out, "lime.txt"))
    rows = frame(rng, 8, missing=False)
    names = list(train.columns)
    explainer = LimeTabularExplainer(codes(train), mode="classification", feature_names=names,
                                     categorical_features=[4], categorical_names={4: LEVELS}, random_state=0)

    def predict(x):
        p = booster.predict(x)
        return np.column_stack([1 - p, p])

    weights, texts = [], []
    for row in codes(rows):
        explanation = explainer.explain_instance(row, predict, labels=(1,), num_features=len(names))
        by_feature = dict(explanation.local_exp[1])
        # as_list names each feature by its condition; map them back through local_exp's order.
        conditions = [name for name, _ in explanation.as_list(label=1)]
        order = [feature for feature, _ in explanation.local_exp[1]]
        text = [""] * len(names)
        for feature, condition in zip(order, conditions):
            text[feature] = condition
        weights.append([by_feature.get(i, 0.0) for i in range(len(names))]
                       + [explanation.intercept[1], explanation.score, float(np.squeeze(explanation.local_pred)),
                          float(predict(row[None, :])[0, 1])])
        texts.append(text)
    save_rows(os.path.join(out, "lime_training.csv"), train)
    save_rows(os.path.join(out, "lime.csv"), rows)
    np.savetxt(os.path.join(out, "lime.weights.csv"), np.array(weights), delimiter=",", fmt="%.17g")
    pd.DataFrame(texts).to_csv(os.path.join(out, "lime.names.csv"), index=False, header=False)


def pdp(out, rng):
    from sklearn.inspection import partial_dependence
    train = frame(rng, 2000, missing=False)
    numeric = train[["a", "b", "c", "d"]].to_numpy()
    model = lgb.LGBMClassifier(n_estimators=25, num_leaves=7, min_child_samples=20, random_state=1,
                               deterministic=True, verbose=-1)
    model.fit(numeric, label(rng, train))
    model.booster_.save_model(os.path.join(out, "pdp.txt"))
    rows = numeric[:150]
    np.savetxt(os.path.join(out, "pdp.csv"), rows, delimiter=",", fmt="%.17g",
               header=",".join(model.booster_.feature_name()), comments="")
    for feature in range(4):
        result = partial_dependence(model, rows, [feature], kind="both", method="brute", grid_resolution=20)
        lines = [result["grid_values"][0], result["average"][0], *result["individual"][0]]
        with open(os.path.join(out, f"pdp.{feature}.csv"), "w") as handle:
            for line in lines:
                handle.write(",".join("%.17g" % v for v in line) + "\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    kernel(out, np.random.default_rng(5))
    lime_reference(out, np.random.default_rng(6))
    pdp(out, np.random.default_rng(7))


if __name__ == "__main__":
    main()
