"""Writes ONNX tree models made by other converters, for the ONNX import tests. For each
NAME, into OUT_DIR: NAME.onnx, NAME.f32 (float32 test rows, row-major), NAME.shape (rows and
features) and NAME.expected.f32 (onnxruntime's probabilities or predictions of those rows).

    python3 onnx_foreign.py OUT_DIR
"""
import os
import sys

import lightgbm as lgb
import numpy as np
import onnxruntime as ort
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType
from skl2onnx import to_onnx
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier, RandomForestRegressor


def save(out, name, onx, test):
    path = os.path.join(out, name + ".onnx")
    with open(path, "wb") as handle:
        handle.write(onx.SerializeToString())
    test = test.astype(np.float32)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [output.name for output in session.get_outputs()]
    results = dict(zip(names, session.run(None, {session.get_inputs()[0].name: test})))
    main = results.get("probabilities", results.get("variable", results[names[-1]]))
    np.asarray(main, dtype=np.float32).tofile(os.path.join(out, name + ".expected.f32"))
    test.tofile(os.path.join(out, name + ".f32"))
    with open(os.path.join(out, name + ".shape"), "w") as handle:
        handle.write(f"{test.shape[0]} {test.shape[1]}\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(11)
    x = rng.normal(size=(1500, 5)).astype(np.float32)
    x[::13, 1] = np.nan
    binary = (x[:, 0] + np.nan_to_num(x[:, 1]) * x[:, 2] > 0.3).astype(int)
    three = np.digitize(x[:, 0] + 0.5 * x[:, 3], [-0.5, 0.5])
    value = 2 * x[:, 0] - np.nan_to_num(x[:, 1]) + np.sin(x[:, 2]) + rng.normal(scale=0.1, size=len(x))
    test = np.vstack([rng.normal(size=(300, 5)), np.full((1, 5), np.nan)]).astype(np.float32)
    initial = [("input", FloatTensorType([None, 5]))]
    params = {"n_estimators": 25, "num_leaves": 15, "verbose": -1, "random_state": 1}

    save(out, "onnxmltools_lgbm_binary",
         convert_lightgbm(lgb.LGBMClassifier(**params).fit(x, binary), initial_types=initial, zipmap=False, target_opset=15), test)
    save(out, "onnxmltools_lgbm_multiclass",
         convert_lightgbm(lgb.LGBMClassifier(**params).fit(x, three), initial_types=initial, zipmap=False, target_opset=15), test)
    save(out, "onnxmltools_lgbm_regression",
         convert_lightgbm(lgb.LGBMRegressor(**params).fit(x, value), initial_types=initial, target_opset=15), test)

    clean = np.nan_to_num(x)
    clean_test = np.nan_to_num(test)
    save(out, "skl2onnx_random_forest_regressor",
         to_onnx(RandomForestRegressor(n_estimators=10, max_depth=6, random_state=1).fit(clean, value), clean[:1], target_opset={"": 17, "ai.onnx.ml": 3}), clean_test)
    save(out, "skl2onnx_gradient_boosting_binary",
         to_onnx(GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=1).fit(clean, binary), clean[:1],
                 options={"zipmap": False}, target_opset={"": 17, "ai.onnx.ml": 3}), clean_test)
    # A random forest classifier averages class probabilities (post_transform NONE): refused.
    forest = to_onnx(RandomForestClassifier(n_estimators=3, max_depth=3, random_state=1).fit(clean, three), clean[:1],
                     options={"zipmap": False}, target_opset={"": 17, "ai.onnx.ml": 3})
    with open(os.path.join(out, "skl2onnx_random_forest_classifier.onnx"), "wb") as handle:
        handle.write(forest.SerializeToString())


if __name__ == "__main__":
    main()
