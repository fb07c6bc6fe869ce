#!/usr/bin/env python3
"""The shared credit data for the monitoring tests, and scipy's drift statistics on it.

Usage: monitor_reference.py OUT_DIR DATASETS_PY

Writes to OUT_DIR: reference.csv (credit, seed 1, 4000 rows), shifted.csv (credit --shift, seed 2),
same.csv (credit, seed 3), null-K.csv for K in 0..99 (credit, seeds 1000+K, 1500 rows: fresh samples
of the reference's population), and expected.json: for reference against shifted, per feature,
scipy's statistics computed the way docs/monitoring.md says Apus computes them:
  numeric: ks_2samp (missing dropped, method auto), wasserstein_distance; binned by numpy's
           Sturges edges on the pooled values when the reference has more than 20 distinct values,
           else by value; PSI (Evidently's empty-bin rule) and jensenshannon on the bins; with at
           most 5 distinct values pooled also chi2_contingency on the value counts.
  categorical: chi2_contingency and association(method='cramer') on the level counts (levels empty
           on both sides left out), PSI and jensenshannon on the proportions; two levels: the
           two-proportion z-test.
"""
import importlib.util
import json
import os
import sys

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon
from scipy.stats.contingency import association

out, datasets_path = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("datasets", datasets_path)
datasets = importlib.util.module_from_spec(spec)
spec.loader.exec_module(datasets)
os.makedirs(out, exist_ok=True)


def write(name, rows, seed, shift=False):
    cols, _ = datasets.generate("credit", rows, seed, shift)
    datasets.write_csv(os.path.join(out, name), cols)
    # The values as written (and as Apus reads them): empty fields are missing.
    return pd.read_csv(os.path.join(out, name), keep_default_na=False, na_values=[""])


ref = write("reference.csv", 4000, 1)
cur = write("shifted.csv", 4000, 2, shift=True)
write("same.csv", 4000, 3)
for k in range(100):
    write(f"null-{k}.csv", 1500, 1000 + k)


def psi(p, q):
    def fill(v):
        nz = v[v > 0]
        smallest = nz.min() if len(nz) else np.inf
        return smallest / 1e6 if smallest <= 0.0001 else 0.0001
    fp, fq = fill(p), fill(q)
    a = np.where(p == 0, fp, p)
    b = np.where(q == 0, fq, q)
    return float(np.sum((a - b) * np.log(a / b)))


def binned(rc, cc):
    p, q = rc / rc.sum(), cc / cc.sum()
    return {"psi": psi(p, q), "js_distance": float(jensenshannon(p, q))}


def chi(rc, cc):
    keep = (rc + cc) > 0
    table = np.array([rc[keep], cc[keep]])
    if table.shape[1] < 2:
        return {"chi2_statistic": 0.0, "chi2_p_value": 1.0, "cramers_v": 0.0}
    r = stats.chi2_contingency(table)
    return {"chi2_statistic": float(r.statistic), "chi2_p_value": float(r.pvalue),
            "cramers_v": float(association(table.astype(np.int64), method="cramer"))}


expected = {}
target = "default"
for name in ref.columns:
    if name == target:
        continue
    a, b = ref[name].to_numpy(), cur[name].to_numpy()
    if a.dtype.kind in "iuf":
        a = a.astype(float)[~np.isnan(a.astype(float))]
        b = b.astype(float)[~np.isnan(b.astype(float))]
        ks = stats.ks_2samp(a, b)
        e = {"ks_statistic": float(ks.statistic), "ks_p_value": float(ks.pvalue),
             "wasserstein": float(stats.wasserstein_distance(a, b))}
        values = np.union1d(a, b)
        if len(np.unique(a)) > 20 and len(values) > 5:
            edges = np.histogram_bin_edges(np.concatenate([a, b]), bins="sturges")
            rc, cc = np.histogram(a, edges)[0].astype(float), np.histogram(b, edges)[0].astype(float)
        else:
            rc = np.array([np.sum(a == v) for v in values], dtype=float)
            cc = np.array([np.sum(b == v) for v in values], dtype=float)
        e.update(binned(rc, cc))
        if len(values) <= 5:
            e.update(chi(rc, cc))
    else:
        a = [x for x in a.tolist() if isinstance(x, str)]
        b = [x for x in b.tolist() if isinstance(x, str)]
        levels = sorted(set(a) | set(b))
        rc = np.array([a.count(v) for v in levels], dtype=float)
        cc = np.array([b.count(v) for v in levels], dtype=float)
        e = chi(rc, cc)
        e.update(binned(rc, cc))
        if len(levels) == 2:
            n1, n2 = rc.sum(), cc.sum()
            p1, p2 = rc[0] / n1, cc[0] / n2
            pooled = (rc[0] + cc[0]) / (n1 + n2)
            z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
            e["z_p_value"] = float(2 * stats.norm.sf(abs(z)))
    expected[name] = e
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f)
print("ok")
