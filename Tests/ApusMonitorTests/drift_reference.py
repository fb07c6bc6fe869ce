"""Writes scipy's drift statistics for the sample pairs and tables ApusMonitorTests checks.

Usage: python3 drift_reference.py OUTPUT_DIRECTORY   (needs numpy and scipy)
Each ks_*.txt holds the two samples (nan = missing) and scipy's values with NaN removed;
chi2_*.txt a 2 x k table with chi2_contingency's and association's values; kstwo.txt and
chi2sf.txt grids of kstwo.sf and chi2.sf.
"""
import os
import sys

import numpy as np
from scipy import stats
from scipy.spatial import distance

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def line(name, values):
    return name + " " + " ".join(repr(float(v)) for v in np.atleast_1d(values)) + "\n"


def psi(ref_counts, cur_counts, eps=0.0001):
    p = ref_counts / ref_counts.sum()
    q = cur_counts / cur_counts.sum()

    def fill(x):
        nz = x[x > 0]
        return nz.min() / 1e6 if nz.min() <= eps else eps

    p = np.where(p == 0, fill(p), p)
    q = np.where(q == 0, fill(q), q)
    return float(np.sum((p - q) * np.log(p / q)))


def ks_case(name, a, b, bins=10):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    ca, cb = a[~np.isnan(a)], b[~np.isnan(b)]
    r = stats.ks_2samp(ca, cb)
    edges = np.histogram_bin_edges(np.concatenate([ca, cb]), bins=bins)
    ha = np.histogram(ca, edges)[0].astype(float)
    hb = np.histogram(cb, edges)[0].astype(float)
    with open(os.path.join(out, f"ks_{name}.txt"), "w") as f:
        f.write(line("reference", a))
        f.write(line("current", b))
        f.write(line("ks_statistic", r.statistic))
        f.write(line("ks_pvalue", r.pvalue))
        f.write(line("wasserstein", stats.wasserstein_distance(ca, cb)))
        f.write(line("wasserstein_normed", stats.wasserstein_distance(ca, cb) / max(np.std(ca), 0.001)))
        f.write(line("bins", bins))
        f.write(line("edges", edges))
        f.write(line("reference_counts", ha))
        f.write(line("current_counts", hb))
        f.write(line("js", distance.jensenshannon(ha, hb)))
        f.write(line("js_base2", distance.jensenshannon(ha, hb, base=2)))
        f.write(line("psi", psi(ha, hb)))
        f.write(line("sturges_bins", len(np.histogram_bin_edges(np.concatenate([ca, cb]), bins="sturges")) - 1))


rng = np.random.default_rng(8)
ks_case("small_equal", rng.normal(0, 1, 8), rng.normal(0.8, 1, 8))
ks_case("small_unequal", rng.normal(0, 1, 30), rng.normal(0.5, 1.2, 45))
ks_case("ties", rng.integers(0, 6, 200), rng.integers(0, 7, 300), bins=7)
a = rng.normal(0, 1, 50); a[[3, 17, 40]] = np.nan
b = rng.exponential(1, 60); b[[0, 59]] = np.nan
ks_case("nans", a, b)
ks_case("exact_large", rng.normal(0, 1, 5000), rng.normal(0.03, 1, 7000), bins=30)
ks_case("exact_small_p", rng.normal(0, 1, 300), rng.normal(0.6, 1, 400))
ks_case("identical", np.arange(20.0), np.arange(20.0))
ks_case("asymp_durbin", rng.normal(0, 1, 20000), rng.normal(0.01, 1, 15000), bins=30)
ks_case("asymp_smirnov", rng.normal(0, 1, 12000), rng.normal(0.05, 1, 11000), bins=30)
ks_case("asymp_small_n", rng.normal(0, 1, 60), rng.normal(0.2, 1, 20000), bins=20)
ks_case("asymp_tiny_p", rng.normal(0, 1, 15000), rng.normal(0.3, 1, 15000), bins=30)
ks_case("asymp_pelz_good", rng.normal(0, 1, 250000), rng.normal(0.002, 1, 300000), bins=30)

with open(os.path.join(out, "kstwo.txt"), "w") as f:
    for n in [1, 2, 5, 10, 37, 100, 140, 141, 500, 5000, 60000, 100000, 150000]:
        for x in [0.3 / n, 0.7 / n, 1.5 / n, 0.01, 0.03, 0.05, 0.1, 0.2, 0.35, 0.6, 0.9, 1 - 0.5 / n]:
            if 0 < x < 1:
                f.write(f"{n} {x!r} {float(stats.kstwo.sf(x, n))!r}\n")

tables = {
    "2x2": [[30, 14], [22, 35]],
    "2x2_small": [[3, 1], [2, 4]],
    "2x4": [[120, 80, 40, 10], [100, 95, 30, 25]],
    "2x6_empty": [[50, 0, 20, 30, 5, 1], [45, 0, 25, 20, 15, 2]],
    "2x3_shift": [[5000, 3000, 2000], [2000, 3000, 5000]],
}
for name, table in tables.items():
    t = np.asarray(table, dtype=float)
    kept = t[:, t.sum(axis=0) > 0]
    chi2, p, dof, _ = stats.chi2_contingency(kept)
    v = stats.contingency.association(kept.astype(np.int64), method="cramer")
    with open(os.path.join(out, f"chi2_{name}.txt"), "w") as f:
        f.write(line("reference", t[0]))
        f.write(line("current", t[1]))
        f.write(line("chi2_statistic", chi2))
        f.write(line("chi2_pvalue", p))
        f.write(line("dof", dof))
        f.write(line("cramers_v", v))
        f.write(line("js", distance.jensenshannon(t[0], t[1])))
        f.write(line("psi", psi(t[0], t[1])))

with open(os.path.join(out, "chi2sf.txt"), "w") as f:
    for dof in [1, 2, 3, 5, 9, 20, 49, 100, 400]:
        for x in [0.001, 0.5, 1.0, 3.0, dof * 0.5, dof, dof + 1.0, dof * 2.0, dof * 4.0 + 20, dof * 10.0 + 100]:
            f.write(f"{dof} {x!r} {float(stats.chi2.sf(x, dof))!r}\n")
