"""Runs every ONNX model in a folder with onnxruntime (and the onnx checker), for the ONNX
export tests. For each NAME.onnx it reads NAME.f32 (float32 features, row-major; the feature
count is the model input's second dimension) and writes NAME.out.f32 (the float32
`probabilities` or `prediction` output, row-major), NAME.label.txt (the classic classifier's
`label` output, one per line) or NAME.error (what failed).

    python3 onnx_runner.py DIR
"""
import glob
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort


def run(path):
    stem = path[: -len(".onnx")]
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    features = model.graph.input[0].type.tensor_type.shape.dim[1].dim_value
    rows = np.fromfile(stem + ".f32", dtype=np.float32).reshape(-1, features)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [output.name for output in session.get_outputs()]
    results = dict(zip(names, session.run(None, {"input": rows})))
    main = results.get("probabilities", results.get("prediction"))
    np.asarray(main, dtype=np.float32).tofile(stem + ".out.f32")
    if "label" in results:
        with open(stem + ".label.txt", "w") as handle:
            handle.write("\n".join(str(label) for label in results["label"]) + "\n")


def main():
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.onnx"))):
        try:
            run(path)
        except Exception as error:  # reported by the Swift test that owns the file
            with open(path[: -len(".onnx")] + ".error", "w") as handle:
                handle.write(f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
