#!/usr/bin/env python3
"""Python MCP anchor: the official MCP SDK's MCPServer serving a LightGBM text model, with
SHAP explanations, to compare `apus mcp` against (bench/mcp_bench.py).

    python3 bench/mcp_anchor.py --model MODEL.txt                       # stdio
    python3 bench/mcp_anchor.py --model MODEL.txt --http --port 8766    # streamable HTTP at /mcp

The model is a LightGBM binary model trained by ../shared/bench/serve_anchor.py --train (it
stores the pandas category levels in the model file). Tools, each with a typed (pydantic)
return value, so the SDK derives an outputSchema and answers with structuredContent:

    predict(rows: list[dict])          -> {"predictions": [{"row", "prediction", "label", "probabilities"}]}
    explain(row: dict, top_k: int = 4) -> {"prediction", "label", "raw_score", "bias", "shap_values",
                                           "reasons": [{"rank", "feature", "value", "effect", "text"}]}
    ping()                             -> {"ok": true}   (a trivial tool: the floor of a tool call)

What one call does (the usual idiom, nothing hand-tuned): the SDK validates the arguments
against the function's signature (pydantic) and runs the (synchronous) tool in a worker
thread; a pandas DataFrame is built column by column as serve_anchor.py builds it (model
order; absent keys and null -> NaN; numeric columns float64; categorical columns pandas
'category' with the training levels, unseen levels -> NaN); Booster.predict(DataFrame).
`explain` calls shap.TreeExplainer(booster) on the frame (path-dependent TreeSHAP, which for
LightGBM is LightGBM's own pred_contrib) and the raw score from Booster.predict(raw_score=True); the
reasons are the top_k features that raised the log-odds most. The SDK serialises the
pydantic result into structuredContent and a JSON text block.

Logging: MCPServer(log_level="WARNING") (its default, INFO, also turns on uvicorn's access
log over HTTP; serve_anchor.py likewise runs uvicorn with log level warning and no access
log). HTTP: MCPServer.run("streamable-http", host, port): one uvicorn process, sessions by
MCP-Session-Id, SSE answers (the SDK's defaults).

Needs: pip install mcp lightgbm shap pandas numpy
"""
import argparse
import math
import os
import sys
from typing import Any

from pydantic import BaseModel

SHARED_BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "bench")


class Prediction(BaseModel):
    row: int
    prediction: float
    label: str
    probabilities: dict[str, float]


class PredictAnswer(BaseModel):
    predictions: list[Prediction]


class Reason(BaseModel):
    rank: int
    feature: str
    value: str
    effect: float
    text: str


class ExplainAnswer(BaseModel):
    prediction: float
    label: str
    raw_score: float
    bias: float
    shap_values: dict[str, float]
    reasons: list[Reason]


class Pong(BaseModel):
    ok: bool


def load_model(model_path, shared_bench):
    """The booster, a DataFrame builder as serve_anchor.py's, and the SHAP explainer."""
    import lightgbm as lgb
    import numpy as np
    import pandas as pd
    import shap

    sys.path.insert(0, os.path.abspath(shared_bench))
    from serve_anchor import model_schema

    booster = lgb.Booster(model_file=model_path)
    names, cats = model_schema(booster)
    cat_dtypes = {c: pd.CategoricalDtype(categories=lv) for c, lv in cats.items()}

    def column(c, values):
        if c in cat_dtypes:
            return pd.Categorical(values, dtype=cat_dtypes[c])  # unseen levels -> NaN (missing)
        try:
            return np.array(values, dtype=np.float64)  # None -> NaN
        except (TypeError, ValueError):
            return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(np.float64)

    def frame(rows):
        return pd.DataFrame({c: column(c, [r.get(c) for r in rows]) for c in names})

    explainer = shap.TreeExplainer(booster, feature_perturbation="tree_path_dependent")
    return booster, names, frame, explainer


def make_server(model_path, shared_bench, log_level="WARNING"):
    from mcp.server.mcpserver import MCPServer

    booster, names, frame, explainer = load_model(model_path, shared_bench)
    classes = ["0", "1"]
    server = MCPServer("lightgbm-anchor", log_level=log_level)

    @server.tool()
    def predict(rows: list[dict[str, Any]]) -> PredictAnswer:
        """Probability of the positive class for each row (feature name -> value, null when missing)."""
        probabilities = booster.predict(frame(rows)).tolist()
        return PredictAnswer(predictions=[
            Prediction(row=i, prediction=p, label=classes[int(p >= 0.5)], probabilities={"0": 1.0 - p, "1": p})
            for i, p in enumerate(probabilities)])

    @server.tool()
    def explain(row: dict[str, Any], top_k: int = 4) -> ExplainAnswer:
        """SHAP values (path-dependent TreeSHAP, log-odds) of one row, and the top reasons."""
        df = frame([row])
        explanation = explainer(df)
        phi, bias = explanation.values[0], float(explanation.base_values[0])
        raw = float(booster.predict(df, raw_score=True)[0])
        p = 1.0 / (1.0 + math.exp(-raw))
        shap_values = {name: float(v) for name, v in zip(names, phi)}
        top = sorted((kv for kv in shap_values.items() if kv[1] > 0), key=lambda kv: -kv[1])[:top_k]
        reasons = [Reason(rank=i + 1, feature=f, value=str(row.get(f)), effect=v,
                          text=f"{f} = {row.get(f)} raised the log-odds by {v:.3f}")
                   for i, (f, v) in enumerate(top)]
        return ExplainAnswer(prediction=p, label=classes[int(p >= 0.5)], raw_score=raw, bias=bias,
                             shap_values=shap_values, reasons=reasons)

    @server.tool()
    def ping() -> Pong:
        """A trivial tool: answers {"ok": true}."""
        return Pong(ok=True)

    return server


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, help="LightGBM text model (serve_anchor.py --train)")
    p.add_argument("--http", action="store_true", help="streamable HTTP at /mcp instead of stdio")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8766)
    p.add_argument("--shared-bench", default=SHARED_BENCH, help="the folder holding serve_anchor.py")
    a = p.parse_args(argv)
    if not os.path.isfile(a.model):
        sys.exit(f"model file not found: {a.model}")
    server = make_server(a.model, a.shared_bench)
    if a.http:
        print(f"mcp_anchor: serving MCP on http://{a.host}:{a.port}/mcp, pid={os.getpid()}", file=sys.stderr, flush=True)
        server.run("streamable-http", host=a.host, port=a.port)
    else:
        server.run()


if __name__ == "__main__":
    main()
