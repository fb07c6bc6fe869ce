"""Talks to a running `apus serve` with the official Python clients people already use.

    python3 official_clients.py HOST:PORT MODEL DATA.csv TARGET IGNORED_COLUMN EXPECTED.json

- tritonclient.http (Triton / KServe V2): liveness, readiness, model metadata, and inference
  with one named tensor per feature (BYTES for categorical features), JSON tensors
  (binary_data=False: Apus does not implement Triton's binary tensor extension);
- MLflow's scoring-server client (mlflow.pyfunc.scoring_server.client.ScoringServerClient):
  /ping and /invocations with a pandas DataFrame, as `mlflow models predict` sends it.

Both answers are compared with EXPECTED.json (the server's own /v1 predictions of the same
rows). Prints one line per check; exits 1 on the first mismatch.
"""
import json
import sys

import numpy as np
import pandas as pd
import tritonclient.http as triton
from mlflow.pyfunc.scoring_server.client import ScoringServerClient


def main():
    address, model, data_path, target, ignored, expected_path = sys.argv[1:7]
    expected = np.array(json.load(open(expected_path)))
    frame = pd.read_csv(data_path, nrows=len(expected)).drop(columns=[target, ignored])

    client = triton.InferenceServerClient(url=address)
    assert client.is_server_live(), "not live"
    assert client.is_server_ready(), "not ready"
    assert client.is_model_ready(model), "model not ready"
    metadata = client.get_model_metadata(model)
    names = [tensor["name"] for tensor in metadata["inputs"]]
    types = {tensor["name"]: tensor["datatype"] for tensor in metadata["inputs"]}
    print(f"triton: metadata lists {len(names)} inputs, outputs {[o['name'] for o in metadata['outputs']]}")
    inputs = []
    for name in names:
        column = frame[name]
        if types[name] == "BYTES":
            values = np.array([str(v) for v in column], dtype=np.object_)
        else:
            values = column.to_numpy(dtype=np.float64)
        tensor = triton.InferInput(name, [len(frame)], types[name])
        tensor.set_data_from_numpy(values, binary_data=False)
        inputs.append(tensor)
    outputs = [triton.InferRequestedOutput("predict", binary_data=False),
               triton.InferRequestedOutput("label", binary_data=False)]
    result = client.infer(model, inputs, outputs=outputs, request_id="triton-check")
    predict = result.as_numpy("predict")
    labels = result.as_numpy("label")
    assert predict.shape == expected.shape, (predict.shape, expected.shape)
    assert np.max(np.abs(predict - expected)) < 1e-12, np.max(np.abs(predict - expected))
    assert len(labels) == len(expected)
    assert result.get_response()["id"] == "triton-check"
    print(f"triton: {len(predict)} predictions match, largest difference {np.max(np.abs(predict - expected)):.1e}")

    host, port = address.rsplit(":", 1)
    scoring = ScoringServerClient(host, int(port))
    scoring.ping()  # raises unless 200
    print(f"mlflow: /ping answered, /version {scoring.get_version()!r}")
    answer = scoring.invoke(frame)
    predictions = np.array(answer.get_predictions()).reshape(-1)
    assert np.max(np.abs(predictions - expected)) < 1e-12, np.max(np.abs(predictions - expected))
    print(f"mlflow: {len(predictions)} predictions match, largest difference {np.max(np.abs(predictions - expected)):.1e}")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        print(f"mismatch: {error}")
        sys.exit(1)
